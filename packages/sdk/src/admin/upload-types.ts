import type { RequestOptions } from '../core/transport';

/** Where an upload is: chunks arriving, waiting for the worker, being read, done, or refused. */
export type UploadStatus = 'uploading' | 'queued' | 'processing' | 'ready' | 'failed';

/** A book file an editor sent, and what processing made of it (`GET /v1/admin/uploads/{id}`). */
export interface Upload {
  id: string;
  filename: string;
  /** The whole file in bytes. */
  size: number;
  /** Bytes the server has stored. */
  received: number;
  status: UploadStatus;
  /** Why processing failed (`code`: `NOT_A_ZIP`, `DRM_PROTECTED`, `DUPLICATE_ISBN`…; `message`: for the editor). */
  error: { code: string; message: string } | null;
  /** The draft book it made (or updated), once `ready`. */
  bookId: string | null;
  createdAt: string;
  updatedAt: string;
  processedAt: string | null;
}

export interface UploadsPage {
  data: Upload[];
  nextCursor: string | null;
}

export interface UploadProgress {
  uploadedBytes: number;
  totalBytes: number;
}

export interface UploadOptions extends RequestOptions {
  /** The file's name, `.epub` or `.pdf` (default: the `File`'s own name). */
  filename?: string;
  /** Called after each stored chunk (and once at the start of a resumed upload). */
  onProgress?: (progress: UploadProgress) => void;
  /** Bytes per PATCH, at most 6 MiB (default 2 MiB: a dropped connection loses at most that much). */
  chunkSize?: number;
  /** Resume this upload (e.g. after a page reload): its id, from an earlier `onCreated` or `list()`. */
  uploadId?: string;
  /** Called once the server has created the upload: keep the id to resume later. */
  onCreated?: (uploadId: string) => void;
  /** Attempts per chunk on network errors, timeouts and 5xx before giving up (default 8). */
  retries?: number;
  /** Time one chunk may take, in ms (default 120 000: 2 MiB at ~17 kB/s). */
  chunkTimeout?: number;
}

export interface WaitForUploadOptions extends RequestOptions {
  /** Give up after this many ms and resolve with the upload as it is (default 10 minutes). */
  timeoutMs?: number;
}

export interface ListUploadsParams {
  limit?: number;
  cursor?: string;
}

/** `coko.admin.uploads`: EPUB and PDF files into draft books (TUS resumable uploads). */
export interface AdminUploads {
  /**
   * Sends an EPUB or PDF (at most 50 MiB) in chunks with the TUS protocol and resolves with the upload once
   * the server has it all (`queued`): processing then runs on the server (see `waitUntilDone`). A network
   * error, a timeout or a 5xx mid-way is retried from the offset the server reports, so a flaky
   * connection resumes rather than restarts.
   *
   * @throws `ValidationError` (before any request) for a name that is not .epub/.pdf, an empty file or one
   *   over 50 MiB; `PermissionDeniedError` when the user is not an editor.
   *
   * @example
   * ```ts
   * const upload = await coko.admin.uploads.upload(file, { onProgress: (p) => setPercent((100 * p.uploadedBytes) / p.totalBytes) })
   * const done = await coko.admin.uploads.waitUntilDone(upload.id)
   * if (done.status === 'ready') navigate(`/admin/books/${done.bookId}`)
   * else alert(done.error?.message)
   * ```
   */
  upload(file: Blob | Uint8Array, options?: UploadOptions): Promise<Upload>;
  /** One upload. @throws `NotFoundError`. */
  get(uploadId: string, options?: RequestOptions): Promise<Upload>;
  /** Uploads newest first (every editor's), a page at a time. */
  list(params?: ListUploadsParams, options?: RequestOptions): Promise<UploadsPage>;
  /** Polls (1 s, 2 s … 5 s apart) until the upload is `ready` or `failed`; after `timeoutMs`, resolves with it as it is. */
  waitUntilDone(uploadId: string, options?: WaitForUploadOptions): Promise<Upload>;
}
