// Cache-Control values shared by the gateway (`/rest/v1` reads) and the API's public GETs.

/** Public catalog reads without a user token: a CDN serves them for a minute, then revalidates in the background. */
export const PUBLIC_CATALOG_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';

/** Everything else (a user's own rows, any read with a user token): the browser keeps it, but asks first. */
export const PRIVATE_CACHE_CONTROL = 'private, no-cache';
