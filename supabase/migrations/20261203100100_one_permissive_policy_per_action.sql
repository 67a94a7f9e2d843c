-- One permissive policy per role and action (Supabase advisor lint 0006, "Multiple Permissive
-- Policies"): Postgres evaluates every permissive policy of a role and action and ORs them, so two
-- policies cost two evaluations per row. Each pair below becomes one policy whose expression is the
-- OR of the two, which is exactly what Postgres applied before: who sees and edits what is
-- unchanged (the RLS matrices in supabase/tests/*-rls.test.ts pin it).
--
-- - books SELECT: published books for everyone, every book for admins.
-- - profiles SELECT: own row, every row with users:read (moderators, admins).
-- - profiles UPDATE: own row, every row with users:update (admins).
-- - consents SELECT: own decisions, every decision for admins.
-- Role checks are wrapped in (select …) so they run once per statement, not once per row.

-- =============================================================================================
-- books
-- =============================================================================================
drop policy "Published books are visible to everyone" on public.books;
drop policy "Admins can see every book" on public.books;

create policy "Everyone can see published books and admins can see every book"
  on public.books for select
  to anon, authenticated
  using (is_published or (select private.has_role('admin')));

-- =============================================================================================
-- profiles
-- =============================================================================================
drop policy "Readers can read their own profile" on public.profiles;
drop policy "Moderators and admins can read every profile" on public.profiles;
drop policy "Readers can update their own profile" on public.profiles;
drop policy "Admins can update every profile" on public.profiles;

create policy "Readers can read their own profile and moderators and admins can read every profile"
  on public.profiles for select
  to authenticated
  using (id = (select auth.uid()) or (select private.authorize('users:read')));

create policy "Readers can update their own profile and admins can update every profile"
  on public.profiles for update
  to authenticated
  using (id = (select auth.uid()) or (select private.authorize('users:update')))
  with check (id = (select auth.uid()) or (select private.authorize('users:update')));

-- =============================================================================================
-- consents
-- =============================================================================================
drop policy "Readers can read their own consents" on public.consents;
drop policy "Admins can read every consent" on public.consents;

create policy "Readers can read their own consents and admins can read every consent"
  on public.consents for select
  to authenticated
  using (user_id = (select auth.uid()) or (select private.has_role('admin')));
