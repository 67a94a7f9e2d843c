-- Security definer functions out of the exposed schema (Supabase advisor lints 0028/0029:
-- "Public / Signed-In Users Can Execute SECURITY DEFINER Function").
--
-- public.authorize(permission) and public.get_public_profiles(ids) are deliberate RPCs, but as
-- security definer functions in `public` they ran with their owner's rights straight from
-- /rest/v1/rpc. Their definer logic moves, unchanged, to `private` (not exposed by PostgREST), and
-- the public names become security invoker wrappers with the same signature, grants and results:
-- callers (SDK, /rest/v1/rpc, policies) see no difference, and the only code that runs with the
-- owner's rights is the reviewed body in `private`.
--
-- Why definer at all: authorize() reads role_permissions and user_roles, which anon cannot read;
-- get_public_profiles() returns three columns of other readers' profiles, which the own-row policy
-- of profiles hides from the caller (see 20261121010100_accounts.sql).

-- =============================================================================================
-- Functions: definer bodies in private
-- =============================================================================================
create or replace function private.authorize(permission text)
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
comment on function private.authorize(text) is
  'Definer body of public.authorize(): true when the caller holds a permission (resource:action). Guests have books:read:public and catalog:browse; every signed-in user also has the user role''s permissions plus those of their roles in user_roles (re-read on every call, never taken from the JWT); the service role has all. Granted ''resource:*'' covers every ''resource:…''. In policies: (select private.authorize(''books:update'')).';

create or replace function private.get_public_profiles(ids uuid[])
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
comment on function private.get_public_profiles(uuid[]) is
  'Definer body of public.get_public_profiles(): public fields (id, display_name, avatar_path) of the given users (at most 1000 ids, 22023 beyond), deleted accounts left out, ordered by id.';

-- =============================================================================================
-- Functions: security invoker RPCs in public (same signatures as before)
-- =============================================================================================
create or replace function public.authorize(permission text)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select private.authorize(authorize.permission);
$$;
comment on function public.authorize(text) is
  'True when the caller holds a permission (resource:action): guests have books:read:public and catalog:browse; every signed-in user also has the user role''s permissions plus those of their roles in user_roles (re-read on every call, never taken from the JWT); the service role has all. Granted ''resource:*'' covers every ''resource:…''. Security invoker RPC over private.authorize(); policies call private.authorize() directly.';

create or replace function public.get_public_profiles(ids uuid[])
returns table (id uuid, display_name text, avatar_path text)
language sql
stable
security invoker
set search_path = ''
as $$
  select p.id, p.display_name, p.avatar_path from private.get_public_profiles(get_public_profiles.ids) as p;
$$;
comment on function public.get_public_profiles(uuid[]) is
  'Public fields (id, display_name, avatar_path) of the given users (at most 1000 ids), for anyone. Deleted accounts are left out. The only way to read other readers'' profiles without users:read. Security invoker RPC over private.get_public_profiles().';

-- =============================================================================================
-- Grants
-- =============================================================================================
-- The wrappers run as the caller, so the caller needs the private bodies too (private is not
-- exposed: they are reachable only through the wrappers and policies).
revoke all on function private.authorize(text), private.get_public_profiles(uuid[]) from public;
grant execute on function private.authorize(text), private.get_public_profiles(uuid[])
  to anon, authenticated, service_role;

revoke all on function public.authorize(text), public.get_public_profiles(uuid[]) from public;
grant execute on function public.authorize(text), public.get_public_profiles(uuid[])
  to anon, authenticated, service_role;
