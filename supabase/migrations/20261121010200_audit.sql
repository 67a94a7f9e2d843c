-- Audit log of sensitive changes: role grants, the permission matrix, partners, partner keys and
-- books, plus events the server records itself (account deletion, anonymisation, …).
--
-- - public.audit_logs is partitioned by month (created_at, UTC). Partitions live in `private`
--   (never exposed; reached only through the parent, whose policies apply): private.audit_logs_yYYYYmMM,
--   plus private.audit_logs_default, which catches rows no monthly partition covers so that an
--   audited write never fails. private.create_audit_partitions(months_ahead) creates the current
--   and the next months (idempotent; a daily job and this migration call it) and moves any rows
--   the default partition holds for those months.
-- - Only admins read it through the API; nobody writes it through the API. Rows come from
--   security definer triggers and from private.write_audit() (server, service role).
-- - Actor: the request's JWT `sub`, else the `coko.actor_id` setting. IP and user agent: PostgREST's
--   `request.headers` (x-forwarded-for, user-agent), else the `coko.ip` / `coko.user_agent`
--   settings (the server sets these with set_config(…, true) in its transaction).
-- - Row triggers log `<resource_type>.<insert|update|delete>`; an update logs only the changed
--   columns (old and new), and is skipped when nothing but updated_at changed. Columns passed
--   as hidden (partner_keys.key_hash, …) are never logged.

-- =============================================================================================
-- Tables
-- =============================================================================================
create table public.audit_logs (
  id uuid not null default gen_random_uuid(),
  actor_id uuid,
  action text not null
    constraint audit_logs_action_length check (char_length(action) between 1 and 100),
  resource_type text not null
    constraint audit_logs_resource_type_length check (char_length(resource_type) between 1 and 50),
  resource_id text
    constraint audit_logs_resource_id_length check (char_length(resource_id) <= 255),
  old_values jsonb,
  new_values jsonb,
  ip_address inet,
  user_agent text
    constraint audit_logs_user_agent_length check (char_length(user_agent) <= 512),
  created_at timestamptz not null default now(),
  primary key (id, created_at)
) partition by range (created_at);
comment on table public.audit_logs is
  'Audit log of sensitive changes (partitioned by month). Admins read it; nobody writes it through the API (triggers and private.write_audit() do).';
comment on column public.audit_logs.id is 'Entry id.';
comment on column public.audit_logs.actor_id is 'Who made the change: the request''s user, or the server''s coko.actor_id setting; null for system jobs. Not a foreign key: entries outlive accounts.';
comment on column public.audit_logs.action is 'What happened: <resource_type>.<verb>, e.g. book.update, user_role.insert, account.delete.';
comment on column public.audit_logs.resource_type is 'Kind of resource: book, user_role, role_permission, partner, partner_key, account, …';
comment on column public.audit_logs.resource_id is 'Id of the resource (text).';
comment on column public.audit_logs.old_values is 'Values before the change (updates: only the changed columns). Secrets are never logged.';
comment on column public.audit_logs.new_values is 'Values after the change (updates: only the changed columns). Secrets are never logged.';
comment on column public.audit_logs.ip_address is 'Client IP (first x-forwarded-for hop, or coko.ip). Erased when the actor''s account is anonymised.';
comment on column public.audit_logs.user_agent is 'Client user agent (up to 512 characters). Erased when the actor''s account is anonymised.';
comment on column public.audit_logs.created_at is 'When it happened (partition key).';

create index audit_logs_actor_id_idx on public.audit_logs (actor_id, created_at desc);
create index audit_logs_resource_idx on public.audit_logs (resource_type, resource_id, created_at desc);
create index audit_logs_action_idx on public.audit_logs (action, created_at desc);
create index audit_logs_created_at_idx on public.audit_logs (created_at desc);

create table private.audit_logs_default partition of public.audit_logs default;
comment on table private.audit_logs_default is
  'Safety net for audit rows outside every monthly partition (should stay empty; create_audit_partitions moves its rows into new partitions).';

