-- Accounts: reader profiles (with preferences) and consent history.
--
-- - public.profiles: one row per auth.users row, created by a trigger. A reader reads and edits
--   their own row (never id, partner_id, deleted_at or timestamps); moderators and admins read all
--   rows (users:read), admins edit them (users:update).
-- - Other people's public fields (id, display_name, avatar_path) come from the RPC
--   public.get_public_profiles(ids). Why an RPC and not a view: a security_invoker view is
--   filtered by the profiles policies (own row only), so it would show nothing of other readers;
--   a definer view (no security_invoker) bypasses RLS and would be the only such relation in the
--   API; and column privileges cannot depend on the row (own row: every column; others: three).
--   A security definer function with a fixed search_path returns exactly the public columns of
--   non-deleted profiles, and nothing else.
-- - public.consents: append-only history (insert and read your own; no update, no delete);
--   public.current_consents (security_invoker view) is the latest decision per kind.

-- =============================================================================================
-- Enums
-- =============================================================================================
create type public.consent_kind as enum ('tracking', 'marketing', 'analytics');
comment on type public.consent_kind is
  'What a consent is for: tracking (required to use the service), marketing (optional), analytics (optional).';

-- =============================================================================================
-- Functions: validation
-- =============================================================================================
create or replace function private.is_valid_preferences(preferences jsonb)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select jsonb_typeof(preferences) = 'object'
    and (select array_agg(k order by k) from jsonb_object_keys(preferences) as k) = array['fontSize', 'notifications', 'theme']
    and preferences ->> 'theme' in ('light', 'dark', 'system')
    and jsonb_typeof(preferences -> 'fontSize') = 'number'
    and (preferences ->> 'fontSize')::numeric between 8 and 48
    and (preferences ->> 'fontSize')::numeric = trunc((preferences ->> 'fontSize')::numeric)
    and jsonb_typeof(preferences -> 'notifications') = 'object'
    and (select array_agg(k order by k) from jsonb_object_keys(preferences -> 'notifications') as k) = array['email', 'push', 'sms']
    and jsonb_typeof(preferences -> 'notifications' -> 'email') = 'boolean'
    and jsonb_typeof(preferences -> 'notifications' -> 'push') = 'boolean'
    and jsonb_typeof(preferences -> 'notifications' -> 'sms') = 'boolean';
$$;
comment on function private.is_valid_preferences(jsonb) is
  'Shape of profiles.preferences: exactly {theme: light|dark|system, fontSize: integer 8..48, notifications: {email, push, sms: boolean}}.';

