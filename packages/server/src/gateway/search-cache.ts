import type { Context } from 'hono';
import { restCacheControl } from './cache.ts';
import { COUNTRY_HEADER } from './country.ts';
import { requestIdOf } from './errors.ts';
import type { SearchScopeResolver } from './search-scope.ts';
import { unverifiedClaims } from './token-claims.ts';
import type { Access } from './upstream.ts';

/**
 * An in-process cache of catalog searches (`/rest/v1/rpc/search_books`, GET or POST) by guests and
 * signed-in readers.
 *
 * Why here: a common term ("histoire", 12 % of the catalog) costs ~20 ms of SQL for its exact total
 * and facets, and readers ask the same few queries again and again; the answer is the same for every
 * reader of a country until the catalog changes. A guest's country is the `x-coko-country` header; a
 * signed-in reader's is `private.reader_country()`'s (profile, else token claim, else header), found
 * with {@link SearchScopeResolver}, so a reader in SN and a guest asking for SN share one entry.
 * Editors (`books:update`: every country) and the service key always reach the database.
 *
 * Unverified tokens: on a hit the user token never reaches PostgREST, so its signature, expiry and
 * revocation are not checked. That gives a forged, revoked or stolen token nothing a guest cannot
 * get: the answer is the one a guest gets with the same (checked) API key and that country in the
 * header. A forged editor `sub` is not served from here (editors bypass) and PostgREST rejects the
 * token. Expired tokens (by their `exp`) and tokens not of role `authenticated` bypass the cache, so
 * clients still learn to refresh and other roles get their own answers. The API key check and the
 * key↔token binding run before this (`checkApiKey`), and searches re-check partner keys as fresh as
 * guests' requests do (5 s), since a hit skips the database's check of a suspended partner's tokens.
 *
 * Freshness: an entry lives `ttlSeconds` (default 60), the `max-age` the gateway already advertises
 * to CDNs and browsers for guest catalog reads (`PUBLIC_CATALOG_CACHE_CONTROL`), so no guest sees an
 * answer staler than one a CDN may already serve them. A request with `Cache-Control: no-cache` (a
 * client asking for a fresh answer; the bench's uncached figures) skips the lookup and refreshes the
 * entry. Concurrent misses of one key share one upstream request (no stampede when a hot entry
 * expires under load). Nothing is written to the database: it works on a read replica.
 */
export interface SearchCacheOptions {
  /** Seconds an answer is reused (default 60; 0 disables the cache). */
  ttlSeconds?: number | undefined;
  /** Most entries kept (least recently used evicted first; default 1,000). */
  maxEntries?: number | undefined;
  /** Larger answers (bytes as sent, compressed or not) are not kept (default 256 KiB). */
  maxBodyBytes?: number | undefined;
  /** Signed-in readers' scopes (editor or not, profile country); absent: only guests are cached. */
  scopes?: SearchScopeResolver | undefined;
  /** Clock (tests). */
  now?: () => number;
}

interface Entry {
  status: number;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
  storedAt: number;
}

/** Says whether an answer came from the cache (`hit`) or was just asked (`miss`). */
export const SEARCH_CACHE_HEADER = 'x-coko-search-cache';

