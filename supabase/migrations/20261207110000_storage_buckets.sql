-- Storage buckets of content delivery (docs/CONTRACT-payments.md §4), mirrored in supabase/config.toml
-- `[storage.buckets.*]`:
-- - `books` (private): whole files, exploded EPUBs and Readium manifests. No policy grants anon or
--   authenticated anything, so only the service role (the API and the worker) reads or writes them;
--   readers get short-lived signed URLs from `GET /v1/books/{id}/access` after the right-to-read check.
-- - `covers` (public): list (240 px) and detail (720 px) WebP covers, `covers/<book id>/{small,large}.webp`.
--   Anyone may read them (Storage serves public buckets without RLS; the policy also lets list calls
--   through); only the service role writes them.
-- The bucket limits are enforced by Supabase Storage on upload.

-- ===== buckets ================================================================================
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
  ('books', 'books', false, 52428800, null),
  ('covers', 'covers', true, 2097152, array['image/webp', 'image/jpeg', 'image/png'])
on conflict (id) do update
  set public = excluded.public,
      file_size_limit = excluded.file_size_limit,
      allowed_mime_types = excluded.allowed_mime_types;

-- ===== policies on storage.objects =============================================================
-- One select policy, and none for insert, update or delete: writes are the service role's (it bypasses RLS).
create policy "Anyone can read covers"
  on storage.objects
  for select
  to anon, authenticated
  using (bucket_id = 'covers');
