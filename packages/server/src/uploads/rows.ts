// `public.book_uploads` rows and their JSON (the `Upload` of docs/CONTRACT-publishing.md §3). The API and
// the worker write with the pool's role; editors read through the API or PostgREST (RLS: books:update).
import type { Queryable } from '../db/pool.ts';
import { encodeCursor } from '../payments/orders.ts';

export type UploadStatus = 'uploading' | 'queued' | 'processing' | 'ready' | 'failed';

export interface UploadRow {
  id: string;
  created_by: string | null;
  filename: string;
  content_type: string;
  size: string | number;
  received: string | number;
  storage_path: string;
  sha256: string | null;
  status: UploadStatus;
  error_code: string | null;
  error_message: string | null;
  book_id: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  processed_at: Date | null;
}

/** What the API and the SDK show of an upload. */
export interface UploadJson {
  id: string;
  filename: string;
  size: number;
  received: number;
  status: UploadStatus;
  error: { code: string; message: string } | null;
  bookId: string | null;
  createdAt: string;
  updatedAt: string;
  processedAt: string | null;
}

export const UPLOAD_COLUMNS = `u.id, u.created_by, u.filename, u.content_type, u.size, u.received, u.storage_path,
  u.sha256, u.status, u.error_code, u.error_message, u.book_id, u.attempts, u.created_at, u.updated_at, u.processed_at`;

export function uploadJson(row: UploadRow): UploadJson {
  return {
    id: row.id,
    filename: row.filename,
    size: Number(row.size),
    received: Number(row.received),
    status: row.status,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? row.error_code } : null,
    bookId: row.book_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    processedAt: row.processed_at?.toISOString() ?? null,
  };
}

/** The chunks' folder in the `books` bucket. */
export const uploadFolder = (id: string) => `uploads/${id}/`;

/**
 * One chunk's object: `uploads/<id>/parts/<offset>`, the offset zero-padded so that the storage listing's
 * path order is the byte order. A PATCH retried at the same offset overwrites its own part.
 */
export const partPath = (id: string, offset: number) => `${uploadFolder(id)}parts/${String(offset).padStart(12, '0')}`;

export async function createUpload(
  db: Queryable,
  input: { createdBy: string | null; filename: string; contentType: string; size: number },
): Promise<UploadRow> {
  const { rows } = await db.query(
    `with id as (select gen_random_uuid() as id)
     insert into public.book_uploads as u (id, created_by, filename, content_type, size, storage_path)
     select id.id, $1, $2, $3, $4, 'uploads/' || id.id || '/' from id
     returning ${UPLOAD_COLUMNS}`,
    [input.createdBy, input.filename, input.contentType, input.size],
  );
  return rows[0] as UploadRow;
}

/** The upload, locked for the transaction when `forUpdate` (PATCHes of one upload run one at a time). */
export async function findUpload(db: Queryable, id: string, options: { forUpdate?: boolean } = {}) {
  const { rows } = await db.query(
    `select ${UPLOAD_COLUMNS} from public.book_uploads u where u.id = $1${options.forUpdate ? ' for update' : ''}`,
    [id],
  );
  return rows[0] as UploadRow | undefined;
}

export async function listUploads(
  db: Queryable,
  page: { limit: number; after?: { createdAt: string; id: string } | undefined },
): Promise<{ rows: UploadRow[]; nextCursor: string | null }> {
  const values: unknown[] = [page.limit + 1];
  let keyset = '';
  if (page.after) {
    values.push(page.after.createdAt, page.after.id);
    keyset = 'where (u.created_at, u.id) < ($2::timestamptz, $3::uuid)';
  }
  const { rows } = await db.query(
    `select ${UPLOAD_COLUMNS} from public.book_uploads u ${keyset} order by u.created_at desc, u.id desc limit $1`,
    values,
  );
  const list = rows as UploadRow[];
  const more = list.length > page.limit;
  const shown = more ? list.slice(0, page.limit) : list;
  const last = shown.at(-1);
  return { rows: shown, nextCursor: more && last ? encodeCursor(last) : null };
}

/** Moves `received` on after a stored chunk; the last one queues the upload. */
export async function recordChunk(db: Queryable, id: string, received: number): Promise<UploadRow> {
  const { rows } = await db.query(
    `update public.book_uploads u
        set received = $2,
            status = case when $2 = u.size then 'queued'::public.upload_status else u.status end
      where u.id = $1
      returning ${UPLOAD_COLUMNS}`,
    [id, received],
  );
  return rows[0] as UploadRow;
}
