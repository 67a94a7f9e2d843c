-- Identity: partners (the apps that embed Coko), their API keys, the mapping of their users to Coko
-- users, account states (deletion, revoked sessions), the permission matrix, and the checks that
-- run on every PostgREST request.
--
-- Contract: docs/CONTRACT-identity.md.
-- - private.partners / partner_keys / partner_users / account_states: server-side state, never
--   exposed through PostgREST (RLS on, no policies, no grants to anon/authenticated).
-- - private.check_request(): PostgREST's db-pre-request. Rejects (HTTP 401) tokens of deleted
--   accounts, tokens issued before the account's sessions were revoked, and tokens of a suspended
--   partner's users.
-- - private.resolve_publishable_key(key, origin): the gateway's publishable-key check.
-- - public.role_permissions + public.authorize(permission): the RBAC matrix of the product doc,
--   with `resource:*` wildcards.
-- - public.custom_access_token_hook(event): Supabase Auth hook adding `user_role` to the claims.

-- =============================================================================================
-- Enums
-- =============================================================================================
create type public.partner_status as enum ('active', 'suspended');
comment on type public.partner_status is
  'Partner state: active, or suspended (its keys stop working and its users'' tokens are refused).';

create type public.partner_key_kind as enum ('publishable', 'secret');
comment on type public.partner_key_kind is
  'publishable (pk_…, browser-safe, maps to anon at the gateway) or secret (sk_…, server-side only, mints user sessions).';

-- =============================================================================================
-- Functions: validation (immutable, used by constraints)
-- =============================================================================================
create or replace function private.is_web_origin(value text)
returns boolean
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  -- Browsers send Origin as scheme://host[:port], lower case, no path and no trailing slash.
  select value ~ '^https?://([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$';
$$;
comment on function private.is_web_origin(text) is
  'True for a browser Origin value: scheme://host[:port] in lower case (http or https), no path.';

create or replace function private.is_origin_list(origins text[])
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(bool_and(origin is not null and (origin = '*' or private.is_web_origin(origin))), true)
  from unnest(origins) as origin;
$$;
comment on function private.is_origin_list(text[]) is
  'True when every element is ''*'' or a browser origin (see private.is_web_origin); an empty list is valid.';

