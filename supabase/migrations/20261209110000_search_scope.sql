-- The gateway's search cache for signed-in readers (issue 10, search part).
--
-- A plain reader's public.search_books() answer depends only on the arguments and their country
-- (private.reader_country(): profile country, else the JWT claim app_metadata.country, else the
-- x-coko-country header); an editor's (private.authorize('books:update')) on every country. The
-- gateway keeps readers' answers in memory keyed by that country, so it must know, per user, the two
-- database facts of it: are they an editor, and what country does their profile say. The claim and
-- the header it reads itself from the request.
--
-- private.search_scope(user_id) answers both in two primary-key lookups. Like
-- private.resolve_publishable_key it is the gateway's own: security definer (the gateway's role has
-- no privilege on profiles or user_roles), executable by service_role only (the gateway connects as
-- postgres, a member of it), never by anon or authenticated, and in private (not exposed by PostgREST).

create or replace function private.search_scope(user_id uuid)
returns table (editor boolean, country text)
language sql
stable
security definer
set search_path = ''
as $$
  select
    -- private.authorize('books:update') for a signed-in user: the implicit user role plus their roles
    -- in user_roles (the service role's "all" does not apply: the gateway only asks for user tokens).
    exists (
      select 1
      from public.role_permissions rp
      where (
          rp.role = 'user'
          or rp.role in (select ur.role from public.user_roles ur where ur.user_id = search_scope.user_id)
        )
        and private.permission_matches(rp.permission, 'books:update')
    ) as editor,
    -- The first source of private.reader_country(); the claim and the header are read by the gateway.
    (select p.country::text from public.profiles p where p.id = search_scope.user_id) as country;
$$;
comment on function private.search_scope(uuid) is
  'Gateway search cache (gateway/search-cache.ts): whether a user is an editor (holds books:update, as private.authorize() decides for them) and their profile''s country (the first source of private.reader_country(); null: none). One row, for any uuid (unknown users: not an editor, no country). Executable by service_role only.';

revoke all on function private.search_scope(uuid) from public, anon, authenticated;
grant execute on function private.search_scope(uuid) to service_role;
