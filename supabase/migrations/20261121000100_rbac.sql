-- RBAC: the extensions later migrations rely on, default privileges, the `private` schema for
-- helpers that policies call, and who holds which application role.
--
-- Roles (see the product doc's RBAC table): `admin`, `moderator`, `user` (every signed-in reader);
-- guests are the `anon` database role and have no row here. Only admins and the service role
-- change role grants. A JWT may carry roles (custom access token hook, later), but policies always
-- re-check this table through `private.has_role()`.

-- =============================================================================================
-- Extensions
-- =============================================================================================
-- Both are trusted extensions, so the non-superuser `postgres` role can create them (as on
-- Supabase). They live in `extensions`; functions with `search_path = ''` qualify them.
create extension if not exists pg_trgm with schema extensions;
create extension if not exists unaccent with schema extensions;

-- =============================================================================================
-- Default privileges
-- =============================================================================================
-- Functions are not callable by API roles unless a migration grants them explicitly.
-- Per-schema revokes only undo per-schema grants (e.g. Supabase's grants to anon/authenticated in
-- public); the EXECUTE that Postgres gives PUBLIC on every new function is a global default, so it
-- is revoked globally (for functions the migration role creates) as well.
alter default privileges in schema public revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;
alter default privileges revoke execute on functions from public;

-- =============================================================================================
-- Private schema
-- =============================================================================================
-- Helpers for policies and triggers. Not listed in PostgREST's db-schemas, so never reachable over
-- HTTP; USAGE is granted to the API roles only so that policies evaluated as those roles can call
-- the helpers they are explicitly granted.
create schema if not exists private;
comment on schema private is
  'Internal helpers (role checks, search normalisation, triggers). Not exposed through PostgREST.';
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;
alter default privileges in schema private revoke execute on functions from public;
alter default privileges in schema private revoke execute on functions from anon, authenticated;

-- =============================================================================================
-- Enums
-- =============================================================================================
create type public.app_role as enum ('admin', 'moderator', 'user');
comment on type public.app_role is
  'Application roles: admin (everything), moderator (content moderation), user (signed-in reader).';

-- =============================================================================================
-- Tables
-- =============================================================================================
create table public.user_roles (
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.app_role not null,
  created_at timestamptz not null default now(),
  primary key (user_id, role)
);
comment on table public.user_roles is
  'Application roles granted to users. Only admins and the service role may change it; users can read their own roles.';
comment on column public.user_roles.user_id is 'The user holding the role (auth.users.id).';
comment on column public.user_roles.role is 'The granted application role.';
comment on column public.user_roles.created_at is 'When the role was granted.';

-- The primary key (user_id, role) serves both the uniqueness rule and has_role()'s lookup.

-- =============================================================================================
-- Functions
-- =============================================================================================
create or replace function private.has_role(requested_role public.app_role)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.user_roles ur
    where ur.user_id = (select auth.uid())
      and ur.role = requested_role
  );
$$;
comment on function private.has_role(public.app_role) is
  'True when the current JWT user holds the given application role (exact match; admin does not imply moderator). Call it in policies as (select private.has_role(''admin'')) so it runs once per statement.';
revoke all on function private.has_role(public.app_role) from public;
grant execute on function private.has_role(public.app_role) to anon, authenticated, service_role;

-- =============================================================================================
-- Row level security
-- =============================================================================================
alter table public.user_roles enable row level security;

create policy "Users can read their own roles and admins can read all roles"
  on public.user_roles for select
  to authenticated
  using (user_id = (select auth.uid()) or (select private.has_role('admin')));

create policy "Admins can grant roles"
  on public.user_roles for insert
  to authenticated
  with check ((select private.has_role('admin')));

create policy "Admins can change role grants"
  on public.user_roles for update
  to authenticated
  using ((select private.has_role('admin')))
  with check ((select private.has_role('admin')));

create policy "Admins can revoke roles"
  on public.user_roles for delete
  to authenticated
  using ((select private.has_role('admin')));

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on table public.user_roles from public, anon, authenticated;
grant select, insert, update, delete on table public.user_roles to authenticated;
grant all on table public.user_roles to service_role;
