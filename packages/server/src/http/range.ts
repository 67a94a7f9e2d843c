/** What a `Range` header asks of an object of a known size (RFC 9110 §14). */
export type RangeRequest =
  /** No usable range: answer the whole object (absent, another unit, bad syntax, or several ranges). */
  | { kind: 'whole' }
  | { kind: 'range'; start: number; end: number }
  /** A single range that starts past the end, or an empty suffix: 416 with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d*)-(\d*)$/;

/**
 * Reads a `Range` header for an object of `size` bytes. One range only: `a-b`, `a-` and `-n` are served as
 * 206; several ranges are answered with the whole object (200), which RFC 9110 allows and which spares
 * readers a multipart body their download managers rarely handle. Malformed headers are ignored, as the RFC
 * advises, so a bad header never breaks a download.
 */
export function parseRange(header: string | undefined | null, size: number): RangeRequest {
  if (!header) return { kind: 'whole' };
  const match = SINGLE.exec(header.trim().replace(/\s+/g, ''));
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'range', start, end };
}
