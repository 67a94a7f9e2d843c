import { createHash } from 'node:crypto';
import { PRIVATE_CACHE_CONTROL, PUBLIC_CATALOG_CACHE_CONTROL } from '../http/cache-control.ts';
import type { Access } from './upstream.ts';

export { PRIVATE_CACHE_CONTROL, PUBLIC_CATALOG_CACHE_CONTROL } from '../http/cache-control.ts';

/**
 * HTTP caching of `/rest/v1` reads: who may keep a response and for how long (`Cache-Control`), what
 * it depends on (`Vary`), and a weak `ETag` so that a reader on a slow link revalidates a page with a
 * `304 Not Modified` instead of downloading it again.
 */

/**
 * What a `/rest/v1` read depends on besides its URL. The contract's four (encoding, schema, `Prefer`
 * (counts), the reader's country) plus `Accept` (`catalog.get` asks for one object, a list for an
 * array), `Range` (PostgREST pages by header too) and `Authorization` (the anon key and a user token
 * see different rows; caches that honour Vary never hand one's page to the other).
 */
export const REST_VARY = 'Accept, Accept-Encoding, Accept-Profile, Authorization, Prefer, Range, x-coko-country';

/**
 * {@link REST_VARY} for an answer the proxy did not compress itself: the compression middleware adds
 * Accept-Encoding when it compresses (it leaves answers whose Vary names it alone).
 */
export const REST_VARY_BUT_ENCODING = 'Accept, Accept-Profile, Authorization, Prefer, Range, x-coko-country';

/** The catalog's public reads: tables and the search RPC (by GET) that guests browse. */
const CATALOG_READ = /^\/rest\/v1\/(?:books|authors|publishers|categories|rpc\/search_books)\/?$/;

/** `Cache-Control` of a `/rest/v1` GET or HEAD of `pathname` made as `access`. */
export function restCacheControl(pathname: string, access: Access): string {
  const guest = access.kind === 'anon' && !access.userToken;
  return guest && CATALOG_READ.test(pathname) ? PUBLIC_CATALOG_CACHE_CONTROL : PRIVATE_CACHE_CONTROL;
}

/**
 * Whether an upstream answer is a representation worth validating: a 200, or a PostgREST 206 (a page
 * of rows with a count, `Content-Range: 0-19/532`). A byte range (`bytes …`) is a slice, not a page.
 */
export function isCacheableAnswer(status: number, headers: Headers): boolean {
  if (status === 200) return true;
  return status === 206 && !/^bytes /i.test(headers.get('content-range') ?? '');
}

/**
 * The weak entity tag of a response: a hash of its uncompressed body and its `Content-Range`, which
 * carries the total of a counted list (a new book past page 1 changes the count, not the page).
 * Weak: the bytes on the wire differ by encoding (identity, gzip, brotli), the content does not.
 */
export function weakEtag(body: Uint8Array, contentRange: string | null): string {
  const hash = createHash('sha1');
  if (contentRange) hash.update(contentRange).update('\n');
  return `W/"${hash.update(body).digest('base64url')}"`;
}

/** Headers a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5); the rest would describe a body. */
const NOT_MODIFIED_HEADERS = ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary', 'x-request-id'];

/** `headers` reduced to those of a `304 Not Modified`. */
export function notModifiedHeaders(headers: Headers): Headers {
  const kept = new Headers();
  for (const name of NOT_MODIFIED_HEADERS) {
    const value = headers.get(name);
    if (value !== null) kept.set(name, value);
  }
  return kept;
}
