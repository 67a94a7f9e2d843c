// coko.admin.uploads against the real stack: the SDK's TUS client through the gateway and the API, a
// pg-boss worker in this process turning the upload into a draft, and supabase-js (PostgREST, RLS) reading
// the same upload with the editor's session token.
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestUsers, tokenFor, USERS } from '../../../supabase/tests/helpers.ts';
import { buildEpub } from '../../server/test/publishing/books.ts';
import { stack, startUploadWorker } from '../../server/test/publishing/helpers.ts';
import { createCoko, isCokoError, PermissionDeniedError, ValidationError } from '../src';

let worker: Awaited<ReturnType<typeof startUploadWorker>>;
let editorToken: string;

beforeAll(async () => {
  await ensureTestUsers();
  editorToken = await tokenFor(USERS.moderator);
  worker = await startUploadWorker();
}, 60_000);
afterAll(() => worker?.stop());

const editor = (fetchImpl?: typeof fetch) =>
  createCoko({ url: stack.url, publishableKey: stack.publishableKey, accessToken: editorToken, fetch: fetchImpl });

describe('coko.admin.uploads', () => {
  it('uploads an EPUB in chunks with progress, and waits for its draft', async () => {
    const bytes = await buildEpub(3, { title: 'Envoyé par le SDK', authors: ['Fatou Diome'] });
    const progress: number[] = [];
    const upload = await editor().admin.uploads.upload(bytes, {
      filename: 'le-ventre-de-l-atlantique.epub',
      chunkSize: 16 * 1024,
      onProgress: (p) => progress.push(p.uploadedBytes),
    });
    expect(upload).toMatchObject({ size: bytes.length, received: bytes.length });
    expect(['queued', 'processing', 'ready']).toContain(upload.status);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(bytes.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const done = await editor().admin.uploads.waitUntilDone(upload.id, { timeoutMs: 60_000 });
    expect(done.status).toBe('ready');
    expect(done.bookId).toMatch(/^[0-9a-f-]{36}$/);

    // The editor's session reads the same upload through PostgREST (RLS: books:update).
    const supabase = createClient(stack.url, stack.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers: { Authorization: `Bearer ${editorToken}` } },
    });
    const { data, error } = await supabase.from('book_uploads').select('id, status, book_id').eq('id', upload.id);
    expect(error).toBeNull();
    expect(data).toEqual([{ id: upload.id, status: 'ready', book_id: done.bookId }]);
    const page = await editor().admin.uploads.list({ limit: 5 });
    expect(page.data.map((u) => u.id)).toContain(upload.id);
  });

  it('resumes from the server’s offset after a network error mid-upload', async () => {
    const bytes = await buildEpub(2, { title: 'Reprise du SDK' });
    let patches = 0;
    let heads = 0;
    // The third chunk's connection drops after the server stored it: the client cannot know, asks HEAD.
    const flaky: typeof fetch = async (input, init) => {
      const method = init?.method ?? 'GET';
      if (method === 'HEAD') heads++;
      if (method === 'PATCH' && ++patches === 3) {
        await fetch(input, init);
        throw new TypeError('fetch failed: connection reset');
      }
      return fetch(input, init);
    };
    const upload = await editor(flaky).admin.uploads.upload(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      filename: 'reprise.epub',
      chunkSize: 512,
    });
    expect(bytes.length).toBeGreaterThan(4 * 512);
    expect(heads).toBe(1);
    expect(upload.received).toBe(bytes.length);
    const done = await editor().admin.uploads.waitUntilDone(upload.id, { timeoutMs: 60_000 });
    expect(done.status).toBe('ready');
  });

  it('refuses bad input before any request, and readers with PermissionDeniedError', async () => {
    await expect(editor().admin.uploads.upload(new Uint8Array(10), { filename: 'notes.docx' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const reader = createCoko({
      url: stack.url,
      publishableKey: stack.publishableKey,
      accessToken: await tokenFor(USERS.user),
    });
    const refused = await reader.admin.uploads
      .upload(new Uint8Array(10), { filename: 'x.epub' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect(isCokoError(refused) && refused.code).toBe('PERMISSION_DENIED');
  });
});
