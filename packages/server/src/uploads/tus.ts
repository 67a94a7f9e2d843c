// The TUS 1.0.0 headers the upload routes read and write (https://tus.io/protocols/resumable-upload).
import { ApiError } from '../app/errors.ts';
import { BOOK_TYPES, MAX_UPLOAD_BYTES, TUS_EXTENSIONS, TUS_VERSION } from './limits.ts';

/** Headers of every upload response, so any TUS client (tus-js-client, Uppy) recognises the server. */
export const TUS_RESPONSE_HEADERS = { 'Tus-Resumable': TUS_VERSION } as const;

/** What `OPTIONS /v1/admin/uploads` announces. */
export const TUS_DISCOVERY_HEADERS = {
  ...TUS_RESPONSE_HEADERS,
  'Tus-Version': TUS_VERSION,
  'Tus-Max-Size': String(MAX_UPLOAD_BYTES),
  'Tus-Extension': TUS_EXTENSIONS,
} as const;

/** Request headers a browser TUS client sends (CORS allow-list). */
export const TUS_REQUEST_HEADERS = ['Tus-Resumable', 'Upload-Length', 'Upload-Offset', 'Upload-Metadata'];
/** Response headers a browser TUS client reads (CORS expose-list). */
export const TUS_EXPOSED_HEADERS = [
  'Location',
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Max-Size',
  'Tus-Extension',
  'Upload-Offset',
  'Upload-Length',
];

/** A non-negative integer header (`Upload-Length`, `Upload-Offset`), or a 400 naming it. */
export function integerHeader(name: string, value: string | undefined): number {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim()))
    throw new ApiError(400, 'VALIDATION_ERROR', `${name} must be a non-negative integer`, {
      details: { header: name },
      headers: TUS_RESPONSE_HEADERS,
    });
  return Number(value.trim());
}

/** `Upload-Metadata`: comma-separated `key base64value` pairs (a key alone means an empty value). */
export function parseMetadata(header: string | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (!header?.trim()) return metadata;
  for (const pair of header.split(',')) {
    const [key, encoded = '', extra] = pair.trim().split(/\s+/);
    if (!key || extra !== undefined || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded))
      throw new ApiError(400, 'VALIDATION_ERROR', 'Upload-Metadata must be "key base64,key base64…"', {
        details: { header: 'Upload-Metadata' },
        headers: TUS_RESPONSE_HEADERS,
      });
    try {
      metadata[key] = new TextDecoder('utf-8', { fatal: true }).decode(
        Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)),
      );
    } catch {
      throw new ApiError(400, 'VALIDATION_ERROR', `Upload-Metadata ${key} is not base64 of UTF-8 text`, {
        details: { header: 'Upload-Metadata', key },
        headers: TUS_RESPONSE_HEADERS,
      });
    }
  }
  return metadata;
}

/**
 * The book's media type from its name and the type the client gave (`contentType`, as Supabase Storage
 * reads it, or `filetype`, as tus-js-client examples send it). A generic or missing type defers to the
 * name; anything but an EPUB or a PDF is 415.
 */
export function bookTypeOf(filename: string, declared: string | undefined): string {
  const extension = filename.toLowerCase().match(/\.(epub|pdf)$/)?.[1] as keyof typeof BOOK_TYPES | undefined;
  const type = declared?.split(';')[0]?.trim().toLowerCase();
  const generic = !type || type === 'application/octet-stream' || type === 'application/zip';
  if (!extension || (!generic && type !== BOOK_TYPES[extension]))
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Only EPUB (.epub) and PDF (.pdf) files can be uploaded', {
      details: { filename, contentType: declared ?? null },
      headers: TUS_RESPONSE_HEADERS,
    });
  return BOOK_TYPES[extension];
}
