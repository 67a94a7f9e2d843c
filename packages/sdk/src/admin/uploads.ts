// `coko.admin.uploads`: a TUS 1.0.0 client (core + creation) on the SDK's own transport (its token
// refresh, error mapping and timeouts), so it adds a few hundred bytes rather than tus-js-client's ~20 kB.
// Chunks are sent one at a time and never retried blindly: after a failure the client asks the server
// where it stands (HEAD → Upload-Offset) and continues from there.
import { idSchema } from '../catalog/schemas';
import { isCokoError, ValidationError } from '../core/errors';
import { backoff } from '../core/retry';
import type { RequestOptions, Transport } from '../core/transport';
import { validate } from '../core/validate';
import type { ListUploadsParams, Upload, UploadOptions, UploadsPage, WaitForUploadOptions } from './upload-types';

type Context = Pick<Transport, 'api'>;

const TUS = { 'tus-resumable': '1.0.0' };
/** The server's limits (`packages/server/src/uploads/limits.ts`). */
const MAX_FILE = 50 * 1024 * 1024;
const MAX_CHUNK = 6 * 1024 * 1024;
const DEFAULT_CHUNK = 2 * 1024 * 1024;
const TYPES: Record<string, string> = { epub: 'application/epub+zip', pdf: 'application/pdf' };

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(message, { details: { field, message, issues: [{ field, message }] } });
}

/** Base64 of UTF-8 text (TUS metadata values), without Buffer (browsers, Deno). */
const base64 = (value: string) =>
  btoa(Array.from(new TextEncoder().encode(value), (b) => String.fromCharCode(b)).join(''));

/** Worth resuming: no response, a timeout, a rate limit, a server error, or an offset the server disputes. */
const resumable = (error: unknown) =>
  isCokoError(error) &&
  (error.code === 'NETWORK_ERROR' ||
    error.code === 'TIMEOUT' ||
    error.code === 'RATE_LIMITED' ||
    error.code === 'CONFLICT' ||
    (error.status ?? 0) >= 500);

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Implementation of `admin.uploads.upload()`. */
export async function upload(ctx: Context, file: Blob | Uint8Array, options: UploadOptions = {}): Promise<Upload> {
  const { signal, onProgress } = options;
  const filename = options.filename ?? (file as { name?: string }).name ?? '';
  const extension = filename.toLowerCase().match(/\.(epub|pdf)$/)?.[1];
  if (!extension) throw invalid('filename', 'filename must end in .epub or .pdf');
  const size = file instanceof Uint8Array ? file.byteLength : file.size;
  if (size < 1 || size > MAX_FILE) throw invalid('file', `the file must be 1 byte to ${MAX_FILE} bytes (50 MiB)`);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK)
    throw invalid('chunkSize', `chunkSize must be 1 to ${MAX_CHUNK} bytes`);
  const retries = options.retries ?? 8;

  let id = options.uploadId === undefined ? undefined : validate(idSchema, options.uploadId, 'uploadId');
  let offset = 0;
  if (id) {
    offset = await serverOffset(ctx, id, signal);
  } else {
    const created = await ctx.api('v1/admin/uploads', {
      method: 'POST',
      signal,
      headers: {
        ...TUS,
        'upload-length': String(size),
        'upload-metadata': `filename ${base64(filename)},contentType ${base64(TYPES[extension] as string)}`,
      },
    });
    id = ((await created.json()) as Upload).id;
    options.onCreated?.(id);
  }
  onProgress?.({ uploadedBytes: offset, totalBytes: size });

  let failures = 0;
  while (offset < size) {
    const end = Math.min(offset + chunkSize, size);
    const chunk = file instanceof Uint8Array ? file.subarray(offset, end) : file.slice(offset, end);
    try {
      const response = await ctx.api(`v1/admin/uploads/${id}`, {
        method: 'PATCH',
        signal,
        body: chunk,
        // The SDK never re-sends a chunk on its own: a resumed upload asks the server first.
        idempotent: false,
        timeout: options.chunkTimeout ?? 120_000,
        headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
      });
      offset = Number(response.headers.get('upload-offset') ?? end);
      failures = 0;
      onProgress?.({ uploadedBytes: offset, totalBytes: size });
    } catch (error) {
      if (signal?.aborted || !resumable(error) || ++failures > retries) throw error;
      await pause(backoff(failures - 1, 1_000, 30_000), signal);
      offset = await serverOffset(ctx, id, signal);
    }
  }
  return get(ctx, id, { signal });
}

/** HEAD: the bytes the server has (retried by the transport: HEAD is idempotent). */
async function serverOffset(ctx: Context, id: string, signal: AbortSignal | undefined): Promise<number> {
  const response = await ctx.api(`v1/admin/uploads/${id}`, { method: 'HEAD', signal, headers: TUS });
  return Number(response.headers.get('upload-offset') ?? 0);
}

/** Implementation of `admin.uploads.get()`. */
export async function get(ctx: Context, uploadId: string, options?: RequestOptions): Promise<Upload> {
  const id = validate(idSchema, uploadId, 'uploadId');
  return (await ctx.api(`v1/admin/uploads/${id}`, { signal: options?.signal })).json();
}

/** Implementation of `admin.uploads.list()`. */
export async function list(
  ctx: Context,
  params: ListUploadsParams = {},
  options?: RequestOptions,
): Promise<UploadsPage> {
  if (params.limit !== undefined && (!Number.isInteger(params.limit) || params.limit < 1 || params.limit > 100))
    throw invalid('limit', 'limit must be an integer from 1 to 100');
  const query = { limit: params.limit === undefined ? undefined : String(params.limit), cursor: params.cursor };
  return (await ctx.api('v1/admin/uploads', { query, signal: options?.signal })).json();
}

/** Implementation of `admin.uploads.waitUntilDone()`. */
export async function waitUntilDone(
  ctx: Context,
  uploadId: string,
  options: WaitForUploadOptions = {},
): Promise<Upload> {
  const { signal } = options;
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60 * 1000);
  for (let attempt = 0; ; attempt++) {
    let current: Upload | undefined;
    try {
      current = await get(ctx, uploadId, { signal });
      if (current.status === 'ready' || current.status === 'failed') return current;
    } catch (error) {
      if (signal?.aborted || !resumable(error) || Date.now() >= deadline) throw error;
    }
    if (current && Date.now() >= deadline) return current;
    await pause(backoff(attempt, 1_000, 5_000), signal);
  }
}
