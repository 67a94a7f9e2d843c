import { loadConfig } from '../../config/load.ts';
import { storageFromConfig } from '../../providers/storage/from-config.ts';
import type { StoragePort } from '../../providers/storage/port.ts';
import { markFailed, processUpload } from '../../uploads/process.ts';
import type { JobHandler } from '../types.ts';

export interface UploadJobDeps {
  /** Default: the storage of the worker's environment (`STORAGE`…, the API's variables), built on first use. */
  storage?: () => StoragePort;
}

let cached: StoragePort | undefined;
const defaultStorage = () => {
  cached ??= storageFromConfig(loadConfig(process.env));
  return cached;
};

/**
 * `books.process-upload` `{ uploadId }`: {@link processUpload}. Idempotent by the upload's status (a ready or
 * failed upload is skipped; a crashed run resumes). On the last attempt an unexpected failure also ends the
 * upload `failed` (PROCESSING_ERROR) so the editor is not left watching `processing`, then the job goes to
 * the dead letter.
 */
export function processBookUploadHandler(deps: UploadJobDeps = {}): JobHandler<{ uploadId?: unknown }> {
  const storage = deps.storage ?? defaultStorage;
  return async (job, { db, log }) => {
    const uploadId = job.data?.uploadId;
    if (typeof uploadId !== 'string' || !/^[0-9a-f-]{36}$/i.test(uploadId))
      throw new Error('books.process-upload needs data.uploadId (a uuid)');
    try {
      return await processUpload({ db, storage: storage(), log }, uploadId);
    } catch (error) {
      if (job.retryCount >= job.retryLimit) {
        await markFailed(
          db,
          uploadId,
          'PROCESSING_ERROR',
          'Processing failed repeatedly on the server (not because of the file). Try again later or tell the team.',
        ).catch((markError: unknown) => log.error('upload not marked failed', { uploadId, err: markError }));
      }
      throw error;
    }
  };
}

export const processBookUpload = processBookUploadHandler();
