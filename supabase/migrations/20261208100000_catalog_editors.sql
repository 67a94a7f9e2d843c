-- Catalog editors (docs/CONTRACT-publishing.md §0, §1): the catalog is written by permission, not by role.
--
-- An editor is a signed-in user for whom authorize('books:update') is true: admins (books:*) and
-- moderators (books:update, granted in 20261121010000_identity.sql). Until now every catalog write
-- policy checked has_role('admin'), so moderators could not edit despite holding the permission.
--
-- - Editors add and edit authors, publishers, categories, books and a book's author and category
--   links, and see drafts. Deleting any of them needs books:delete (admins only): a moderator can
--   unpublish a book, never make it disappear.
-- - Every write to those six tables is audited (private.audit_row_change, the actor is the request's
--   user): books already were, the others join them. Links are logged under their book's id, so a
--   book's history (resource_id = book id) shows who changed its authors and categories.
-- - One permissive policy per role and action (advisor lint 0006, see
--   20261203100100_one_permissive_policy_per_action.sql); authorize() is wrapped in (select …) so it
--   runs once per statement, not once per row.
-- - Who reads what is otherwise unchanged: published books and their links for everyone; authors,
--   publishers and categories for everyone.

-- =============================================================================================
-- authors
-- =============================================================================================
drop policy "Admins can add authors" on public.authors;
drop policy "Admins can edit authors" on public.authors;
drop policy "Admins can delete authors" on public.authors;

create policy "Editors can add authors"
  on public.authors for insert to authenticated
  with check ((select private.authorize('books:update')));
create policy "Editors can edit authors"
  on public.authors for update to authenticated
  using ((select private.authorize('books:update')))
  with check ((select private.authorize('books:update')));
create policy "Holders of books:delete can delete authors"
  on public.authors for delete to authenticated
  using ((select private.authorize('books:delete')));

comment on table public.authors is
  'Book authors. Readable by everyone; written by editors (books:update), deleted with books:delete. Audited.';

-- =============================================================================================
-- publishers
-- =============================================================================================
drop policy "Admins can add publishers" on public.publishers;
drop policy "Admins can edit publishers" on public.publishers;
drop policy "Admins can delete publishers" on public.publishers;

create policy "Editors can add publishers"
  on public.publishers for insert to authenticated
  with check ((select private.authorize('books:update')));
create policy "Editors can edit publishers"
  on public.publishers for update to authenticated
  using ((select private.authorize('books:update')))
  with check ((select private.authorize('books:update')));
create policy "Holders of books:delete can delete publishers"
  on public.publishers for delete to authenticated
  using ((select private.authorize('books:delete')));

comment on table public.publishers is
  'Publishing houses. Readable by everyone; written by editors (books:update), deleted with books:delete. Audited.';

-- =============================================================================================
-- categories
-- =============================================================================================
drop policy "Admins can add categories" on public.categories;
drop policy "Admins can edit categories" on public.categories;
drop policy "Admins can delete categories" on public.categories;

create policy "Editors can add categories"
  on public.categories for insert to authenticated
  with check ((select private.authorize('books:update')));
create policy "Editors can edit categories"
  on public.categories for update to authenticated
  using ((select private.authorize('books:update')))
  with check ((select private.authorize('books:update')));
create policy "Holders of books:delete can delete categories"
  on public.categories for delete to authenticated
  using ((select private.authorize('books:delete')));

comment on table public.categories is
  'Category tree (parent_id null = top level). Readable by everyone; written by editors (books:update), deleted with books:delete. A category with subcategories cannot be deleted; cycles are rejected. Audited.';

-- =============================================================================================
-- books
-- =============================================================================================
drop policy "Everyone can see published books and admins can see every book" on public.books;
drop policy "Admins can add books" on public.books;
drop policy "Admins can edit books" on public.books;
drop policy "Admins can delete books" on public.books;

-- anon never holds books:update, so the InitPlan is false for it and the predicate is is_published.
create policy "Everyone can see published books and editors can see every book"
  on public.books for select to anon, authenticated
  using (is_published or (select private.authorize('books:update')));
create policy "Editors can add books"
  on public.books for insert to authenticated
  with check ((select private.authorize('books:update')));
create policy "Editors can edit books"
  on public.books for update to authenticated
  using ((select private.authorize('books:update')))
  with check ((select private.authorize('books:update')));
create policy "Holders of books:delete can delete books"
  on public.books for delete to authenticated
  using ((select private.authorize('books:delete')));

comment on table public.books is
  'Books of the catalog. Readers see published books; editors (books:update) see and write every book, deleting needs books:delete. Audited. Search through public.search_books().';
comment on column public.books.status is 'draft (editors only) or published (everyone).';

-- =============================================================================================
-- book_authors
-- =============================================================================================
drop policy "Admins can add book authors" on public.book_authors;
drop policy "Admins can edit book authors" on public.book_authors;
drop policy "Admins can remove book authors" on public.book_authors;

create policy "Editors can add book authors"
  on public.book_authors for insert to authenticated
  with check ((select private.authorize('books:update')));
create policy "Editors can edit book authors"
  on public.book_authors for update to authenticated
  using ((select private.authorize('books:update')))
  with check ((select private.authorize('books:update')));
-- Removing an author from a book is editing the book, not deleting catalog content.
create policy "Editors can remove book authors"
  on public.book_authors for delete to authenticated
  using ((select private.authorize('books:update')));

comment on table public.book_authors is
  'Authors of each book, in credit order. Visible when the book is; written by editors (books:update). An author credited on a book cannot be deleted. Audited under the book''s id.';

-- =============================================================================================
-- book_categories
-- =============================================================================================
drop policy "Admins can add book categories" on public.book_categories;
drop policy "Admins can edit book categories" on public.book_categories;
drop policy "Admins can remove book categories" on public.book_categories;

create policy "Editors can add book categories"
  on public.book_categories for insert to authenticated
  with check ((select private.authorize('books:update')));
create policy "Editors can edit book categories"
  on public.book_categories for update to authenticated
  using ((select private.authorize('books:update')))
  with check ((select private.authorize('books:update')));
create policy "Editors can remove book categories"
  on public.book_categories for delete to authenticated
  using ((select private.authorize('books:update')));

-- Editors set a book's categories as an ordered list (the first is the main one, shown first), as
-- they set its authors: the same position column book_authors has.
alter table public.book_categories add column position integer not null default 0
  constraint book_categories_position_non_negative check (position >= 0);
comment on column public.book_categories.position is 'Display order of the book''s categories (ascending, 0 = main category).';

comment on table public.book_categories is
  'Categories of each book. Visible when the book is; written by editors (books:update). Audited under the book''s id.';

-- =============================================================================================
-- Audit triggers (books has had one since 20261121010200_audit.sql)
-- =============================================================================================
create trigger audit after insert or update or delete on public.authors
  for each row execute function private.audit_row_change('author', 'id');
create trigger audit after insert or update or delete on public.publishers
  for each row execute function private.audit_row_change('publisher', 'id');
create trigger audit after insert or update or delete on public.categories
  for each row execute function private.audit_row_change('category', 'id');
create trigger audit after insert or update or delete on public.book_authors
  for each row execute function private.audit_row_change('book_author', 'book_id');
create trigger audit after insert or update or delete on public.book_categories
  for each row execute function private.audit_row_change('book_category', 'book_id');
