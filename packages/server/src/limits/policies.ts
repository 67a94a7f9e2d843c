/**
 * The rate limits of the seed document ("Sécurité des API → Rate Limiting"), as data. Supabase Auth's own
 * endpoints (login 5/min, register 3/min, password reset 2/h) are limited by Supabase Auth itself through
 * `[auth.rate_limit]` in supabase/config.toml; the policies here are the ones Coko's gateway and API count.
 */

/** A limit: `limit` requests per `windowMs`, counted per client bucket. */
export interface RatePolicy {
  /** The policy name, also the key of a partner's override in `private.partners.rate_limits`. */
  name: string;
  limit: number;
  windowMs: number;
}

/** The policies Coko counts, with their defaults. */
export interface RateLimitPolicies {
  /** Requests of a signed-in user (per user), across `/rest/v1` and the API: 1000/hour. */
  authenticated: RatePolicy;
  /** Requests without a user token (per client IP), across `/rest/v1` and the API: 100/hour. */
  anonymous: RatePolicy;
  /** Downloads (GDPR export, notes exports, book files later) per reader: 10/hour. */
  downloads: RatePolicy;
  /** Downloads in progress at once per reader: 3. */
  downloadsConcurrent: {
    name: string;
    limit: number /** A slot frees itself after this if never released. */;
    ttlMs: number;
  };
  /** Partner sessions minted per partner (`POST /v1/sessions`): 600/minute. */
  sessions: RatePolicy;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The seed document's limits. */
export const DEFAULT_RATE_LIMITS: RateLimitPolicies = {
  authenticated: { name: 'authenticated', limit: 1000, windowMs: HOUR },
  anonymous: { name: 'anonymous', limit: 100, windowMs: HOUR },
  downloads: { name: 'downloads', limit: 10, windowMs: HOUR },
  downloadsConcurrent: { name: 'downloads_concurrent', limit: 3, ttlMs: 10 * MINUTE },
  sessions: { name: 'sessions', limit: 600, windowMs: MINUTE },
};

/** Keys of `RATE_LIMITS` and of `private.partners.rate_limits`. */
export const POLICY_KEYS = {
  authenticated: 'authenticated',
  anonymous: 'anonymous',
  downloads: 'downloads',
  downloads_concurrent: 'downloadsConcurrent',
  sessions: 'sessions',
} as const;

const UNITS: Record<string, number> = { s: 1000, m: MINUTE, h: HOUR };

/**
 * Parses `RATE_LIMITS`: comma-separated `policy=limit[/window]` overrides of {@link DEFAULT_RATE_LIMITS}
 * (windows like `30s`, `1m`, `1h`), e.g. `anonymous=300/1h,downloads_concurrent=5`, or `off` to count nothing
 * (test stacks). Returns the policies, `false` for off, or an error message.
 *
 * @example
 * ```ts
 * parseRateLimits('authenticated=5000/1h') // { ...DEFAULT_RATE_LIMITS, authenticated: { …, limit: 5000 } }
 * ```
 */
export function parseRateLimits(
  raw: string | undefined,
  base = DEFAULT_RATE_LIMITS,
): RateLimitPolicies | false | string {
  if (raw === undefined || raw.trim() === '') return base;
  if (raw.trim().toLowerCase() === 'off') return false;
  const policies: RateLimitPolicies = structuredClone(base);
  for (const part of raw.split(',')) {
    const match = part.trim().match(/^([a-z_]+)=([0-9]{1,8})(?:\/([0-9]{1,6})?([smh]))?$/);
    const field = match ? POLICY_KEYS[match[1] as keyof typeof POLICY_KEYS] : undefined;
    if (!match || !field) {
      return `"${part.trim()}" is not policy=limit[/window] with a policy among ${Object.keys(POLICY_KEYS).join(', ')} and a window like 30s, 1m or 1h`;
    }
    const limit = Number(match[2]);
    if (limit < 1) return `${match[1]} must be at least 1`;
    if (field === 'downloadsConcurrent') {
      if (match[4]) return 'downloads_concurrent takes no window';
      policies.downloadsConcurrent.limit = limit;
      continue;
    }
    policies[field].limit = limit;
    if (match[4]) policies[field].windowMs = Number(match[3] ?? 1) * (UNITS[match[4]] as number);
  }
  return policies;
}
