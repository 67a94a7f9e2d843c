-- Book uploads (docs/CONTRACT-publishing.md §1 and §3): an editor sends an EPUB or PDF with the TUS
-- protocol to `/v1/admin/uploads`; the job `books.process-upload` joins the stored chunks, reads the file
-- and makes (or updates) a draft book. One row per upload, which the editor watches:
-- uploading → queued → processing → ready | failed (with the reason).
-- Editors (`books:update`: admins, moderators) read every upload through PostgREST; nobody writes through
-- it: the API and the worker write with the pool's role, which owns the table.

create type public.upload_status as enum ('uploading', 'queued', 'processing', 'ready', 'failed');
comment on type public.upload_status is
  'Where a book upload is: uploading (chunks arriving), queued (whole, job sent), processing (the job runs), ready (a draft book has the file), failed (see error_code / error_message).';

create table public.book_uploads (
  id uuid primary key default gen_random_uuid(),
  created_by uuid references auth.users (id) on delete set null,
  filename text not null
    constraint book_uploads_filename_length check (char_length(filename) between 1 and 255),
  content_type text not null
    constraint book_uploads_content_type check (content_type in ('application/epub+zip', 'application/pdf')),
  size bigint not null
    constraint book_uploads_size_range check (size between 1 and 52428800),
  received bigint not null default 0,
  storage_path text not null,
  sha256 text
    constraint book_uploads_sha256_format check (sha256 ~ '^[0-9a-f]{64}$'),
  status public.upload_status not null default 'uploading',
  error_code text
    constraint book_uploads_error_code_length check (char_length(error_code) <= 64),
  error_message text
    constraint book_uploads_error_message_length check (char_length(error_message) <= 2000),
  book_id uuid references public.books (id) on delete set null,
  attempts integer not null default 0
    constraint book_uploads_attempts_nonnegative check (attempts >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  processed_at timestamptz,
  constraint book_uploads_received_range check (received between 0 and size),
  constraint book_uploads_error_when_failed check ((status = 'failed') = (error_code is not null))
);
comment on table public.book_uploads is
  'EPUB and PDF files sent by editors (TUS resumable uploads to /v1/admin/uploads) and what processing made of them. Editors (books:update) read all; only the API and the worker write.';
comment on column public.book_uploads.id is 'The upload id, also the TUS resource id (…/v1/admin/uploads/{id}).';
comment on column public.book_uploads.created_by is 'The editor who started the upload; null once their account is erased.';
comment on column public.book_uploads.filename is 'The file name the editor sent (Upload-Metadata filename), kept for display.';
comment on column public.book_uploads.content_type is 'application/epub+zip or application/pdf, from the metadata or the file name.';
comment on column public.book_uploads.size is 'The whole file''s size in bytes (TUS Upload-Length), at most 50 MiB.';
comment on column public.book_uploads.received is 'Bytes stored so far: the offset a resumed upload continues from (TUS Upload-Offset).';
comment on column public.book_uploads.storage_path is 'Folder of the chunks in the books bucket: uploads/<id>/ (parts/<n> each), removed once processed.';
comment on column public.book_uploads.sha256 is 'SHA-256 (hex) of the whole file, set by the job when it joins the chunks.';
comment on column public.book_uploads.status is 'uploading, queued, processing, ready or failed.';
comment on column public.book_uploads.error_code is 'Why processing failed (a BookFileError reason such as NOT_A_ZIP, DRM_PROTECTED, DUPLICATE_ISBN); null unless failed.';
comment on column public.book_uploads.error_message is 'The failure in words an editor can act on; null unless failed.';
comment on column public.book_uploads.book_id is 'The draft book the upload made or updated; reprocessing updates this book, never makes a second one.';
comment on column public.book_uploads.attempts is 'Processing runs started (the job is retried with backoff).';
comment on column public.book_uploads.created_at is 'When the upload was created (TUS POST).';
comment on column public.book_uploads.updated_at is 'When the row last changed (maintained by a trigger).';
comment on column public.book_uploads.processed_at is 'When processing ended (ready or failed).';

-- The editors' list (newest first, keyset on created_at, id) and the CLI/bench lookups by book.
create index book_uploads_created_at_idx on public.book_uploads (created_at desc, id desc);
create index book_uploads_created_by_idx on public.book_uploads (created_by);
create index book_uploads_book_id_idx on public.book_uploads (book_id);

create trigger set_updated_at before update on public.book_uploads
  for each row execute function private.set_updated_at();

alter table public.book_uploads enable row level security;

create policy "Editors can see every upload"
  on public.book_uploads for select
  to authenticated
  using ((select private.authorize('books:update')));

revoke all on table public.book_uploads from public, anon, authenticated, service_role;
grant select on table public.book_uploads to authenticated, service_role;

-- Account erasure: the upload stays (it documents where a book came from) without naming the editor.
create or replace function private.erase_book_upload_authors(user_id uuid)
returns void
language sql
set search_path = ''
as $$
  update public.book_uploads u set created_by = null where u.created_by = erase_book_upload_authors.user_id;
$$;
comment on function private.erase_book_upload_authors(uuid) is
  'Account anonymisation step: the uploads an editor made no longer name them (created_by → null); the files and books stay.';
revoke all on function private.erase_book_upload_authors(uuid) from public;

insert into private.account_anonymizers (function_name, position, description)
values ('private.erase_book_upload_authors(uuid)', 300,
  'Book uploads: created_by is cleared; the uploads and the books they made stay.')
on conflict do nothing;