const SEARCH_PATH = /^\/rest\/v1\/rpc\/search_books\/?$/;
/** What a search answer depends on besides the arguments: the Vary headers of catalog reads. */
const KEY_HEADERS = ['accept', 'accept-encoding', 'accept-profile', 'content-profile', 'prefer', 'range'];
/** A country as `private.reader_country()` accepts it (after `upper(btrim(…))`). */
const COUNTRY = /^[A-Z]{2}$/;
/** A user id as `auth.uid()` reads it (`sub` cast to uuid). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `pathname` is the search RPC, whose answers this cache may serve without the database. */
export function isSearchPath(pathname: string): boolean {
  return SEARCH_PATH.test(pathname);
}
/** Headers of the stored answer that describe one delivery, not the content. */
const PER_RESPONSE_HEADERS = new Set([
  'x-request-id',
  'date',
  'age',
  SEARCH_CACHE_HEADER,
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

export class SearchCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #maxBodyBytes: number;
  readonly #now: () => number;
  readonly #scopes: SearchScopeResolver | undefined;
  /** Insertion order is recency order: a hit re-inserts its key. */
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<Entry | undefined>>();
  hits = 0;
  misses = 0;

  constructor(options: SearchCacheOptions = {}) {
    this.#ttlMs = Math.max(0, options.ttlSeconds ?? 60) * 1000;
    this.#maxEntries = Math.max(1, options.maxEntries ?? 1000);
    this.#maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
    this.#now = options.now ?? Date.now;
    this.#scopes = options.scopes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Answers `c` from the cache when it is a cacheable search, else (or on a miss) through `forward`. */
  async handle(c: Context, access: Access, forward: () => Promise<Response>): Promise<Response> {
    const key = this.#ttlMs > 0 ? await this.#cacheKey(c, access) : undefined;
    if (!key) return forward();
    const fresh = /\bno-cache\b|\bmax-age=0\b/i.test(c.req.header('cache-control') ?? '');
    const stored = fresh ? undefined : this.#lookup(key);
    if (stored) {
      this.hits++;
      return toResponse(c, access, stored, this.#now(), 'hit');
    }
    this.misses++;
    let shared = fresh ? undefined : this.#pending.get(key);
    if (shared) {
      const entry = await shared;
      // The leader's answer was not cacheable (an error, too large): ask on our own.
      return entry ? toResponse(c, access, entry, this.#now(), 'hit') : forward();
    }
    let leaderResponse: Response | undefined;
    shared = (async () => {
      const response = await forward();
      if (response.status !== 200 || !response.body) {
        leaderResponse = response;
        return undefined;
      }
      const body = new Uint8Array(await response.arrayBuffer());
      const entry: Entry = {
        status: response.status,
        headers: [...response.headers].filter(([name]) => !PER_RESPONSE_HEADERS.has(name)),
        body,
        storedAt: this.#now(),
      };
      if (body.byteLength <= this.#maxBodyBytes) this.#store(key, entry);
      return entry;
    })();
    if (!fresh) this.#pending.set(key, shared);
    try {
      const entry = await shared;
      return entry ? toResponse(c, access, entry, this.#now(), 'miss') : (leaderResponse as Response);
    } finally {
      if (this.#pending.get(key) === shared) this.#pending.delete(key);
    }
  }

  /**
   * The country a search answers for, or undefined when it must not be cached: `''` for none (worldwide
   * books only). A guest's is the header's; a signed-in reader's mirrors `private.reader_country()`:
   * profile, else the token's `app_metadata.country`, else the header. Editors, expired or unreadable
   * tokens, other roles and an unreachable database: undefined (the database answers).
   */
  async #countryOf(c: Context, access: Access): Promise<string | undefined> {
    const header = asCountry(c.req.header(COUNTRY_HEADER));
    if (!access.userToken) return header ?? '';
    if (!this.#scopes) return undefined;
    const claims = unverifiedClaims(access.userToken);
    if (!claims) return undefined;
    const sub = claims.sub;
    if (claims.role !== 'authenticated' || typeof sub !== 'string' || !UUID.test(sub)) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.#now()) return undefined;
    const scope = await this.#scopes.scopeOf(sub.toLowerCase()).catch(() => undefined);
    if (!scope || scope.editor) return undefined;
    const claim = asCountry((claims.app_metadata as { country?: unknown } | undefined)?.country);
    return scope.country ?? claim ?? header ?? '';
  }

  /**
   * The cache key of a search, or undefined when the request is not one (another path, the service
   * key, an editor, a body that is not a JSON object). Arguments are normalised so that equivalent
   * requests share an entry: keys sorted, `query` trimmed (search_books trims it too).
   */
  async #cacheKey(c: Context, access: Access): Promise<string | undefined> {
    const method = c.req.method;
    if (method !== 'GET' && method !== 'POST') return undefined;
    if (access.kind !== 'anon') return undefined;
    const url = new URL(c.req.url);
    if (!SEARCH_PATH.test(url.pathname)) return undefined;
    const args = await searchArguments(c, url);
    if (!args) return undefined;
    const country = await this.#countryOf(c, access);
    if (country === undefined) return undefined;
    const headers = KEY_HEADERS.map((name) => c.req.header(name) ?? '');
    return JSON.stringify([method, args, headers, country]);
  }

  #lookup(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (this.#now() - entry.storedAt >= this.#ttlMs) return undefined;
    this.#entries.set(key, entry);
    return entry;
  }

  #store(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}

/** A country code as `private.reader_country()` reads it (`upper(btrim(…))`), or undefined. */
function asCountry(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const country = value.trim().toUpperCase();
  return COUNTRY.test(country) ? country : undefined;
}

/** The normalised arguments of a search (undefined: a body that is not a JSON object). */
async function searchArguments(c: Context, url: URL): Promise<Record<string, unknown> | undefined> {
  let args: Record<string, unknown>;
  if (c.req.method === 'GET') {
    // Every parameter, repeated ones included, in one order.
    args = { '': [...url.searchParams].sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y)) };
  } else {
    if (url.search) return undefined;
    // In the gateway the body limit has read the body (`requestBody`): parsed from those bytes, with no
    // Request built or cloned. Without it (the cache in front of another app), from the request.
    const held = c.get('requestBody');
    const parsed = held
      ? jsonOf(held)
      : await c.req.raw
          .clone()
          .json()
          .catch(() => undefined);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    args = parsed as Record<string, unknown>;
  }
  const normalised: Record<string, unknown> = {};
  for (const name of Object.keys(args).sort()) {
    const value = args[name];
    normalised[name] = name === 'query' && typeof value === 'string' ? value.trim() : value;
  }
  return normalised;
}

const utf8 = new TextDecoder();

/** `bytes` parsed as JSON (a UTF-8 BOM skipped, as `Request.json()` does); undefined when not JSON. */
function jsonOf(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
}

function toResponse(c: Context, access: Access, entry: Entry, now: number, outcome: 'hit' | 'miss'): Response {
  const headers = new Headers(entry.headers);
  // Guests and readers share entries: who may keep this copy is the asker's (public for a guest's GET,
  // private for a reader's), never the one of whoever filled the entry.
  if (c.req.method === 'GET' && headers.has('cache-control'))
    headers.set('cache-control', restCacheControl(new URL(c.req.url).pathname, access));
  headers.set(SEARCH_CACHE_HEADER, outcome);
  headers.set('x-request-id', requestIdOf(c));
  headers.set('age', String(Math.floor((now - entry.storedAt) / 1000)));
  return new Response(c.req.method === 'HEAD' ? null : entry.body, { status: entry.status, headers });
}
