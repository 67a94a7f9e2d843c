// Processing of one complete upload (job `books.process-upload`, the CLI import and the bench all run
// this): join the stored chunks, read the file, make or update the draft book, store its files and
// covers, and say how it went on the upload row. Idempotent: a ready or failed upload is left alone, a
// run that crashed half-way is resumed (the draft it made is reused, files are overwritten).
import { createHash } from 'node:crypto';
import { isBookFileError } from '../content/book-file-error.ts';
import { BOOKS_BUCKET } from '../content/layout.ts';
import { publishBookFiles } from '../content/publish.ts';
import { recordBookFiles } from '../content/record-book-files.ts';
import type { Queryable } from '../db/pool.ts';
import { sqlState } from '../db/rows.ts';
import { type Database, withTransaction } from '../db/transaction.ts';
import type { Logger } from '../observability/logger.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import { upsertDraft } from './draft.ts';
import { drmError, type ExtractedBook, extractBook } from './extract.ts';
import { findUpload, UPLOAD_COLUMNS, type UploadRow, uploadFolder } from './rows.ts';

export interface ProcessDeps {
  db: Database;
  storage: StoragePort;
  log?: Logger | undefined;
}

export type ProcessOutcome =
  | { outcome: 'ready'; bookId: string }
  | { outcome: 'failed'; code: string; message: string }
  /** Nothing to do: unknown upload, still uploading, or already ready/failed (a redelivered job). */
  | { outcome: 'skipped'; status: string };

/** A refusal the editor can act on: the upload is marked failed, the job completes. */
export class UploadRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Processes the upload when it is `queued` (or `processing`, after a crash). Bad files end `failed` with a
 * reason; unexpected failures (storage or database down) throw, for the job to retry — call
 * {@link markFailed} once the retries are spent.
 */
export async function processUpload(deps: ProcessDeps, uploadId: string): Promise<ProcessOutcome> {
  const { db, storage } = deps;
  const started = await startProcessing(db, uploadId);
  if (!started) {
    const row = await findUpload(db, uploadId);
    return { outcome: 'skipped', status: row?.status ?? 'unknown' };
  }
  try {
    const bytes = await joinParts(storage, started);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const book = await read(bytes, started);
    const bookId = await withTransaction(db, async (tx) => {
      const upload = await findUpload(tx, uploadId, { forUpdate: true });
      if (!upload) throw new UploadRefusal('NOT_FOUND', 'The upload was deleted while it was processed.');
      await actAs(tx, upload.created_by);
      await refuseDuplicateIsbn(tx, book, upload.book_id);
      const id = await upsertDraft(tx, book, { uploadId, sha256, bookId: upload.book_id }).catch((error) => {
        if (sqlState(error) === '23505' && book.isbn) throw duplicateIsbn(book.isbn, null);
        throw error;
      });
      await tx.query('update public.book_uploads set book_id = $2, sha256 = $3 where id = $1', [uploadId, id, sha256]);
      return id;
    });
    const files = await publishBookFiles(storage, bookId, bytes, book.format, { cover: book.cover?.bytes });
    await withTransaction(db, async (tx) => {
      await actAs(tx, started.created_by);
      await recordBookFiles(tx, bookId, files);
    });
    await db.query(
      `update public.book_uploads
          set status = 'ready', processed_at = now(), error_code = null, error_message = null
        where id = $1`,
      [uploadId],
    );
    await storage
      .remove(
        BOOKS_BUCKET,
        (await storage.list(BOOKS_BUCKET, uploadFolder(uploadId))).map((o) => o.path),
      )
      .catch((error: unknown) => deps.log?.warn('upload chunks not removed', { uploadId, err: error }));
    deps.log?.info('upload processed', { uploadId, bookId, format: book.format });
    return { outcome: 'ready', bookId };
  } catch (error) {
    const refusal =
      error instanceof UploadRefusal
        ? error
        : isBookFileError(error)
          ? new UploadRefusal(error.reason, error.message)
          : undefined;
    if (!refusal) throw error;
    await markFailed(db, uploadId, refusal.code, refusal.message);
    deps.log?.info('upload refused', { uploadId, code: refusal.code });
    return { outcome: 'failed', code: refusal.code, message: refusal.message };
  }
}