-- =============================================================================================
-- Functions
-- =============================================================================================
create or replace function private.create_audit_partitions(months_ahead integer default 2)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  this_month date := date_trunc('month', now() at time zone 'UTC')::date;
  month_start date;
  partition_name text;
  lower_bound text;
  upper_bound text;
  created integer := 0;
begin
  if months_ahead is null or months_ahead not between 0 and 36 then
    raise exception using errcode = '22023',
      message = 'months_ahead is invalid',
      detail = format('months_ahead must be between 0 and 36; got %s.', coalesce(months_ahead::text, 'null'));
  end if;
  -- One creator at a time (the migration, the daily job, a manual run).
  perform pg_advisory_xact_lock(hashtext('coko.create_audit_partitions'));

  for i in 0..months_ahead loop
    month_start := (this_month + make_interval(months => i))::date;
    partition_name := format('audit_logs_y%sm%s', to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
    continue when to_regclass(format('private.%I', partition_name)) is not null;

    lower_bound := to_char(month_start, 'YYYY-MM-DD') || ' 00:00:00+00';
    upper_bound := to_char((month_start + interval '1 month')::date, 'YYYY-MM-DD') || ' 00:00:00+00';

    if exists (
      select 1 from private.audit_logs_default d
      where d.created_at >= lower_bound::timestamptz and d.created_at < upper_bound::timestamptz
    ) then
      -- Rows of that month are in the default partition: move them into a new table, then
      -- attach it (creating the partition directly would fail on those rows).
      execute format('create table private.%I (like public.audit_logs including defaults including constraints)', partition_name);
      execute format(
        'with moved as (delete from private.audit_logs_default where created_at >= $1 and created_at < $2 returning *)
         insert into private.%I select * from moved',
        partition_name
      ) using lower_bound::timestamptz, upper_bound::timestamptz;
      execute format('alter table public.audit_logs attach partition private.%I for values from (%L) to (%L)',
        partition_name, lower_bound, upper_bound);
    else
      execute format('create table private.%I partition of public.audit_logs for values from (%L) to (%L)',
        partition_name, lower_bound, upper_bound);
    end if;

    execute format('alter table private.%I enable row level security', partition_name);
    execute format('revoke all on table private.%I from public, anon, authenticated', partition_name);
    execute format('comment on table private.%I is %L', partition_name,
      format('Audit log entries of %s (UTC), a partition of public.audit_logs.', to_char(month_start, 'YYYY-MM')));
    created := created + 1;
  end loop;
  return created;
end;
$$;
comment on function private.create_audit_partitions(integer) is
  'Creates the monthly partitions of public.audit_logs for the current month and the next months_ahead (0..36) months, UTC (private.audit_logs_yYYYYmMM). Idempotent; returns how many it created. Called daily by the audit.create-partitions job.';

-- The request context of an audit entry.
create or replace function private.audit_actor()
returns uuid
language sql
stable
set search_path = ''
as $$
  select case
    when pg_input_is_valid(s.sub, 'uuid') then s.sub::uuid
    when pg_input_is_valid(s.actor, 'uuid') then s.actor::uuid
  end
  from (
    select
      coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
      ) as sub,
      nullif(current_setting('coko.actor_id', true), '') as actor
  ) as s;
$$;
comment on function private.audit_actor() is
  'Actor of an audit entry: the JWT sub of the request, else the coko.actor_id setting, else null.';