-- =============================================================================================
-- Tables
-- =============================================================================================
create table private.partners (
  id uuid primary key default gen_random_uuid(),
  name text not null
    constraint partners_name_length check (btrim(name) <> '' and char_length(name) <= 200),
  slug text not null unique
    constraint partners_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 100),
  status public.partner_status not null default 'active',
  allowed_origins text[] not null default '{}'
    constraint partners_allowed_origins_format check (private.is_origin_list(allowed_origins)),
  default_country char(2)
    constraint partners_default_country_format check (default_country ~ '^[A-Z]{2}$'),
  default_language text not null default 'fr'
    constraint partners_default_language_format check (default_language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  webhook_url text
    constraint partners_webhook_url_format check (webhook_url ~ '^https?://[^[:space:]]+$' and char_length(webhook_url) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  suspended_at timestamptz,
  constraint partners_suspended_at_matches_status check ((status = 'suspended') = (suspended_at is not null))
);
comment on table private.partners is
  'Apps that embed Coko. Their backends mint user sessions with a secret key; their front ends use a publishable key.';
comment on column private.partners.id is 'Partner id (carried in user tokens as app_metadata.partner_id).';
comment on column private.partners.name is 'Display name (1–200 characters).';
comment on column private.partners.slug is 'Unique URL-safe identifier (lower-case words joined by hyphens).';
comment on column private.partners.status is 'active, or suspended: keys stop working and the partner''s users'' tokens are refused (HTTP 401).';
comment on column private.partners.allowed_origins is
  'Browser origins (scheme://host[:port]) allowed to use the publishable keys. Empty = no browser origin (server-side and native apps only); ''*'' = any origin.';
comment on column private.partners.default_country is 'ISO 3166-1 alpha-2 country for new users who give none.';
comment on column private.partners.default_language is 'Language (ISO 639-1, optional region) for new users who give none.';
comment on column private.partners.webhook_url is 'Where Coko posts the partner''s event notifications (http or https URL).';
comment on column private.partners.created_at is 'When the partner was created.';
comment on column private.partners.updated_at is 'When the row was last changed (maintained by a trigger).';
comment on column private.partners.suspended_at is 'When the partner was suspended; set and cleared with status by a trigger.';

create table private.partner_keys (
  id uuid primary key default gen_random_uuid(),
  partner_id uuid not null references private.partners (id) on delete cascade,
  kind public.partner_key_kind not null,
  key_id text not null unique
    constraint partner_keys_key_id_format check (key_id ~ '^[0-9A-Za-z]{16}$'),
  key_hash text not null
    constraint partner_keys_key_hash_format check (key_hash ~ '^[0-9a-f]{64}$'),
  label text
    constraint partner_keys_label_length check (char_length(label) <= 200),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
comment on table private.partner_keys is
  'Partner API keys: pk_<key_id>_<32 base62> (publishable) and sk_<key_id>_<32 base62> (secret). The whole key is shown once and stored only as its SHA-256. Valid when not revoked, not expired, and the partner is active.';
comment on column private.partner_keys.id is 'Key row id.';
comment on column private.partner_keys.partner_id is 'The partner the key belongs to.';
comment on column private.partner_keys.kind is 'publishable or secret.';
comment on column private.partner_keys.key_id is 'Public lookup part of the key (16 base62 characters), stored in clear.';
comment on column private.partner_keys.key_hash is 'Hex SHA-256 of the whole key (never logged, never audited).';
comment on column private.partner_keys.label is 'Human label (e.g. "production web").';
comment on column private.partner_keys.created_at is 'When the key was created.';
comment on column private.partner_keys.expires_at is 'End of validity (set on rotation: the end of the overlap window); null = no expiry.';
comment on column private.partner_keys.revoked_at is 'When the key was revoked; a revoked key never works again.';
comment on column private.partner_keys.last_used_at is 'Last successful use (updated at most once a minute).';

create index partner_keys_partner_id_idx on private.partner_keys (partner_id);

create table private.partner_users (
  partner_id uuid not null references private.partners (id) on delete cascade,
  external_user_id text not null
    constraint partner_users_external_user_id_length check (char_length(external_user_id) between 1 and 255),
  user_id uuid not null unique references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (partner_id, external_user_id)
);
comment on table private.partner_users is
  'Maps a partner''s own user id to the Coko user created for it (one Coko user per partner user).';
comment on column private.partner_users.partner_id is 'The partner.';
comment on column private.partner_users.external_user_id is 'The partner''s id for the user (1–255 characters, opaque to Coko).';
comment on column private.partner_users.user_id is 'The Coko user (auth.users.id).';
comment on column private.partner_users.created_at is 'When the user first got a session through the partner.';

create table private.account_states (
  user_id uuid primary key references auth.users (id) on delete cascade,
  deleted_at timestamptz,
  anonymize_after timestamptz,
  anonymized_at timestamptz,
  sessions_revoked_at timestamptz,
  constraint account_states_anonymize_after_needs_deletion check (anonymize_after is null or deleted_at is not null),
  constraint account_states_anonymized_needs_deletion check (anonymized_at is null or deleted_at is not null)
);
comment on table private.account_states is
  'Lifecycle state of accounts that have one (deleted, anonymised, sessions revoked). No row = an active account. Read by private.check_request() on every request.';
comment on column private.account_states.user_id is 'The account (auth.users.id).';
comment on column private.account_states.deleted_at is 'When the account was deleted (soft delete); its tokens are refused from then on.';
comment on column private.account_states.anonymize_after is 'When personal data gets anonymised (deleted_at + retention, 30 days by default).';
comment on column private.account_states.anonymized_at is 'When personal data was anonymised.';
comment on column private.account_states.sessions_revoked_at is 'Tokens issued (iat) before this instant are refused.';

-- Finds accounts due for anonymisation without scanning the active ones.
create index account_states_anonymize_due_idx on private.account_states (anonymize_after)
  where deleted_at is not null and anonymized_at is null;

create table public.role_permissions (
  role public.app_role not null,
  permission text not null
    constraint role_permissions_permission_format
      check (permission = '*' or permission ~ '^[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)*(:\*)?$'),
  primary key (role, permission)
);
comment on table public.role_permissions is
  'Permissions of each application role (resource:action, resource:* wildcards). Every signed-in user also has the user role''s permissions; guests (anon) have books:read:public and catalog:browse. Checked by public.authorize().';
comment on column public.role_permissions.role is 'Application role.';
comment on column public.role_permissions.permission is 'resource:action (e.g. books:read), resource:* (everything on a resource) or *.';

-- =============================================================================================
-- Functions: triggers
-- =============================================================================================
create or replace function private.partners_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = 'suspended' then
    new.suspended_at := case when tg_op = 'UPDATE' and old.status = 'suspended' then old.suspended_at else now() end;
  else
    new.suspended_at := null;
  end if;
  return new;
end;
$$;
comment on function private.partners_before_write() is 'Trigger: keeps partners.suspended_at in step with status.';

create trigger keep_suspended_at before insert or update of status, suspended_at on private.partners
  for each row execute function private.partners_before_write();
create trigger set_updated_at before update on private.partners
  for each row execute function private.set_updated_at();

-- =============================================================================================
-- Functions: request checks (PostgREST db-pre-request) and keys
-- =============================================================================================

-- Runs before every PostgREST request, after the role and JWT claims are set. Must stay cheap:
-- anon and service_role return at once; a user costs one statement over two primary-key lookups
-- (account_states, and partners when the token names a partner). Errors use PostgREST's custom
-- error format (SQLSTATE PGRST: message = body JSON, detail = status and headers).
create or replace function private.check_request()
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  claims jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  subject uuid;
  token_partner uuid;
  issued_at numeric;
  account_deleted_at timestamptz;
  revoked_at timestamptz;
  token_partner_status public.partner_status;
  reason text;
begin
  if claims is null
    or claims ->> 'role' is distinct from 'authenticated'
    or not pg_input_is_valid(claims ->> 'sub', 'uuid') then
    return;
  end if;
  subject := (claims ->> 'sub')::uuid;
  if pg_input_is_valid(claims -> 'app_metadata' ->> 'partner_id', 'uuid') then
    token_partner := (claims -> 'app_metadata' ->> 'partner_id')::uuid;
  end if;
  if jsonb_typeof(claims -> 'iat') = 'number' then
    issued_at := (claims ->> 'iat')::numeric;
  end if;

  select s.deleted_at, s.sessions_revoked_at, p.status
    into account_deleted_at, revoked_at, token_partner_status
  from (select) as request
  left join private.account_states s on s.user_id = subject
  left join private.partners p on p.id = token_partner;

  if account_deleted_at is not null then
    reason := 'The account has been deleted.';
  -- iat has one-second resolution: a token from the second of the revocation is refused too
  -- (fail closed; the client simply gets a new token).
  elsif revoked_at is not null and (issued_at is null or issued_at < ceil(extract(epoch from revoked_at))) then
    reason := 'The session has been revoked.';
  elsif token_partner_status = 'suspended' then
    reason := 'The partner is suspended.';
  end if;

  if reason is not null then
    raise sqlstate 'PGRST' using
      message = json_build_object('code', 'COKO401', 'message', reason)::text,
      detail = '{"status":401,"headers":{"WWW-Authenticate":"Bearer error=\"invalid_token\""}}';
  end if;
end;
$$;
comment on function private.check_request() is
  'PostgREST db-pre-request: refuses (HTTP 401, code COKO401) tokens of deleted accounts, tokens issued before account_states.sessions_revoked_at, and tokens whose app_metadata.partner_id names a suspended partner. No-op for anon and service_role.';

create or replace function private.resolve_publishable_key(key text, origin text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  request_origin text := nullif(btrim(origin), '');
  stored_key_id uuid;
  stored_hash text;
  key_partner uuid;
  partner_origins text[];
begin
  if key is null or key !~ '^pk_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$' then
    raise exception using errcode = '28000', message = 'invalid key';
  end if;

  select k.id, k.key_hash, p.id, p.allowed_origins
    into stored_key_id, stored_hash, key_partner, partner_origins
  from private.partner_keys k
  join private.partners p on p.id = k.partner_id
  where k.key_id = substr(resolve_publishable_key.key, 4, 16)
    and k.kind = 'publishable'
    and k.revoked_at is null
    and (k.expires_at is null or k.expires_at > now())
    and p.status = 'active';

  -- The hash of the presented key is compared, never the key itself, so response timing tells
  -- nothing about how much of a stored secret matched.
  if stored_key_id is null or stored_hash <> encode(sha256(convert_to(key, 'UTF8')), 'hex') then
    raise exception using errcode = '28000', message = 'invalid key';
  end if;

  -- No Origin (native apps, servers) is allowed; a browser origin must be listed (or '*').
  if request_origin is not null
    and not ('*' = any (partner_origins) or lower(request_origin) = any (partner_origins)) then
    raise exception using errcode = '42501', message = 'origin not allowed';
  end if;

  -- Usage stamp, at most once a minute and never waiting on a concurrent request's row lock.
  update private.partner_keys k
  set last_used_at = now()
  where k.id = (
    select k2.id from private.partner_keys k2
    where k2.id = stored_key_id and (k2.last_used_at is null or k2.last_used_at < now() - interval '1 minute')
    for update skip locked
  );

  return key_partner;
end;
$$;
comment on function private.resolve_publishable_key(text, text) is
  'Gateway check of a publishable key: returns the partner id, or raises 28000 ''invalid key'' (malformed, unknown, revoked, expired, wrong kind, partner suspended) or 42501 ''origin not allowed''. No Origin is allowed (native apps); an empty allowed_origins allows no browser origin; ''*'' allows any.';

-- =============================================================================================
-- Functions: permissions
-- =============================================================================================
create or replace function private.permission_matches(granted text, requested text)
returns boolean
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select granted = requested
    or granted = '*'
    or (right(granted, 2) = ':*' and starts_with(requested, left(granted, -1)));
$$;
comment on function private.permission_matches(text, text) is
  'True when a granted permission covers a requested one: equal, ''*'', or ''resource:*'' covering every ''resource:…'' (books:* covers books:read and books:read:public, not books or bookshelf:read).';

create or replace function public.authorize(permission text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when authorize.permission is null then false
    when (select auth.role()) = 'service_role' then true
    else exists (
      select 1
      from (
        -- Guests (anon) and therefore everyone.
        select g.permission from unnest(array['books:read:public', 'catalog:browse']) as g (permission)
        union all
        -- Signed-in users: the user role implicitly, plus every role granted in user_roles.
        select rp.permission
        from public.role_permissions rp
        where (select auth.uid()) is not null
          and (
            rp.role = 'user'
            or rp.role in (select ur.role from public.user_roles ur where ur.user_id = (select auth.uid()))
          )
      ) as granted
      where private.permission_matches(granted.permission, authorize.permission)
    )
  end;
$$;
comment on function public.authorize(text) is
  'True when the caller holds a permission (resource:action): guests have books:read:public and catalog:browse; every signed-in user also has the user role''s permissions plus those of their roles in user_roles (re-read on every call, never taken from the JWT); the service role has all. Granted ''resource:*'' covers every ''resource:…''. In policies: (select public.authorize(''books:update'')).';

-- Supabase Auth custom access token hook (https://supabase.com/docs/guides/auth/auth-hooks).
-- Runs as supabase_auth_admin (not security definer): that role is granted exactly what it reads.
create or replace function public.custom_access_token_hook(event jsonb)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  claims jsonb := coalesce(event -> 'claims', '{}'::jsonb);
  highest_role public.app_role;
begin
  if pg_input_is_valid(event ->> 'user_id', 'uuid') then
    -- Enum order is admin < moderator < user, so the smallest is the highest role.
    select min(ur.role) into highest_role
    from public.user_roles ur
    where ur.user_id = (event ->> 'user_id')::uuid;
  end if;
  -- Every signed-in user is at least a `user`.
  claims := jsonb_set(claims, '{user_role}', to_jsonb(coalesce(highest_role, 'user'::public.app_role)));
  return jsonb_set(event, '{claims}', claims);
end;
$$;
comment on function public.custom_access_token_hook(jsonb) is
  'Supabase Auth custom access token hook: adds user_role (the highest application role: admin > moderator > user) to the claims. Informational only: policies re-check public.user_roles. Executable by supabase_auth_admin only.';

-- =============================================================================================
-- Row level security
-- =============================================================================================
-- Private tables: RLS on with no policies, so only their owner and the service role
-- (BYPASSRLS) ever read them, even if a grant slipped in.
alter table private.partners enable row level security;
alter table private.partner_keys enable row level security;
alter table private.partner_users enable row level security;
alter table private.account_states enable row level security;

alter table public.role_permissions enable row level security;

create policy "Signed-in users can read the permission matrix"
  on public.role_permissions for select
  to authenticated
  using (true);

create policy "Admins can add permissions"
  on public.role_permissions for insert
  to authenticated
  with check ((select private.has_role('admin')));

create policy "Admins can change permissions"
  on public.role_permissions for update
  to authenticated
  using ((select private.has_role('admin')))
  with check ((select private.has_role('admin')));

create policy "Admins can remove permissions"
  on public.role_permissions for delete
  to authenticated
  using ((select private.has_role('admin')));

-- The access token hook runs as supabase_auth_admin, which is not BYPASSRLS.
create policy "Supabase Auth can read roles for the access token hook"
  on public.user_roles for select
  to supabase_auth_admin
  using (true);

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on table private.partners, private.partner_keys, private.partner_users, private.account_states
  from public, anon, authenticated;
grant select, insert, update, delete on table
  private.partners, private.partner_keys, private.partner_users, private.account_states
to service_role;

revoke all on table public.role_permissions from public, anon, authenticated;
grant select, insert, update, delete on table public.role_permissions to authenticated;
grant all on table public.role_permissions to service_role;

-- Constraint helpers of private.partners, evaluated as whoever writes partners (the server).
-- permission_matches() runs inside authorize() (as its owner) only.
revoke all on function
  private.is_web_origin(text),
  private.is_origin_list(text[]),
  private.permission_matches(text, text)
from public;
grant execute on function private.is_web_origin(text), private.is_origin_list(text[]) to service_role;

revoke all on function private.partners_before_write() from public;

-- PostgREST calls the pre-request function as the request's role.
revoke all on function private.check_request() from public;
grant execute on function private.check_request() to anon, authenticated, service_role;

-- The gateway (server side) only.
revoke all on function private.resolve_publishable_key(text, text) from public;
grant execute on function private.resolve_publishable_key(text, text) to service_role;

revoke all on function public.authorize(text) from public;
grant execute on function public.authorize(text) to anon, authenticated, service_role;

grant usage on schema public to supabase_auth_admin;
revoke all on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;
grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin;
grant select on table public.user_roles to supabase_auth_admin;

-- =============================================================================================
-- Data: the RBAC table of the product document
-- =============================================================================================
insert into public.role_permissions (role, permission) values
  ('admin', 'users:*'),
  ('admin', 'books:*'),
  ('admin', 'system:*'),
  ('moderator', 'books:read'),
  ('moderator', 'books:update'),
  ('moderator', 'users:read'),
  ('moderator', 'community:moderate'),
  ('user', 'books:read'),
  ('user', 'profile:update'),
  ('user', 'reading:*'),
  ('user', 'community:participate')
on conflict do nothing;

-- =============================================================================================
-- PostgREST configuration
-- =============================================================================================
-- PostgREST reads `pgrst.*` settings of its connection role (in-database configuration) at startup
-- and on `reload config`. Role settings are cluster-wide, as on Supabase.
--
-- Postgres 15+ lets a non-superuser set a custom (placeholder) parameter on a role only with the
-- SET privilege on it. Supabase's postgres has it for pgrst.* (supautils); a local bootstrap must
-- `grant set on parameter pgrst.db_pre_request to postgres`. Without it the migration fails on
-- Supabase (where this is a real error) but only warns on a local database, so that the rest of
-- the schema still installs; the request checks are then off locally until the grant exists
-- (supabase/tests/identity-pre-request.test.ts fails and says so).
do $$
begin
  alter role authenticator set pgrst.db_pre_request to 'private.check_request';
exception when insufficient_privilege then
  if to_regclass('auth.schema_migrations') is not null then
    raise;
  end if;
  raise warning 'PostgREST db-pre-request NOT configured: %', sqlerrm
    using hint = 'As a superuser: grant set on parameter pgrst.db_pre_request to postgres; then re-run this statement (or recreate the database).';
end;
$$;
notify pgrst, 'reload config';