/**
 * The editor who uploaded is the audit log's actor of the draft the job writes (the job runs as the pool's
 * role, which has no JWT: `private.audit_actor()` falls back to `coko.actor_id`).
 */
async function actAs(tx: Queryable, editorId: string | null): Promise<void> {
  if (editorId) await tx.query(`select set_config('coko.actor_id', $1, true)`, [editorId]);
}

/** Ends the upload `failed` (a refused file, or a job whose retries are spent). */
export async function markFailed(db: Queryable, uploadId: string, code: string, message: string): Promise<void> {
  await db.query(
    `update public.book_uploads
        set status = 'failed', error_code = $2, error_message = left($3, 2000), processed_at = now()
      where id = $1 and status <> 'ready'`,
    [uploadId, code.slice(0, 64), message],
  );
}

/** queued/processing → processing, attempts + 1; null when there is nothing to process. */
async function startProcessing(db: Queryable, uploadId: string): Promise<UploadRow | undefined> {
  const { rows } = await db.query(
    `update public.book_uploads u
        set status = 'processing', attempts = u.attempts + 1
      where u.id = $1 and u.status in ('queued', 'processing')
      returning ${UPLOAD_COLUMNS}`,
    [uploadId],
  );
  return rows[0] as UploadRow | undefined;
}

/** The whole file from its parts, checked to cover 0..size without a gap or overlap. */
export async function joinParts(storage: StoragePort, upload: UploadRow): Promise<Uint8Array> {
  const size = Number(upload.size);
  const parts = await storage.list(BOOKS_BUCKET, `${uploadFolder(upload.id)}parts/`);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    const start = Number(part.path.split('/').at(-1));
    if (start !== offset || offset + part.size > size)
      throw new UploadRefusal('INCOMPLETE_UPLOAD', `The stored chunks do not make the file (at byte ${offset}).`);
    const found = await storage.get(BOOKS_BUCKET, part.path);
    if (!found) throw new UploadRefusal('INCOMPLETE_UPLOAD', `A chunk of the file is missing (at byte ${offset}).`);
    const chunk = new Uint8Array(await new Response(found.body).arrayBuffer());
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (offset !== size)
    throw new UploadRefusal('INCOMPLETE_UPLOAD', `Only ${offset} of the file's ${size} bytes were stored.`);
  return bytes;
}

async function read(bytes: Uint8Array, upload: UploadRow): Promise<ExtractedBook> {
  // Reading is a pure function of the bytes: any failure is the file's (a retry would fail the same way), so
  // an unexpected error of a parser is a refusal too, not a crash to retry.
  const book = await extractBook(bytes, { filename: upload.filename, contentType: upload.content_type }).catch(
    (error: unknown) => {
      if (isBookFileError(error)) throw error;
      throw new UploadRefusal(
        'UNREADABLE_FILE',
        `The file could not be read (${error instanceof Error ? error.message : String(error)}). Check it opens in a reader and export it again.`,
      );
    },
  );
  const drm = drmError(book);
  if (drm) throw drm;
  return book;
}

async function refuseDuplicateIsbn(tx: Queryable, book: ExtractedBook, ownBookId: string | null): Promise<void> {
  if (!book.isbn) return;
  const { rows } = await tx.query(
    `select b.id, b.title from public.books b
      where private.isbn13(b.isbn) = private.isbn13($1) and b.id is distinct from $2::uuid
      limit 1`,
    [book.isbn, ownBookId],
  );
  const existing = rows[0] as { id: string; title: string } | undefined;
  if (existing) throw duplicateIsbn(book.isbn, existing);
}

function duplicateIsbn(isbn: string, existing: { id: string; title: string } | null): UploadRefusal {
  return new UploadRefusal(
    'DUPLICATE_ISBN',
    existing
      ? `ISBN ${isbn} is already the ISBN of « ${existing.title} » (book ${existing.id}).`
      : `ISBN ${isbn} is already the ISBN of another book.`,
  );
}
