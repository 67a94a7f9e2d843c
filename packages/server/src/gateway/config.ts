import { z } from 'zod';
import { envSchema, type SigningJwk } from '../config/schema.ts';
import type { RateLimitPolicies } from '../limits/policies.ts';
import { DEFAULT_BODY_LIMIT_BYTES } from './body-limit.ts';
import { DEFAULT_UPSTREAM_TIMEOUT_MS } from './proxy.ts';

/** What `coko gateway` needs, validated from the environment by {@link loadGatewayConfig}. */
export interface GatewayConfig {
  /** `SUPABASE_URL`: the project's URL (`https://<ref>.supabase.co`), where requests go once checked. */
  supabaseUrl: string;
  /** `SUPABASE_PUBLISHABLE_KEY` (`sb_publishable_…`): what checked publishable and partner keys become. */
  publishableKey: string;
  /** `SUPABASE_SECRET_KEY` (`sb_secret_…`): the project's secret key, accepted from servers only. */
  secretKey: string;
  /**
   * `SUPABASE_REPLICA_URL`: a read replica's API URL (`https://<ref>-rr-<region>.supabase.co`, same
   * keys): catalog reads go there (see read-replica.ts), everything else to `supabaseUrl`.
   */
  replicaUrl?: string | undefined;
  /** `DATABASE_URL`: the project's database as `postgres` (partner key checks, readers' search scopes; a pooler URL is fine). */
  databaseUrl: string;
  /** `PORT` (default 8000). */
  port: number;
  /** `HOST` (default 0.0.0.0). */
  host: string;
  /** `GATEWAY_BODY_LIMIT_BYTES`: largest `/rest/v1` request body (default 1 MiB). */
  bodyLimitBytes: number;
  /** `GATEWAY_UPSTREAM_TIMEOUT_MS`: longest wait for Supabase to start answering a `/rest/v1` request (default 60 s). */
  upstreamTimeoutMs: number;
  /** `GATEWAY_TRUSTED_PROXIES`: load balancers in front appending to `X-Forwarded-For` (default 0). */
  trustedProxies: number;
  /** `GATEWAY_DB_POOL_MAX`: connections for partner key checks (default 2). */
  dbPoolMax: number;
  /** `GATEWAY_PROCESSES`: processes sharing the port (node:cluster; default 1, e.g. one per core). */
  processes: number;
  /** `GATEWAY_SEARCH_CACHE_SECONDS`: how long guests' and signed-in readers' `search_books` answers are reused in-process (default 60, the CDN max-age of guest catalog reads; 0 disables). */
  searchCacheSeconds: number;
  /** `GATEWAY_FAILED_KEY_BURST`: failed partner key checks a client may make before 429 (default 20; 1 more per second). */
  failedKeyBurst: number;
  /**
   * `RATE_LIMITS` (the API's syntax; default the seed's limits, `off` for none): `/rest/v1` is counted
   * in the same Postgres buckets as the API, so the gateway needs the API's token keys to tell readers
   * apart — `COKO_JWT_SECRET` and/or `COKO_JWT_SIGNING_KEY`, as the API has them.
   */
  rateLimits:
    | false
    | { policies: RateLimitPolicies; jwtSecret?: string | undefined; signingKey?: SigningJwk | undefined };
}

function integer(defaultValue: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return defaultValue;
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number between ${min} and ${max}` });
        return z.NEVER;
      }
      return value;
    });
}

function url(protocols: readonly string[], message: string) {
  return z.string({ error: 'required' }).refine((raw) => {
    try {
      return protocols.includes(new URL(raw).protocol);
    } catch {
      return false;
    }
  }, message);
}

const schema = z.object({
  SUPABASE_URL: url(['http:', 'https:'], 'must be an http(s) URL').transform((raw) => raw.replace(/\/+$/, '')),
  SUPABASE_REPLICA_URL: url(['http:', 'https:'], 'must be an http(s) URL')
    .transform((raw) => raw.replace(/\/+$/, ''))
    .optional(),
  SUPABASE_PUBLISHABLE_KEY: z
    .string({ error: 'required' })
    .startsWith('sb_publishable_', 'must start with sb_publishable_'),
  SUPABASE_SECRET_KEY: z.string({ error: 'required' }).startsWith('sb_secret_', 'must start with sb_secret_'),
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'must be a postgres:// or postgresql:// URL'),
  PORT: integer(8000, 0, 65535),
  HOST: z.string().default('0.0.0.0'),
  GATEWAY_BODY_LIMIT_BYTES: integer(DEFAULT_BODY_LIMIT_BYTES, 1, 1024 * 1024 * 1024),
  GATEWAY_UPSTREAM_TIMEOUT_MS: integer(DEFAULT_UPSTREAM_TIMEOUT_MS, 100, 600_000),
  GATEWAY_TRUSTED_PROXIES: integer(0, 0, 10),
  GATEWAY_DB_POOL_MAX: integer(2, 1, 100),
  GATEWAY_FAILED_KEY_BURST: integer(20, 1, 100_000),
  GATEWAY_PROCESSES: integer(1, 1, 64),
  GATEWAY_SEARCH_CACHE_SECONDS: integer(60, 0, 3600),
  // The API's own validators: the same variables mean the same thing for both.
  ...envSchema('development').pick({ RATE_LIMITS: true, COKO_JWT_SECRET: true, COKO_JWT_SIGNING_KEY: true }).shape,
});

/**
 * Validates the gateway's environment. Empty strings count as unset. Throws one error naming every
 * missing or malformed variable (never a value: keys and URLs hold secrets).
 *
 * @example
 * ```ts
 * const config = loadGatewayConfig(process.env)
 * ```
 */
export function loadGatewayConfig(source: Readonly<Record<string, string | undefined>>): GatewayConfig {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value.trim() !== '') env[key] = value.trim();
  }
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${String(issue.path[0])}: ${issue.message}`);
    throw new Error(['Invalid gateway configuration:', ...lines].join('\n'));
  }
  const v = result.data;
  if (v.RATE_LIMITS && !v.COKO_JWT_SECRET && !v.COKO_JWT_SIGNING_KEY) {
    throw new Error(
      [
        'Invalid gateway configuration:',
        "  - RATE_LIMITS: counting readers needs the API's token keys (COKO_JWT_SECRET and/or COKO_JWT_SIGNING_KEY); set them, or RATE_LIMITS=off",
      ].join('\n'),
    );
  }
  return {
    supabaseUrl: v.SUPABASE_URL,
    replicaUrl: v.SUPABASE_REPLICA_URL,
    publishableKey: v.SUPABASE_PUBLISHABLE_KEY,
    secretKey: v.SUPABASE_SECRET_KEY,
    databaseUrl: v.DATABASE_URL,
    port: v.PORT,
    host: v.HOST,
    bodyLimitBytes: v.GATEWAY_BODY_LIMIT_BYTES,
    upstreamTimeoutMs: v.GATEWAY_UPSTREAM_TIMEOUT_MS,
    trustedProxies: v.GATEWAY_TRUSTED_PROXIES,
    dbPoolMax: v.GATEWAY_DB_POOL_MAX,
    failedKeyBurst: v.GATEWAY_FAILED_KEY_BURST,
    processes: v.GATEWAY_PROCESSES,
    searchCacheSeconds: v.GATEWAY_SEARCH_CACHE_SECONDS,
    rateLimits: v.RATE_LIMITS && {
      policies: v.RATE_LIMITS,
      jwtSecret: v.COKO_JWT_SECRET,
      signingKey: v.COKO_JWT_SIGNING_KEY,
    },
  };
}
