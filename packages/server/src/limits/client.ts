import type { RateLimitPolicies } from './policies.ts';
import type { RateLimitHit } from './store.ts';

/** The signed-in user a verified token names. */
export interface TokenSubject {
  userId: string;
  /** `app_metadata.partner_id`: the partner whose override applies. */
  partnerId: string | undefined;
  /** Expiry (seconds since the epoch). */
  exp: number;
}

/** Verifies a user token; throws (or returns undefined) when it is not a valid user token. */
export type VerifyToken = (token: string) => Promise<TokenSubject | undefined>;

export interface TokenIdentifierOptions {
  /** Most tokens remembered (default 10 000). */
  maxEntries?: number;
  /** How long a refused token is remembered (default 60 s). */
  negativeTtlMs?: number;
  now?: () => number;
}

/**
 * Who a bearer token names, verified once per token and remembered until it expires, so counting a signed-in
 * user costs one signature check per token, not per request. Invalid tokens count as anonymous (per IP):
 * a forged token cannot open a fresh budget.
 */
export function createTokenIdentifier(verify: VerifyToken, options: TokenIdentifierOptions = {}) {
  const { maxEntries, negativeTtlMs, now } = { maxEntries: 10_000, negativeTtlMs: 60_000, now: Date.now, ...options };
  const cache = new Map<string, { subject: TokenSubject | undefined; until: number }>();
  return async function identify(token: string): Promise<TokenSubject | undefined> {
    const at = now();
    const known = cache.get(token);
    if (known && known.until > at) return known.subject;
    if (known) cache.delete(token);
    let subject: TokenSubject | undefined;
    try {
      subject = await verify(token);
    } catch {
      subject = undefined;
    }
    cache.set(token, { subject, until: subject ? subject.exp * 1000 : at + negativeTtlMs });
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    return subject;
  };
}

/** The bearer token of a request, unless it is an API key (`sb_`, `pk_`, `sk_`). */
export function userTokenOf(headers: Headers): string | undefined {
  const bearer = headers.get('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!bearer || /^(sb|pk|sk)_/.test(bearer)) return undefined;
  return bearer;
}

/**
 * The client address the nearest trusted proxy reported: `X-Real-IP` (set by Coko's gateway from the socket,
 * overwriting what the client sent), else the last `X-Forwarded-For` entry (the one the nearest proxy
 * appended; earlier entries are the client's to invent). `unknown` when there is none.
 */
export function clientIpOf(headers: Headers): string {
  const real = headers.get('x-real-ip')?.trim();
  if (real) return real.slice(0, 64);
  const forwarded = headers.get('x-forwarded-for');
  const last = forwarded?.split(',').at(-1)?.trim();
  return last ? last.slice(0, 64) : 'unknown';
}

/**
 * The general budget of a request: per user (`authenticated`) when it carries a valid user token, else per
 * client IP (`anonymous`, per partner when a partner's key is known). The same buckets are used by the gateway
 * and the API, so a reader has one budget across `/rest/v1` and `/functions/v1`.
 */
export function generalHit(
  policies: Pick<RateLimitPolicies, 'authenticated' | 'anonymous'>,
  client: { user?: TokenSubject | undefined; ip: string; partnerId?: string | undefined },
): RateLimitHit {
  if (client.user) {
    const { authenticated } = policies;
    return {
      bucket: `${authenticated.name}:user:${client.user.userId}`,
      policy: authenticated.name,
      limit: authenticated.limit,
      windowMs: authenticated.windowMs,
      partnerId: client.user.partnerId,
    };
  }
  const { anonymous } = policies;
  return {
    bucket: client.partnerId
      ? `${anonymous.name}:partner:${client.partnerId}:ip:${client.ip}`
      : `${anonymous.name}:ip:${client.ip}`,
    policy: anonymous.name,
    limit: anonymous.limit,
    windowMs: anonymous.windowMs,
    partnerId: client.partnerId,
  };
}
