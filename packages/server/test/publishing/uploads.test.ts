// Upload → processing → draft, end to end: the TUS routes through the gateway and the API of this file's
// stack, the `books.process-upload` job run by a real worker (pg-boss) in this process, files and covers
// in the stack's storage folder (the local adapter: the Supabase adapter passes the same port contract).
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, USERS } from '../../../../supabase/tests/helpers.ts';
import { BOOKS_BUCKET, COVERS_BUCKET, coverPaths } from '../../src/content/layout.ts';
import type { CokoWorker } from '../../src/jobs/worker.ts';
import { MAX_CHUNK_BYTES, MAX_UPLOAD_BYTES } from '../../src/uploads/limits.ts';
import { processUpload } from '../../src/uploads/process.ts';
import { partPath, type UploadJson } from '../../src/uploads/rows.ts';
import { brokenFiles, buildEpub, buildPdf } from './books.ts';
import {
  bearer,
  bookRow,
  createUpload,
  getUpload,
  patchChunk,
  settled,
  stack,
  startUploadWorker,
  storage,
  UPLOADS,
  uploadFile,
} from './helpers.ts';

let worker: CokoWorker;
const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });

beforeAll(async () => {
  worker = await startUploadWorker();
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await pool.end();
});

async function bytesOf(bucket: string, path: string): Promise<Uint8Array> {
  const found = await storage.get(bucket, path);
  if (!found) throw new Error(`no ${bucket}/${path}`);
  return new Uint8Array(await new Response(found.body).arrayBuffer());
}

