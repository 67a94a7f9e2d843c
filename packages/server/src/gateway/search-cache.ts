import type { Context } from 'hono';
import { requestIdOf } from './errors.ts';
import type { Access } from './upstream.ts';

/**
 * An in-process cache of guests' catalog searches (`/rest/v1/rpc/search_books`, GET or POST).
 *
 * Why here: a common term ("histoire", 12 % of the catalog) costs ~20 ms of SQL for its exact total
 * and facets, and guests ask the same few queries again and again; the answer is the same for every
 * guest of a country until the catalog changes. Only guests (publishable key, no user token): a
 * signed-in reader's catalog depends on their profile's country and an editor's on their role.
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
const KEY_HEADERS = [
  'accept',
  'accept-encoding',
  'accept-profile',
  'content-profile',
  'prefer',
  'range',
  'x-coko-country',
];
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
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Answers `c` from the cache when it is a cacheable guest search, else (or on a miss) through `forward`. */
  async handle(c: Context, access: Access, forward: () => Promise<Response>): Promise<Response> {
    const key = this.#ttlMs > 0 ? await cacheKey(c, access) : undefined;
    if (!key) return forward();
    const fresh = /\bno-cache\b|\bmax-age=0\b/i.test(c.req.header('cache-control') ?? '');
    const stored = fresh ? undefined : this.#lookup(key);
    if (stored) {
      this.hits++;
      return toResponse(c, stored, this.#now(), 'hit');
    }
    this.misses++;
    let shared = fresh ? undefined : this.#pending.get(key);
    if (shared) {
      const entry = await shared;
      // The leader's answer was not cacheable (an error, too large): ask on our own.
      return entry ? toResponse(c, entry, this.#now(), 'hit') : forward();
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
      return entry ? toResponse(c, entry, this.#now(), 'miss') : (leaderResponse as Response);
    } finally {
      if (this.#pending.get(key) === shared) this.#pending.delete(key);
    }
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

/**
 * The cache key of a guest search, or undefined when the request is not one (another path, a user
 * token, the service key, a body that is not a JSON object). Arguments are normalised so that
 * equivalent requests share an entry: keys sorted, `query` trimmed (search_books trims it too).
 */
async function cacheKey(c: Context, access: Access): Promise<string | undefined> {
  const method = c.req.method;
  if (method !== 'GET' && method !== 'POST') return undefined;
  if (access.kind !== 'anon' || access.userToken) return undefined;
  const url = new URL(c.req.url);
  if (!SEARCH_PATH.test(url.pathname)) return undefined;
  let args: Record<string, unknown>;
  if (method === 'GET') {
    // Every parameter, repeated ones included, in one order.
    args = { '': [...url.searchParams].sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y)) };
  } else {
    if (url.search) return undefined;
    const parsed = await c.req.raw
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
  const headers = KEY_HEADERS.map((name) => c.req.header(name) ?? '');
  return JSON.stringify([method, normalised, headers]);
}

function toResponse(c: Context, entry: Entry, now: number, outcome: 'hit' | 'miss'): Response {
  const headers = new Headers(entry.headers);
  headers.set(SEARCH_CACHE_HEADER, outcome);
  headers.set('x-request-id', requestIdOf(c));
  headers.set('age', String(Math.floor((now - entry.storedAt) / 1000)));
  return new Response(c.req.method === 'HEAD' ? null : entry.body, { status: entry.status, headers });
}
