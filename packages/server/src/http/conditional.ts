// Conditional requests (RFC 9110 §13): If-None-Match for revalidation, If-Range for resumed downloads.

/** The entity tags of an `If-None-Match` / `If-Match` list, `*` kept as is. */
function entityTags(header: string): string[] {
  return header.match(/\*|(?:W\/)?"[^"]*"/g) ?? [];
}

const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

/** `If-None-Match` matches `etag` (weak comparison, as the RFC requires for it): answer 304. */
export function noneMatch(header: string | undefined | null, etag: string): boolean {
  if (!header) return false;
  return entityTags(header).some((tag) => tag === '*' || opaque(tag) === opaque(etag));
}

/**
 * Whether a `Range` may be honoured under `If-Range`: absent, the same strong ETag, or the exact
 * `Last-Modified` date. Anything else means the client holds another version: send it all (200).
 */
export function rangeStillValid(header: string | undefined | null, etag: string, lastModified: Date): boolean {
  if (!header) return true;
  const value = header.trim();
  if (value.startsWith('"')) return value === etag;
  if (value.startsWith('W/')) return false;
  const date = Date.parse(value);
  return !Number.isNaN(date) && date === Math.floor(lastModified.getTime() / 1000) * 1000;
}