describe('TUS protocol', () => {
  it('announces itself on OPTIONS', async () => {
    const res = await fetch(UPLOADS, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('tus-resumable')).toBe('1.0.0');
    expect(res.headers.get('tus-version')).toBe('1.0.0');
    expect(res.headers.get('tus-max-size')).toBe(String(MAX_UPLOAD_BYTES));
    expect(res.headers.get('tus-extension')).toBe('creation,termination');
  });

  it('lets a browser read the TUS headers (CORS)', async () => {
    const res = await fetch(UPLOADS, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'PATCH' },
    });
    const allowed = res.headers.get('access-control-allow-headers')?.toLowerCase() ?? '';
    expect(allowed).toContain('upload-offset');
    expect(allowed).toContain('upload-metadata');
  });

  it('creates an upload: 201, Location, offset 0', async () => {
    const res = await createUpload('admin', 1234, 'Le Pagne noir.epub');
    expect(res.status).toBe(201);
    expect(res.headers.get('tus-resumable')).toBe('1.0.0');
    expect(res.headers.get('upload-offset')).toBe('0');
    const body = (await res.json()) as UploadJson;
    expect(res.headers.get('location')).toMatch(new RegExp(`/v1/admin/uploads/${body.id}$`));
    expect(body).toMatchObject({ filename: 'Le Pagne noir.epub', size: 1234, received: 0, status: 'uploading' });
    const head = await fetch(`${UPLOADS}/${body.id}`, { method: 'HEAD', headers: await bearer('admin') });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('0');
    expect(head.headers.get('upload-length')).toBe('1234');
  });

  it('refuses files over 50 MiB with 413 and other formats with 415', async () => {
    const big = await createUpload('admin', MAX_UPLOAD_BYTES + 1, 'gros.epub');
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    const doc = await createUpload('admin', 100, 'notes.docx');
    expect(doc.status).toBe(415);
    expect(((await doc.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const lying = await createUpload('admin', 100, 'livre.epub', 'image/png');
    expect(lying.status).toBe(415);
    const noLength = await fetch(UPLOADS, {
      method: 'POST',
      headers: { ...(await bearer('admin')), 'Tus-Resumable': '1.0.0' },
    });
    expect(noLength.status).toBe(400);
  });

  it('answers a wrong offset with 409 and the right one', async () => {
    const id = ((await (await createUpload('admin', 10, 'a.pdf')).json()) as UploadJson).id;
    const res = await patchChunk('admin', id, 5, new Uint8Array(5));
    expect(res.status).toBe(409);
    expect(res.headers.get('upload-offset')).toBe('0');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');
  });

  it('refuses a chunk over 6 MiB or past Upload-Length with 413', async () => {
    const id = ((await (await createUpload('admin', MAX_CHUNK_BYTES + 10, 'b.pdf')).json()) as UploadJson).id;
    const huge = await patchChunk('admin', id, 0, new Uint8Array(MAX_CHUNK_BYTES + 1));
    expect(huge.status).toBe(413);
    const small = ((await (await createUpload('admin', 10, 'c.pdf')).json()) as UploadJson).id;
    expect((await patchChunk('admin', small, 0, new Uint8Array(11))).status).toBe(413);
    expect((await getUpload(small)).received).toBe(0);
  });

  it('is for editors only: anon 401, reader 403, moderator allowed', async () => {
    expect((await createUpload(null, 10, 'x.epub')).status).toBe(401);
    const reader = await createUpload('user', 10, 'x.epub');
    expect(reader.status).toBe(403);
    expect(((await reader.json()) as { error: { code: string } }).error.code).toBe('PERMISSION_DENIED');
    expect((await fetch(UPLOADS, { headers: await bearer('user') })).status).toBe(403);
    expect((await createUpload('moderator', 10, 'x.epub')).status).toBe(201);
  });

  it('cancels an unfinished upload with DELETE (row and stored chunks)', async () => {
    const id = ((await (await createUpload('admin', 100, 'annule.epub')).json()) as UploadJson).id;
    expect((await patchChunk('admin', id, 0, new Uint8Array(40))).status).toBe(204);
    expect(await storage.list(BOOKS_BUCKET, `uploads/${id}/`)).toHaveLength(1);
    const res = await fetch(`${UPLOADS}/${id}`, { method: 'DELETE', headers: await bearer('admin') });
    expect(res.status).toBe(204);
    expect(await storage.list(BOOKS_BUCKET, `uploads/${id}/`)).toEqual([]);
    expect((await fetch(`${UPLOADS}/${id}`, { headers: await bearer('admin') })).status).toBe(404);
  });

  it('resumes after an interrupted PATCH from the offset HEAD gives', async () => {
    const bytes = await buildEpub(3, { title: 'Reprise après coupure', authors: ['Cheikh Hamidou Kane'] });
    const id = ((await (await createUpload('admin', bytes.length, 'reprise.epub')).json()) as UploadJson).id;
    const half = Math.floor(bytes.length / 2);
    expect((await patchChunk('admin', id, 0, bytes.subarray(0, half))).status).toBe(204);
    // The network drops in the middle of the next chunk: the request body errors after a few bytes.
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(half, half + 100));
        controller.error(new Error('connection lost'));
      },
    });
    await expect(
      fetch(`${UPLOADS}/${id}`, {
        method: 'PATCH',
        headers: {
          ...(await bearer('admin')),
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': String(half),
          'Content-Type': 'application/offset+octet-stream',
        },
        body: broken,
        duplex: 'half',
      } as RequestInit),
    ).rejects.toThrow();
    const head = await fetch(`${UPLOADS}/${id}`, { method: 'HEAD', headers: await bearer('admin') });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBe(half);
    expect((await patchChunk('admin', id, offset, bytes.subarray(offset))).status).toBe(204);
    const done = await settled(id);
    expect(done.status).toBe('ready');
    expect((await bookRow(done.bookId as string)).title).toBe('Reprise après coupure');
  });
});

