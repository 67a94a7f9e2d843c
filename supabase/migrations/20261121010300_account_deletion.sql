-- Account deletion (GDPR): soft delete now, anonymise after the retention period.
--
-- 1. private.soft_delete_account(user_id, retention): DELETE /api/v1/me. Marks the account deleted
--    (account_states.deleted_at, profiles.deleted_at), revokes its sessions (PostgREST refuses its
--    tokens from now on, see private.check_request), bans it in Supabase Auth (no new sign-in or
--    refresh), hides its public profile, and schedules anonymisation (default: 30 days).
-- 2. private.anonymize_due_accounts(now): the hourly accounts.anonymize-due job; anonymises every
--    deleted account whose anonymize_after has passed (the clock is an argument, for tests).
-- 3. private.anonymize_account(user_id): erases personal data and keeps what is not personal.
--
-- What anonymisation does, and why:
-- - auth.users: email, phone, password, tokens and user metadata are erased; the row stays (with
--   deleted_at) so that rows which must outlive the person keep a valid, now anonymous, user id.
--   On Supabase, the user's identities, sessions and refresh tokens are deleted too.
-- - profiles: display name, avatar, country and preferences are reset.
-- - consents: deleted. They are personal data; their purpose (proving consent to processing)
--   ends with the processing, and the anonymisation itself is audited.
-- - partner_users: deleted (the partner's id for the person is personal data). A later session
--   for the same external user creates a new, unrelated Coko user.
-- - user_roles: deleted (an anonymous account holds no privileges).
-- - audit_logs: kept, as the record of what happened, but the IP addresses and user agents of
--   the person's own actions are erased; actor_id remains as a pseudonymous id that no longer
--   leads to a person.
-- - Other domains plug their own erasure in: a function (user_id uuid) returns void, registered in
--   private.account_anonymizers, runs inside the same transaction.

-- =============================================================================================
-- Tables
-- =============================================================================================
create table private.account_anonymizers (
  function_name regprocedure primary key,
  position integer not null default 100,
  description text not null
);
comment on table private.account_anonymizers is
  'Per-domain erasure steps run by private.anonymize_account(), in position order: each is a function (user_id uuid) returns void that erases or anonymises that domain''s personal data. Register with insert … on conflict do nothing in the domain''s migration.';
comment on column private.account_anonymizers.function_name is 'The step: a function taking the user id (uuid).';
comment on column private.account_anonymizers.position is 'Run order (ascending).';
comment on column private.account_anonymizers.description is 'What the step erases.';

alter table private.account_anonymizers enable row level security;
revoke all on table private.account_anonymizers from public, anon, authenticated;
grant select on table private.account_anonymizers to service_role;

-- =============================================================================================
-- Functions
-- =============================================================================================
create or replace function private.soft_delete_account(user_id uuid, retention interval default interval '30 days')
returns timestamptz
language plpgsql
security definer
set search_path = ''
as $$
declare
  scheduled timestamptz;
begin
  if retention is null or retention < interval '0' then
    raise exception using errcode = '22023', message = 'retention must be a non-negative interval';
  end if;
  perform 1 from auth.users u where u.id = soft_delete_account.user_id for update;
  if not found then
    raise exception using errcode = 'P0002', message = 'user not found';
  end if;

  -- Repeating a deletion neither postpones nor advances the anonymisation date.
  insert into private.account_states as s (user_id, deleted_at, anonymize_after, sessions_revoked_at)
  values (soft_delete_account.user_id, now(), now() + retention, now())
  on conflict on constraint account_states_pkey do update
    set deleted_at = coalesce(s.deleted_at, excluded.deleted_at),
        anonymize_after = coalesce(s.anonymize_after, excluded.anonymize_after),
        sessions_revoked_at = excluded.sessions_revoked_at
  returning s.anonymize_after into scheduled;

  update public.profiles p
  set deleted_at = coalesce(p.deleted_at, now())
  where p.id = soft_delete_account.user_id;

  -- Supabase Auth: no new sign-in and no refresh for a banned user.
  update auth.users u
  set banned_until = greatest(coalesce(u.banned_until, '-infinity'), now() + interval '100 years')
  where u.id = soft_delete_account.user_id;

  perform private.write_audit('account.delete', 'account', soft_delete_account.user_id::text, null,
    jsonb_build_object('anonymize_after', scheduled));
  return scheduled;
end;
$$;
comment on function private.soft_delete_account(uuid, interval) is
  'Soft-deletes an account (DELETE /api/v1/me): refuses its tokens from now on, hides its profile, bans it in Supabase Auth and schedules anonymisation after retention (default 30 days). Idempotent; returns the anonymisation date. Raises P0002 for an unknown user.';

create or replace function private.anonymize_account(user_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  state private.account_states;
  step record;
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
  for step in select a.function_name::regproc as fn from private.account_anonymizers a order by a.position, a.function_name::text loop
    execute format('select %s($1)', step.fn) using anonymize_account.user_id;
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

create or replace function private.anonymize_due_accounts(now timestamptz default now(), max_accounts integer default 1000)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  due record;
  anonymized integer := 0;
begin
  if max_accounts is null or max_accounts < 1 then
    raise exception using errcode = '22023', message = 'max_accounts must be at least 1';
  end if;
  for due in
    select s.user_id
    from private.account_states s
    where s.deleted_at is not null
      and s.anonymized_at is null
      and s.anonymize_after <= anonymize_due_accounts.now
    order by s.anonymize_after
    limit max_accounts
    for update skip locked
  loop
    if private.anonymize_account(due.user_id) then
      anonymized := anonymized + 1;
    end if;
  end loop;
  return anonymized;
end;
$$;
comment on function private.anonymize_due_accounts(timestamptz, integer) is
  'Anonymises deleted accounts whose anonymize_after is at or before `now` (at most max_accounts, oldest first; rows locked by a concurrent run are skipped). Returns how many it anonymised. Run hourly by the accounts.anonymize-due job.';

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on function
  private.soft_delete_account(uuid, interval),
  private.anonymize_account(uuid),
  private.anonymize_due_accounts(timestamptz, integer)
from public;
grant execute on function
  private.soft_delete_account(uuid, interval),
  private.anonymize_account(uuid),
  private.anonymize_due_accounts(timestamptz, integer)
to service_role;
