// Stages a whole file as a complete upload without the HTTP protocol: the CLI import and the bench hand
// files to the same pipeline the TUS routes feed (one part at offset 0, status queued).
import { BOOKS_BUCKET } from '../content/layout.ts';
import type { Queryable } from '../db/pool.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import { MAX_UPLOAD_BYTES } from './limits.ts';
import { createUpload, partPath, recordChunk, type UploadRow } from './rows.ts';
import { bookTypeOf } from './tus.ts';

/** Creates a complete, queued upload of `bytes`; throws (ApiError 413/415) for a file the API would refuse. */
export async function stageUpload(
  db: Queryable,
  storage: StoragePort,
  file: { filename: string; bytes: Uint8Array; createdBy?: string | null },
): Promise<UploadRow> {
  const contentType = bookTypeOf(file.filename, undefined);
  if (file.bytes.length === 0 || file.bytes.length > MAX_UPLOAD_BYTES)
    throw new Error(`${file.filename}: ${file.bytes.length} bytes (books are 1 byte to 50 MiB)`);
  const upload = await createUpload(db, {
    createdBy: file.createdBy ?? null,
    filename: file.filename,
    contentType,
    size: file.bytes.length,
  });
  await storage.put(BOOKS_BUCKET, partPath(upload.id, 0), file.bytes, {
    contentType: 'application/octet-stream',
    upsert: true,
  });
  return recordChunk(db, upload.id, file.bytes.length);
}
