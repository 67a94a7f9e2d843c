-- profiles.avatar_path: only an object of the user's own folder in the `avatars` storage bucket,
-- `avatars/<user id>/<file name>`. Any string was accepted before, so a reader could point their public
-- avatar at another reader's file, at `../` paths or at a URL (`https://…`, `javascript:…`) that clients
-- would then fetch or render.
-- - File name: a letter, digit or underscore first, then letters, digits, `.`, `_`, `-`; never `..`;
--   at most 100 characters (the whole path is at most 150).
-- - Existing values that do not fit cannot be served safely and are cleared (there is no file behind them
--   that the client could show under the new rule anyway).
-- - The sign-up trigger keeps a metadata avatar only when it fits, as it already did for the length.

create function private.is_valid_avatar_path(owner uuid, path text)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select path is null or (
    char_length(path) <= 150
    and path ~ ('^avatars/' || owner::text || '/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$')
    and strpos(path, '..') = 0
  );
$$;
comment on function private.is_valid_avatar_path(uuid, text) is
  'True when path is null or avatars/<owner>/<file name> (file name [A-Za-z0-9_][A-Za-z0-9._-]{0,99}, no "..", path <= 150 characters).';

-- The check runs as whoever writes the row.
revoke all on function private.is_valid_avatar_path(uuid, text) from public;
grant execute on function private.is_valid_avatar_path(uuid, text) to anon, authenticated, service_role;

update public.profiles set avatar_path = null where not private.is_valid_avatar_path(id, avatar_path);

alter table public.profiles
  drop constraint profiles_avatar_path_length,
  add constraint profiles_avatar_path_format check (private.is_valid_avatar_path(id, avatar_path));
comment on column public.profiles.avatar_path is
  'Object path of the avatar in the avatars storage bucket, in the user''s own folder: avatars/<user id>/<file name>.';

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
  if not private.is_valid_avatar_path(new.id, avatar) then
    avatar := null;
  end if;

  insert into public.profiles (id, display_name, avatar_path, country, language, partner_id)
  values (
    new.id,
    nullif(shown_name, ''),
    avatar,
    case when user_country ~ '^[A-Z]{2}$' then user_country end,
    case when user_language ~ '^[a-z]{2}(-[A-Z]{2})?$' then user_language else 'fr' end,
    user_partner
  )
  on conflict (id) do nothing;
  return new;
end;
$$;