-- =============================================================================================
-- Tables
-- =============================================================================================
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text
    constraint profiles_display_name_length check (btrim(display_name) <> '' and char_length(display_name) <= 100),
  avatar_path text
    constraint profiles_avatar_path_length check (btrim(avatar_path) <> '' and char_length(avatar_path) <= 1024),
  country char(2)
    constraint profiles_country_format check (country ~ '^[A-Z]{2}$'),
  language text not null default 'fr'
    constraint profiles_language_format check (language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  preferences jsonb not null
    default '{"theme":"system","fontSize":16,"notifications":{"email":true,"push":true,"sms":false}}'
    constraint profiles_preferences_shape check (private.is_valid_preferences(preferences)),
  partner_id uuid,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is
  'Reader profiles, one per user (created by a trigger on auth.users). Readers read and edit their own; moderators and admins read all, admins edit all. Public fields of others: public.get_public_profiles().';
comment on column public.profiles.id is 'The user (auth.users.id).';
comment on column public.profiles.display_name is 'Name shown to others (1–100 characters).';
comment on column public.profiles.avatar_path is 'Path of the avatar image in storage.';
comment on column public.profiles.country is 'ISO 3166-1 alpha-2 country (upper case).';
comment on column public.profiles.language is 'Preferred language: ISO 639-1 code with an optional region (fr, en, fr-SN).';
comment on column public.profiles.preferences is
  'Reader preferences: {"theme": "light"|"dark"|"system", "fontSize": 8..48, "notifications": {"email": bool, "push": bool, "sms": bool}} (all keys required).';
comment on column public.profiles.partner_id is
  'Partner through which the user signed in (private.partners.id), null for first-party users. Set by the server; read-only for readers.';
comment on column public.profiles.deleted_at is 'When the account was deleted (soft delete; anonymised after the retention period). Read-only for readers.';
comment on column public.profiles.created_at is 'When the profile was created.';
comment on column public.profiles.updated_at is 'When the profile was last changed (maintained by a trigger).';

create index profiles_partner_id_idx on public.profiles (partner_id) where partner_id is not null;

create table public.consents (
  id bigint generated always as identity primary key,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  kind public.consent_kind not null,
  granted boolean not null,
  created_at timestamptz not null default now()
);
comment on table public.consents is
  'Consent decisions, append-only: a reader records a decision by inserting a row; the current state is the latest row per kind (public.current_consents). Rows are never updated or deleted through the API.';
comment on column public.consents.id is 'Decision id (increasing).';
comment on column public.consents.user_id is 'The reader (defaults to the caller).';
comment on column public.consents.kind is 'tracking (required), marketing or analytics.';
comment on column public.consents.granted is 'true = consent given, false = refused or withdrawn.';
comment on column public.consents.created_at is 'When the decision was recorded (server time).';

-- Serves the policies (user_id) and the latest-per-kind lookup of current_consents.
create index consents_user_kind_latest_idx on public.consents (user_id, kind, created_at desc, id desc);

create view public.current_consents
with (security_invoker = true)
as
  select distinct on (c.user_id, c.kind) c.user_id, c.kind, c.granted, c.created_at
  from public.consents c
  order by c.user_id, c.kind, c.created_at desc, c.id desc;
comment on view public.current_consents is
  'Current consent state: the latest decision per reader and kind (filtered by the consents policies: a reader sees their own). A kind without a row has never been decided.';
comment on column public.current_consents.user_id is 'The reader.';
comment on column public.current_consents.kind is 'tracking, marketing or analytics.';
comment on column public.current_consents.granted is 'The latest decision.';
comment on column public.current_consents.created_at is 'When the latest decision was recorded.';

-- =============================================================================================
-- Functions: triggers
-- =============================================================================================

-- Creates the profile of a new user. Metadata is user-supplied (Supabase Auth sign-up data), so
-- values that would break a constraint are dropped rather than failing the sign-up.
create or replace function private.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  meta jsonb := coalesce(new.raw_user_meta_data, '{}'::jsonb);
  shown_name text := left(btrim(coalesce(meta ->> 'display_name', meta ->> 'full_name', meta ->> 'name', '')), 100);
  avatar text := btrim(meta ->> 'avatar_path');
  user_country text := upper(btrim(meta ->> 'country'));
  user_language text := btrim(meta ->> 'language');
  partner_text text := new.raw_app_meta_data ->> 'partner_id';
  user_partner uuid;
begin
  -- Cast only after validation, in its own statement (the planner may fold a cast inside a CASE
  -- before the check runs).
  if pg_input_is_valid(partner_text, 'uuid') then
    user_partner := partner_text::uuid;
  end if;

  insert into public.profiles (id, display_name, avatar_path, country, language, partner_id)
  values (
    new.id,
    nullif(shown_name, ''),
    case when char_length(avatar) between 1 and 1024 then avatar end,
    case when user_country ~ '^[A-Z]{2}$' then user_country end,
    case when user_language ~ '^[a-z]{2}(-[A-Z]{2})?$' then user_language else 'fr' end,
    user_partner
  )
  on conflict (id) do nothing;
  return new;
end;
$$;
comment on function private.handle_new_user() is
  'Trigger on auth.users: creates the user''s profile (display_name from user metadata display_name/full_name/name, country, language, avatar_path when valid; partner_id from app metadata).';

create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.handle_new_user();

-- A partner mapping created after the user (the usual order in POST /v1/sessions) fills the
-- profile's partner_id.
create or replace function private.partner_users_after_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.profiles p
  set partner_id = new.partner_id
  where p.id = new.user_id and p.partner_id is null;
  return null;
end;
$$;
comment on function private.partner_users_after_insert() is
  'Trigger on private.partner_users: records the partner on the user''s profile.';

create trigger set_profile_partner after insert on private.partner_users
  for each row execute function private.partner_users_after_insert();

create trigger set_updated_at before update on public.profiles
  for each row execute function private.set_updated_at();

-- Decisions are facts: nobody rewrites them, not even the service role. (Rows still go away with
-- their user, or when an account is anonymised.)
create or replace function private.consents_prevent_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception using errcode = '42501',
    message = 'consent decisions are append-only',
    hint = 'Insert a new decision instead.';
end;
$$;
comment on function private.consents_prevent_update() is 'Trigger: refuses every UPDATE of public.consents (append-only history).';

create trigger prevent_update before update on public.consents
  for each statement execute function private.consents_prevent_update();

-- =============================================================================================
-- Functions: RPC
-- =============================================================================================
create or replace function public.get_public_profiles(ids uuid[])
returns table (id uuid, display_name text, avatar_path text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if cardinality(ids) > 1000 then
    raise exception using errcode = '22023',
      message = 'too many ids',
      detail = format('ids must hold at most 1000 ids; got %s.', cardinality(ids)),
      hint = 'argument: ids';
  end if;
  return query
    select p.id, p.display_name, p.avatar_path
    from public.profiles p
    where p.id = any (ids) and p.deleted_at is null
    order by p.id;
end;
$$;
comment on function public.get_public_profiles(uuid[]) is
  'Public fields (id, display_name, avatar_path) of the given users (at most 1000 ids), for anyone. Deleted accounts are left out. The only way to read other readers'' profiles without users:read.';

-- =============================================================================================
-- Row level security
-- =============================================================================================
alter table public.profiles enable row level security;
alter table public.consents enable row level security;

-- profiles -----------------------------------------------------------------------------------
create policy "Readers can read their own profile"
  on public.profiles for select
  to authenticated
  using (id = (select auth.uid()));

create policy "Moderators and admins can read every profile"
  on public.profiles for select
  to authenticated
  using ((select public.authorize('users:read')));

create policy "Readers can update their own profile"
  on public.profiles for update
  to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

create policy "Admins can update every profile"
  on public.profiles for update
  to authenticated
  using ((select public.authorize('users:update')))
  with check ((select public.authorize('users:update')));

-- No insert or delete policies: profiles come and go with auth.users.

-- consents -----------------------------------------------------------------------------------
create policy "Readers can read their own consents"
  on public.consents for select
  to authenticated
  using (user_id = (select auth.uid()));

create policy "Admins can read every consent"
  on public.consents for select
  to authenticated
  using ((select private.has_role('admin')));

create policy "Readers can record their own consent decisions"
  on public.consents for insert
  to authenticated
  with check (user_id = (select auth.uid()));

-- No update or delete policies (and no such grants): the history is append-only.

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on function private.is_valid_preferences(jsonb) from public;
grant execute on function private.is_valid_preferences(jsonb) to anon, authenticated, service_role;

revoke all on function private.handle_new_user() from public;
revoke all on function private.partner_users_after_insert() from public;
revoke all on function private.consents_prevent_update() from public;

revoke all on function public.get_public_profiles(uuid[]) from public;
grant execute on function public.get_public_profiles(uuid[]) to anon, authenticated, service_role;

revoke all on table public.profiles, public.consents, public.current_consents from public, anon, authenticated;

-- profiles: read every column of the rows the policies allow; edit only the reader-owned ones.
grant select on table public.profiles to authenticated;
grant update (display_name, avatar_path, country, language, preferences) on table public.profiles to authenticated;
grant all on table public.profiles to service_role;

-- consents: insert a decision (kind, granted; user_id defaults to the caller) and read.
grant select on table public.consents to authenticated;
grant insert (user_id, kind, granted) on table public.consents to authenticated;
grant select, insert on table public.consents to service_role;
grant select on table public.current_consents to authenticated, service_role;

-- =============================================================================================
-- Data: profiles for users that existed before this migration
-- =============================================================================================
insert into public.profiles (id, display_name, partner_id)
select u.id,
  nullif(left(btrim(coalesce(u.raw_user_meta_data ->> 'display_name', u.raw_user_meta_data ->> 'full_name',
    u.raw_user_meta_data ->> 'name', '')), 100), ''),
  case when pg_input_is_valid(u.raw_app_meta_data ->> 'partner_id', 'uuid') then (u.raw_app_meta_data ->> 'partner_id')::uuid end
from auth.users u
on conflict (id) do nothing;
