// Imports files one after the other through the upload pipeline (stage → process [→ publish]); used by
// `coko books import` and the publishing bench.
import type { Database } from '../db/transaction.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import { processUpload } from './process.ts';
import { stageUpload } from './stage.ts';

export type ImportResult =
  | { filename: string; status: 'ready'; uploadId: string; bookId: string; published: boolean; ms: number }
  | { filename: string; status: 'failed'; uploadId: string | null; code: string; message: string; ms: number };

export interface ImportOptions {
  db: Database;
  storage: StoragePort;
  files: { filename: string; read: () => Promise<Uint8Array> }[];
  /** Publish each ready book (status published). */
  publish?: boolean;
  /** The uploads' `created_by` (the CLI's COKO_ACTOR), else null. */
  createdBy?: string | null;
  onResult?: (result: ImportResult, index: number, total: number) => void;
  now?: () => number;
}

export async function importFolder(options: ImportOptions): Promise<ImportResult[]> {
  const { db, storage, files } = options;
  const now = options.now ?? (() => performance.now());
  const results: ImportResult[] = [];
  for (const [index, file] of files.entries()) {
    const started = now();
    let uploadId: string | null = null;
    let result: ImportResult;
    try {
      const upload = await stageUpload(db, storage, {
        filename: file.filename,
        bytes: await file.read(),
        createdBy: options.createdBy,
      });
      uploadId = upload.id;
      const outcome = await processUpload({ db, storage }, upload.id);
      if (outcome.outcome === 'ready') {
        if (options.publish)
          await db.query(`update public.books set status = 'published' where id = $1 and status = 'draft'`, [
            outcome.bookId,
          ]);
        result = {
          filename: file.filename,
          status: 'ready',
          uploadId,
          bookId: outcome.bookId,
          published: options.publish === true,
          ms: now() - started,
        };
      } else {
        const failure =
          outcome.outcome === 'failed' ? outcome : { code: 'SKIPPED', message: `The upload is ${outcome.status}` };
        result = { filename: file.filename, status: 'failed', uploadId, ...pick(failure), ms: now() - started };
      }
    } catch (error) {
      result = {
        filename: file.filename,
        status: 'failed',
        uploadId,
        code: 'IMPORT_ERROR',
        message: error instanceof Error ? error.message : String(error),
        ms: now() - started,
      };
    }
    results.push(result);
    options.onResult?.(result, index, files.length);
  }
  return results;
}

const pick = (failure: { code: string; message: string }) => ({ code: failure.code, message: failure.message });
