import type { ErrorCode } from '../errors/codes.ts';
import { createFailureThrottle, type FailureThrottle } from './failure-throttle.ts';

/** Why a partner publishable key was refused (the gateway answers it in the error format). */
export interface PartnerKeyRefusal {
  status: 401 | 403 | 429 | 503;
  code: ErrorCode;
  message: string;
  /** With 429: seconds until the client may try another unknown key. */
  retryAfterSeconds?: number;
}

/** Resolves partner publishable keys (`pk_…`) to their partner; see {@link createPartnerKeyResolver}. */
export interface PartnerKeyResolver {
  /**
   * The partner id of `key` used from `origin` (null: no Origin header), or why it is refused. `maxAgeMs`
   * bounds how old a cached positive answer may be; `client` (the caller's IP) is throttled when its
   * keys keep failing.
   */
  resolve(
    key: string,
    origin: string | null,
    maxAgeMs: number,
    client?: string,
  ): Promise<{ partnerId: string } | PartnerKeyRefusal>;
}

/** Where the resolver asks the database (a small `pg.Pool` as the non-superuser `postgres` role). */
export interface PartnerKeyDatabase {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface PartnerKeyResolverOptions {
  /** Longest a positive answer is kept (default 30 s); each request also bounds it (`maxAgeMs`). */
  positiveTtlMs?: number;
  /** How long a refusal is kept (default 5 s). */
  negativeTtlMs?: number;
  /** Most answers kept, positive and negative each (default 10 000; the oldest go first). */
  maxEntries?: number;
  /** Throttle of failed checks per client (default: 20 at once, 1 more per second). */
  throttle?: FailureThrottle;
  now?: () => number;
}

const PUBLISHABLE_KEY = /^pk_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$/;

type Answer = { partnerId: string } | PartnerKeyRefusal;
type Entry = { at: number; answer: Promise<Answer> };

const INVALID: PartnerKeyRefusal = { status: 401, code: 'AUTHENTICATION_ERROR', message: 'Invalid API key.' };
const FOREIGN_ORIGIN: PartnerKeyRefusal = {
  status: 403,
  code: 'ORIGIN_NOT_ALLOWED',
  message: 'This origin is not allowed to use this publishable key.',
};
const UNAVAILABLE: PartnerKeyRefusal = {
  status: 503,
  code: 'SERVICE_UNAVAILABLE',
  message: 'The API key could not be checked; retry shortly.',
};

/** A Map bounded to `max` entries, the oldest inserted going first. */
function boundedSet(map: Map<string, Entry>, id: string, entry: Entry, max: number) {
  map.delete(id);
  map.set(id, entry);
  if (map.size > max) map.delete(map.keys().next().value as string);
}

/**
 * Checks partner publishable keys with the database function `private.resolve_publishable_key(key,
 * origin)` (hash compare, revoked/expired keys, suspended partners, allowed origins), caching answers
 * per (key, origin) in memory.
 *
 * How fast changes take effect: requests with a user token may reuse a positive answer for up to 30 s,
 * because PostgREST's pre-request (`private.check_request`) refuses a suspended partner's user tokens
 * at once anyway; anonymous requests only reuse answers up to 5 s old, so a revoked key, a suspended
 * partner or a removed origin stops anonymous access within 5 s. Refusals are kept 5 s (a new key or
 * origin works within 5 s); an unknown key is refused for every origin. A database failure is 503 and
 * is not cached.
 *
 * Abuse: malformed keys never reach the database; positive and negative answers live in separate
 * caches (a flood of random keys cannot evict real partners' answers); concurrent checks of one key
 * share one query; and each client may only fail so many checks ({@link FailureThrottle}) before its
 * unknown keys get 429 without a database round trip.
 */
export function createPartnerKeyResolver(
  db: PartnerKeyDatabase,
  options: PartnerKeyResolverOptions = {},
): PartnerKeyResolver {
  const { positiveTtlMs, negativeTtlMs, maxEntries, now } = {
    positiveTtlMs: 30_000,
    negativeTtlMs: 5_000,
    maxEntries: 10_000,
    now: Date.now,
    ...options,
  };
  const throttle = options.throttle ?? createFailureThrottle({ now });
  const positive = new Map<string, Entry>();
  const negative = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Answer>>();

  async function ask(key: string, origin: string | null): Promise<Answer> {
    try {
      const { rows } = await db.query('select private.resolve_publishable_key($1, $2) as partner_id', [key, origin]);
      return { partnerId: (rows[0] as { partner_id: string }).partner_id };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '28000') return INVALID;
      if (code === '42501') return FOREIGN_ORIGIN;
      throw error;
    }
  }

  /** A cached answer still fresh enough, if any. */
  async function cached(key: string, id: string, maxAgeMs: number, at: number): Promise<Answer | undefined> {
    const good = positive.get(id);
    if (good) {
      if (at - good.at < Math.min(positiveTtlMs, maxAgeMs)) return good.answer;
      if (at - good.at >= positiveTtlMs) positive.delete(id);
    }
    for (const [map, entryId] of [
      [negative, key],
      [negative, id],
    ] as const) {
      const bad = map.get(entryId);
      if (!bad) continue;
      if (at - bad.at < negativeTtlMs) return bad.answer;
      map.delete(entryId);
    }
    return undefined;
  }

  return {
    async resolve(key, origin, maxAgeMs, client = 'unknown') {
      if (!PUBLISHABLE_KEY.test(key)) return INVALID;
      const id = `${key}\n${origin ?? ''}`;
      const at = now();
      const hit = await cached(key, id, maxAgeMs, at);
      if (hit) return hit;
      const pending = inFlight.get(id);
      if (pending) return pending.catch(() => UNAVAILABLE);

      const token = throttle.take(client);
      if (!token.ok) {
        return {
          status: 429,
          code: 'RATE_LIMITED',
          message: 'Too many invalid API keys from this client; retry later.',
          retryAfterSeconds: token.retryAfterSeconds,
        };
      }
      const answer = ask(key, origin);
      inFlight.set(id, answer);
      try {
        const result = await answer;
        if ('partnerId' in result) {
          throttle.refund(client);
          boundedSet(positive, id, { at, answer }, maxEntries);
        } else {
          // An unknown key is unknown from every origin; a foreign origin only for this key.
          boundedSet(negative, result === INVALID ? key : id, { at, answer }, maxEntries);
        }
        return result;
      } catch {
        throttle.refund(client);
        return UNAVAILABLE;
      } finally {
        inFlight.delete(id);
      }
    },
  };
}