create or replace function private.write_audit(
  action text,
  resource_type text,
  resource_id text default null,
  old_values jsonb default null,
  new_values jsonb default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  headers jsonb := nullif(current_setting('request.headers', true), '')::jsonb;
  forwarded text := btrim(split_part(headers ->> 'x-forwarded-for', ',', 1));
  setting_ip text := nullif(btrim(current_setting('coko.ip', true)), '');
  agent text := coalesce(headers ->> 'user-agent', nullif(current_setting('coko.user_agent', true), ''));
  client_ip inet;
begin
  -- Casts only after validation, in separate statements: inside one CASE the planner may fold
  -- the cast of a constant before the check runs.
  if pg_input_is_valid(forwarded, 'inet') then
    client_ip := forwarded::inet;
  elsif pg_input_is_valid(setting_ip, 'inet') then
    client_ip := setting_ip::inet;
  end if;

  insert into public.audit_logs (actor_id, action, resource_type, resource_id, old_values, new_values, ip_address, user_agent)
  values (
    private.audit_actor(),
    write_audit.action,
    write_audit.resource_type,
    left(write_audit.resource_id, 255),
    write_audit.old_values,
    write_audit.new_values,
    client_ip,
    left(agent, 512)
  );
end;
$$;
comment on function private.write_audit(text, text, text, jsonb, jsonb) is
  'Appends an audit entry with the request context (actor, IP, user agent). For the server''s own events (account.delete, session.create, …); never pass secrets.';

-- Row trigger: tg_argv[0] = resource type, tg_argv[1] = id column, tg_argv[2…] = columns never logged.
create or replace function private.audit_row_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  hidden text[] := coalesce(tg_argv[2:], '{}');
  old_row jsonb;
  new_row jsonb;
  row_id text;
  changed text[];
begin
  if tg_op in ('UPDATE', 'DELETE') then
    old_row := to_jsonb(old) - hidden;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    new_row := to_jsonb(new) - hidden;
  end if;
  row_id := coalesce(new_row, old_row) ->> tg_argv[1];

  if tg_op = 'UPDATE' then
    select coalesce(array_agg(n.key order by n.key), '{}') into changed
    from jsonb_each(new_row) as n
    where n.value is distinct from old_row -> n.key;
    if changed <@ array['updated_at'] then
      return null;
    end if;
    select jsonb_object_agg(k, old_row -> k), jsonb_object_agg(k, new_row -> k)
      into old_row, new_row
    from unnest(changed) as k;
  end if;

  perform private.write_audit(tg_argv[0] || '.' || lower(tg_op), tg_argv[0], row_id, old_row, new_row);
  return null;
end;
$$;
comment on function private.audit_row_change() is
  'Trigger: writes an audit entry per inserted, updated (changed columns only) or deleted row. Arguments: resource type, id column, then columns never to log.';

-- =============================================================================================
-- Triggers
-- =============================================================================================
create trigger audit after insert or update or delete on public.user_roles
  for each row execute function private.audit_row_change('user_role', 'user_id');
create trigger audit after insert or update or delete on public.role_permissions
  for each row execute function private.audit_row_change('role_permission', 'role');
create trigger audit after insert or update or delete on private.partners
  for each row execute function private.audit_row_change('partner', 'id');
create trigger audit after insert or update or delete on private.partner_keys
  for each row execute function private.audit_row_change('partner_key', 'id', 'key_hash', 'last_used_at');
create trigger audit after insert or update or delete on public.books
  for each row execute function private.audit_row_change('book', 'id', 'search_vector', 'title_search', 'is_published', 'list_authors', 'facet_category_ids');

-- =============================================================================================
-- Row level security
-- =============================================================================================
alter table public.audit_logs enable row level security;
alter table private.audit_logs_default enable row level security;

create policy "Admins can read the audit log"
  on public.audit_logs for select
  to authenticated
  using ((select private.has_role('admin')));

-- No insert, update or delete policies (and no such grants to API users).

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on table public.audit_logs from public, anon, authenticated;
revoke all on table private.audit_logs_default from public, anon, authenticated;
grant select on table public.audit_logs to authenticated;
grant select, insert on table public.audit_logs to service_role;

revoke all on function
  private.create_audit_partitions(integer),
  private.audit_actor(),
  private.write_audit(text, text, text, jsonb, jsonb),
  private.audit_row_change()
from public;
grant execute on function
  private.create_audit_partitions(integer),
  private.write_audit(text, text, text, jsonb, jsonb)
to service_role;

-- =============================================================================================
-- Partitions: this month and the next two
-- =============================================================================================
select private.create_audit_partitions(2);