describe('processing', () => {
  it('makes a draft from an EPUB 3: metadata, authors, publisher, files, WebP covers', async () => {
    const bytes = await buildEpub(3, {
      title: 'Une si longue lettre',
      authors: ['Mariama Bâ'],
      publisher: 'Nouvelles Éditions Africaines',
      description: '<p>Une lettre de <b>Ramatoulaye</b>.</p>',
      isbn: '9782070360024',
      language: 'fr-SN',
    });
    const id = await uploadFile(bytes, 'une-si-longue-lettre.epub');
    const upload = await settled(id);
    expect(upload).toMatchObject({ status: 'ready', error: null, received: bytes.length });
    expect(upload.processedAt).not.toBeNull();
    const book = await bookRow(upload.bookId as string);
    expect(book).toMatchObject({
      title: 'Une si longue lettre',
      status: 'draft',
      language: 'fr-SN',
      isbn: '9782070360024',
      format: 'epub',
      publisher: 'Nouvelles Éditions Africaines',
      authors: ['Mariama Bâ'],
      file_path: `${book.id}/book.epub`,
    });
    expect(Number(book.file_size)).toBe(bytes.length);
    expect(book.page_count).toBeGreaterThan(0);
    expect(book.metadata).toMatchObject({
      drm: false,
      source: { uploadId: id, epubVersion: '3.0', pageCountSource: 'page-list' },
    });
    expect((book.metadata.source as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((book.metadata.toc as unknown[]).length).toBe(3);
    expect(await bytesOf(BOOKS_BUCKET, `${book.id}/book.epub`)).toEqual(bytes);
    const large = await sharp(await bytesOf(COVERS_BUCKET, coverPaths(book.cover_path as string).large)).metadata();
    expect(large.format).toBe('webp');
    // The chunks are gone once the book has its file.
    expect(await storage.list(BOOKS_BUCKET, `uploads/${id}/`)).toEqual([]);
  });

  it('makes a draft from an EPUB 2 and reuses an existing author', async () => {
    const bytes = await buildEpub(2, {
      title: 'Les Soleils des indépendances',
      authors: ['MARIAMA BA', 'Ahmadou Kourouma'],
    });
    const upload = await settled(await uploadFile(bytes, 'soleils.epub', 'moderator'));
    expect(upload.status).toBe('ready');
    const book = await bookRow(upload.bookId as string);
    expect(book).toMatchObject({ title: 'Les Soleils des indépendances', format: 'epub', status: 'draft' });
    // "MARIAMA BA" slugifies like "Mariama Bâ": one author, not two.
    expect(book.authors).toEqual(['Mariama Bâ', 'Ahmadou Kourouma']);
    expect(book.metadata).toMatchObject({ source: { epubVersion: '2.0' } });
    // The job writes the draft on the moderator's behalf: the audit log names them, not "the system".
    const actors = await adminQuery<{ action: string; actor_id: string | null }>(
      `select action, actor_id::text from public.audit_logs where resource_type = 'book' and resource_id = $1`,
      [upload.bookId],
    );
    expect(actors.map((a) => a.action)).toEqual(expect.arrayContaining(['book.insert', 'book.update']));
    for (const entry of actors) expect(entry.actor_id).toBe(USERS.moderator.id);
  });

  it('makes a draft from a PDF: its pages and a cover', async () => {
    const bytes = await buildPdf({ title: 'Rapport annuel 2025', author: 'Aminata Sow Fall', pages: 7 });
    const upload = await settled(await uploadFile(bytes, 'rapport.pdf'));
    expect(upload.status).toBe('ready');
    const book = await bookRow(upload.bookId as string);
    expect(book).toMatchObject({
      title: 'Rapport annuel 2025',
      format: 'pdf',
      page_count: 7,
      authors: ['Aminata Sow Fall'],
    });
    expect(book.metadata).toMatchObject({ source: { pageCountSource: 'pdf', epubVersion: null } });
    expect(
      (await sharp(await bytesOf(COVERS_BUCKET, coverPaths(book.cover_path as string).small)).metadata()).format,
    ).toBe('webp');
  });

  it('ends broken files failed with the reason (DRM included), never a crash', async () => {
    for (const file of await brokenFiles()) {
      if (file.bytes.length === 0) {
        expect((await createUpload('admin', 0, file.name)).status).toBe(400);
        continue;
      }
      if (!/\.(epub|pdf)$/.test(file.name)) {
        expect((await createUpload('admin', file.bytes.length, file.name)).status).toBe(415);
        continue;
      }
      const upload = await settled(await uploadFile(file.bytes, file.name));
      expect({ name: file.name, status: upload.status, code: upload.error?.code }).toEqual({
        name: file.name,
        status: 'failed',
        code: file.reason,
      });
      expect(upload.error?.message.length).toBeGreaterThan(10);
      expect(upload.bookId).toBeNull();
    }
  });

  it('refuses a second book with the same ISBN, naming the first', async () => {
    const isbn = '9780306406157';
    const first = await settled(await uploadFile(await buildEpub(3, { title: 'Premier', isbn }), 'premier.epub'));
    expect(first.status).toBe('ready');
    const second = await settled(await uploadFile(await buildEpub(3, { title: 'Second', isbn }), 'second.epub'));
    expect(second.status).toBe('failed');
    expect(second.error?.code).toBe('DUPLICATE_ISBN');
    expect(second.error?.message).toContain(first.bookId as string);
  });

  it('resumes a crashed run on the draft it already made, never a second book', async () => {
    // A complete upload whose job is not sent (as if the worker died after the draft was written).
    const bytes = await buildEpub(3, { title: 'Après la panne' });
    const [row] = await adminQuery<{ id: string }>(
      `insert into public.book_uploads (created_by, filename, content_type, size, received, storage_path, status)
       values (null, 'panne.epub', 'application/epub+zip', $1, $1, 'x', 'queued') returning id`,
      [bytes.length],
    );
    const id = row?.id as string;
    await storage.put(BOOKS_BUCKET, partPath(id, 0), bytes, { contentType: 'application/octet-stream' });
    const first = await processUpload({ db: pool, storage }, id);
    expect(first.outcome).toBe('ready');
    // The crash: the run had written the draft but not finished; its chunks are still there.
    await adminQuery(`update public.book_uploads set status = 'processing' where id = $1`, [id]);
    await storage.put(BOOKS_BUCKET, partPath(id, 0), bytes, { contentType: 'application/octet-stream' });
    const second = await processUpload({ db: pool, storage }, id);
    expect(second).toEqual(first);
    const books = await adminQuery<{ n: number }>(
      `select count(*)::int as n from public.books where metadata -> 'source' ->> 'uploadId' = $1`,
      [id],
    );
    expect(books).toEqual([{ n: 1 }]);
  });

  it('does nothing when the job runs again on a ready upload', async () => {
    const upload = await settled(await uploadFile(await buildEpub(3, { title: 'Deux fois' }), 'deux-fois.epub'));
    const before = await adminQuery<{ n: number }>('select count(*)::int as n from public.books');
    expect(await processUpload({ db: pool, storage }, upload.id)).toEqual({ outcome: 'skipped', status: 'ready' });
    const after = await adminQuery<{ n: number }>('select count(*)::int as n from public.books');
    expect(after).toEqual(before);
    const [row] = await adminQuery<{ attempts: number }>('select attempts from public.book_uploads where id = $1', [
      upload.id,
    ]);
    expect(row?.attempts).toBe(1);
  });

  it('lists uploads newest first, with a cursor', async () => {
    const res = await fetch(`${UPLOADS}?limit=2`, { headers: await bearer('admin') });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { data: UploadJson[]; nextCursor: string | null };
    expect(page.data).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    const next = (await (
      await fetch(`${UPLOADS}?limit=2&cursor=${page.nextCursor}`, { headers: await bearer('admin') })
    ).json()) as { data: UploadJson[] };
    expect((next.data[0]?.createdAt ?? '') <= (page.data[1]?.createdAt ?? '')).toBe(true);
    expect(next.data.map((u) => u.id)).not.toContain(page.data[0]?.id);
  });
});
