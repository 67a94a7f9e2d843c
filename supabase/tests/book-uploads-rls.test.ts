// Row level security of public.book_uploads (supabase/migrations/20261208100100_book_uploads.sql):
// editors (books:update: admins, moderators) read every upload; readers and anon see none; nobody writes
// through PostgREST (the API and the worker write with the pool's role).
import { beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, clientAs, ensureTestUsers, rlsTable, USERS } from './helpers.js';

const TABLE = rlsTable('book_uploads');
const UPLOAD = '40000000-0000-4000-8000-000000000001';

beforeAll(async () => {
  await ensureTestUsers();
  await adminQuery(
    `insert into public.book_uploads (id, created_by, filename, content_type, size, storage_path)
     values ($1::uuid, $2, 'livre.epub', 'application/epub+zip', 1000, 'uploads/' || $1::text || '/')`,
    [UPLOAD, USERS.admin.id],
  );
});

describe('book_uploads RLS', () => {
  it.each(['admin', 'moderator'] as const)('%s (an editor) sees every upload', async (kind) => {
    const { data, error } = await (await clientAs(kind)).from(TABLE).select('id, filename, status');
    expect(error).toBeNull();
    expect(data).toEqual([{ id: UPLOAD, filename: 'livre.epub', status: 'uploading' }]);
  });

  it.each(['user', 'partnerUser'] as const)('%s (a reader) sees no upload', async (kind) => {
    const { data, error } = await (await clientAs(kind)).from(TABLE).select('id');
    expect(error).toBeNull();
    expect(data).toEqual([]);
  });

  it('anon may not read uploads at all', async () => {
    const { error } = await (await clientAs('anon')).from(TABLE).select('id');
    expect(error?.message).toMatch(/permission denied/);
  });

  it.each(['admin', 'moderator', 'user'] as const)('%s cannot write uploads through PostgREST', async (kind) => {
    const client = await clientAs(kind);
    const insert = await client
      .from(TABLE)
      .insert({ filename: 'x.epub', content_type: 'application/epub+zip', size: 1, storage_path: 'x' });
    expect(insert.error?.message).toMatch(/permission denied/);
    const update = await client.from(TABLE).update({ status: 'ready' }).eq('id', UPLOAD);
    expect(update.error?.message).toMatch(/permission denied/);
    const remove = await client.from(TABLE).delete().eq('id', UPLOAD);
    expect(remove.error?.message).toMatch(/permission denied/);
    const [row] = await adminQuery<{ status: string }>('select status from public.book_uploads where id = $1', [
      UPLOAD,
    ]);
    expect(row?.status).toBe('uploading');
  });

  it('erasing the editor’s account keeps the upload without naming them', async () => {
    await adminQuery('select private.erase_book_upload_authors($1)', [USERS.admin.id]);
    const [row] = await adminQuery<{ created_by: string | null }>(
      'select created_by from public.book_uploads where id = $1',
      [UPLOAD],
    );
    expect(row?.created_by).toBeNull();
  });
});
