-- Account anonymizers named by text, resolved at call time (Supabase advisor lint 0018,
-- "Unsupported reg types"): private.account_anonymizers.function_name was a `regprocedure`, which
-- stores the function's OID. pg_upgrade cannot carry reg* columns (other than regclass/regrole/
-- regtype) over, so the column blocked Postgres major upgrades of the database.
--
-- The column keeps its name and becomes text holding the function's identity, schema-qualified,
-- as `schema.name(argtypes)` (e.g. `private.erase_reading_data(uuid)`):
-- - a trigger checks each registration (the function exists and is `(uuid) returns void`) and
--   stores its canonical spelling, so a typo fails at registration as before and two spellings of
--   one function cannot both be registered;
-- - private.anonymize_account() resolves each name with to_regprocedure() when it runs, and fails
--   (42883) if a registered function has gone, instead of skipping that domain's erasure.
-- Domain migrations register steps exactly as before:
--   insert into private.account_anonymizers (function_name, position, description)
--   values ('private.erase_x_data(uuid)', 100, '…') on conflict do nothing;

-- =============================================================================================
-- Tables
-- =============================================================================================
alter table private.account_anonymizers
  alter column function_name type text using function_name::text;
comment on column private.account_anonymizers.function_name is
  'The step: identity of a function (user_id uuid) returns void, schema-qualified, as schema.name(uuid). Checked and stored in canonical form on write; resolved by name when anonymize_account() runs.';

-- =============================================================================================
-- Functions: triggers
-- =============================================================================================
create or replace function private.account_anonymizers_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  step_function regprocedure := to_regprocedure(new.function_name);
begin
  if step_function is null then
    raise exception using errcode = '42883',
      message = format('function %s does not exist', new.function_name),
      hint = 'Register a function (user_id uuid) returns void by its schema-qualified identity, e.g. private.erase_reading_data(uuid).';
  end if;
  if not exists (
    select 1 from pg_catalog.pg_proc p
    where p.oid = step_function
      and p.prokind = 'f'
      and p.pronargs = 1
      and p.proargtypes[0] = 'pg_catalog.uuid'::pg_catalog.regtype
      and p.prorettype = 'pg_catalog.void'::pg_catalog.regtype
      and not p.proretset
  ) then
    raise exception using errcode = '22023',
      message = format('%s is not a function (user_id uuid) returns void', step_function),
      hint = 'An account anonymizer takes the user id and returns nothing.';
  end if;
  -- With an empty search_path, the text form of a regprocedure is always schema-qualified.
  new.function_name := step_function::text;
  return new;
end;
$$;
comment on function private.account_anonymizers_before_write() is
  'Trigger: checks that an account anonymizer names an existing function (user_id uuid) returns void and stores its canonical schema-qualified identity.';

create trigger check_function before insert or update of function_name on private.account_anonymizers
  for each row execute function private.account_anonymizers_before_write();

-- Rows registered before this migration: check them and store the canonical spelling.
update private.account_anonymizers set function_name = function_name;

-- =============================================================================================
-- Functions: anonymisation (unchanged but for the loop over the registered steps)
-- =============================================================================================
create or replace function private.anonymize_account(user_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  state private.account_states;
  step record;
  step_function regprocedure;
begin
  perform 1 from auth.users u where u.id = anonymize_account.user_id for update;
  if not found then
    raise exception using errcode = 'P0002', message = 'user not found';
  end if;

  insert into private.account_states (user_id, deleted_at, sessions_revoked_at)
  values (anonymize_account.user_id, now(), now())
  on conflict on constraint account_states_pkey do nothing;
  select * into state from private.account_states s where s.user_id = anonymize_account.user_id for update;
  if state.anonymized_at is not null then
    return false;
  end if;

  -- Other domains first, while their rows can still be joined to everything else.
  -- Resolved by name at call time; a registered step whose function is gone stops the
  -- anonymisation (and the job retries) rather than leaving that domain's personal data behind.
  for step in select a.function_name from private.account_anonymizers a order by a.position, a.function_name loop
    step_function := to_regprocedure(step.function_name);
    if step_function is null then
      raise exception using errcode = '42883',
        message = format('account anonymizer %s does not exist', step.function_name),
        hint = 'Restore the function, or delete its row from private.account_anonymizers.';
    end if;
    execute format('select %s($1)', step_function::regproc) using anonymize_account.user_id;
  end loop;

  delete from public.consents c where c.user_id = anonymize_account.user_id;
  delete from private.partner_users pu where pu.user_id = anonymize_account.user_id;
  delete from public.user_roles ur where ur.user_id = anonymize_account.user_id;

  update public.profiles p
  set display_name = null,
      avatar_path = null,
      country = null,
      preferences = default,
      deleted_at = coalesce(p.deleted_at, now())
  where p.id = anonymize_account.user_id;

  update public.audit_logs l
  set ip_address = null, user_agent = null
  where l.actor_id = anonymize_account.user_id
    and (l.ip_address is not null or l.user_agent is not null);

  update auth.users u
  set email = null,
      phone = null,
      encrypted_password = null,
      confirmation_token = '',
      recovery_token = '',
      raw_user_meta_data = '{}'::jsonb,
      raw_app_meta_data = jsonb_strip_nulls(jsonb_build_object(
        'provider', u.raw_app_meta_data -> 'provider',
        'providers', u.raw_app_meta_data -> 'providers',
        'partner_id', u.raw_app_meta_data -> 'partner_id')),
      banned_until = greatest(coalesce(u.banned_until, '-infinity'), now() + interval '100 years'),
      deleted_at = coalesce(u.deleted_at, now()),
      updated_at = now()
  where u.id = anonymize_account.user_id;

  -- Supabase Auth keeps more personal data and live sessions in tables a plain Postgres lacks.
  if to_regclass('auth.identities') is not null then
    execute 'delete from auth.identities where user_id = $1' using anonymize_account.user_id;
  end if;
  if to_regclass('auth.sessions') is not null then
    execute 'delete from auth.sessions where user_id = $1' using anonymize_account.user_id;
  end if;
  if to_regclass('auth.refresh_tokens') is not null then
    execute 'delete from auth.refresh_tokens where user_id = $1::text' using anonymize_account.user_id;
  end if;

  update private.account_states s
  set anonymized_at = now(),
      anonymize_after = coalesce(s.anonymize_after, now())
  where s.user_id = anonymize_account.user_id;

  perform private.write_audit('account.anonymize', 'account', anonymize_account.user_id::text, null, null);
  return true;
end;
$$;
comment on function private.anonymize_account(uuid) is
  'Erases an account''s personal data now (see the migration header for what is erased and what is kept), marking it deleted if it was not. Idempotent: returns false when it was already anonymised. Raises P0002 for an unknown user.';


-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on function private.account_anonymizers_before_write() from public;
revoke all on function private.anonymize_account(uuid) from public;
grant execute on function private.anonymize_account(uuid) to service_role;
