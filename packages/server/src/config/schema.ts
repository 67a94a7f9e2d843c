import { z } from 'zod';
import { parseRateLimits } from '../limits/policies.ts';
import { notificationVariables } from './notifications.ts';
import { paymentVariables } from './payments.ts';
import { httpUrl } from './rules.ts';

/** Where the API runs. `production` turns on the strict rules (required database, secrets, public URL). */
export type RuntimeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export const RUNTIME_ENVS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** The variables `loadConfig` reads, as the process or edge runtime provides them. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

const MiB = 1024 * 1024;

/** Optional integer within bounds, with a default. Never echoes the value back in errors. */
function integer(defaultValue: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return defaultValue;
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
        ctx.addIssue({ code: 'custom', message: 'must be a whole number' });
        return z.NEVER;
      }
      if (value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return value;
    });
}

/** DATABASE_URL: a Postgres URL; anything else (sqlite, mysql…) is refused. Only the scheme is ever echoed. */
function databaseUrl(env: RuntimeEnv) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) {
        if (env === 'production') ctx.addIssue({ code: 'custom', message: 'required in production' });
        return undefined;
      }
      let protocol: string | undefined;
      try {
        protocol = new URL(raw).protocol;
      } catch {
        protocol = undefined;
      }
      if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
        const got = protocol ? ` (got ${protocol}//)` : '';
        ctx.addIssue({ code: 'custom', message: `must be a postgres:// or postgresql:// URL${got}` });
        return z.NEVER;
      }
      return raw;
    });
}

function jwtSecret(env: RuntimeEnv) {
  return z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (raw === undefined) {
        if (env === 'production') ctx.addIssue({ code: 'custom', message: 'required in production' });
      } else if (raw.length < 32) {
        ctx.addIssue({ code: 'custom', message: 'must be at least 32 characters' });
      }
    });
}

/** Comma-separated origins (`https://app.example.com,http://localhost:5173`) or `*`. */
function corsOrigins(env: RuntimeEnv) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return env === 'production' ? [] : ['*'];
      const origins = raw
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean);
      for (const origin of origins) {
        if (origin === '*') continue;
        let normalized: string | undefined;
        try {
          normalized = new URL(origin).origin;
        } catch {
          normalized = undefined;
        }
        if (normalized !== origin) {
          ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin (scheme://host[:port], no path)` });
        }
      }
      return origins;
    });
}

/** A private JWK (JSON) that signs user tokens: EC P-256 (ES256) or RSA (RS256), with a `kid`. Never echoed. */
export interface SigningJwk {
  kty: 'EC' | 'RSA';
  kid: string;
  alg: 'ES256' | 'RS256';
  d: string;
  [member: string]: unknown;
}

function signingJwk() {
  return z
    .string()
    .optional()
    .transform((raw, ctx): SigningJwk | undefined => {
      if (raw === undefined) return undefined;
      let jwk: Record<string, unknown>;
      try {
        jwk = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a private JWK as JSON' });
        return z.NEVER;
      }
      const problems: string[] = [];
      if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) problems.push('must be a JSON object');
      else {
        const alg = jwk.kty === 'EC' ? 'ES256' : jwk.kty === 'RSA' ? 'RS256' : undefined;
        if (!alg) problems.push('kty must be EC (P-256, ES256) or RSA (RS256)');
        if (jwk.kty === 'EC' && jwk.crv !== 'P-256') problems.push('an EC key must use the P-256 curve');
        if (jwk.alg !== undefined && jwk.alg !== alg) problems.push(`alg must be ${alg ?? 'ES256 or RS256'}`);
        if (typeof jwk.d !== 'string') problems.push('must be a private key (with "d")');
        if (typeof jwk.kid !== 'string' || jwk.kid === '') problems.push('must have a "kid"');
        if (problems.length === 0) return { ...jwk, alg } as SigningJwk;
      }
      ctx.addIssue({ code: 'custom', message: problems.join('; ') });
      return z.NEVER;
    });
}

export const STORAGE_DRIVERS = ['local', 'supabase'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

/** The variables, their rules and defaults, for one runtime environment. */
export function envSchema(env: RuntimeEnv) {
  return z.object({
    PORT: integer(8787, 0, 65535),
    HOST: z.string().optional(),
    DATABASE_URL: databaseUrl(env),
    POSTGREST_URL: httpUrl(false),
    COKO_JWT_SECRET: jwtSecret(env),
    COKO_PUBLIC_URL: httpUrl(env === 'production' ? 'required in production' : false),
    COKO_JWT_SIGNING_KEY: signingJwk(),
    COKO_JWT_ISSUER: z.string().optional(),
    COKO_SESSION_TTL_SECONDS: integer(900, 60, 24 * 3600),
    SESSIONS_RATE_LIMIT: integer(600, 1, 1_000_000),
    RATE_LIMITS: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        const parsed = parseRateLimits(raw);
        if (typeof parsed === 'string') {
          ctx.addIssue({ code: 'custom', message: parsed });
          return z.NEVER;
        }
        return parsed;
      }),
    SENTRY_DSN: httpUrl(false),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    LOG_LEVEL: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return 'info' as LogLevel;
        const level = raw.toLowerCase();
        if (!(LOG_LEVELS as readonly string[]).includes(level)) {
          ctx.addIssue({ code: 'custom', message: `must be one of ${LOG_LEVELS.join(', ')}` });
          return z.NEVER;
        }
        return level as LogLevel;
      }),
    CORS_ORIGINS: corsOrigins(env),
    BODY_LIMIT_BYTES: integer(1 * MiB, 1, 1024 * MiB),
    REQUEST_TIMEOUT_MS: integer(30_000, 1, 15 * 60_000),
    DB_POOL_MAX: integer(10, 1, 1000),
    DB_CONNECT_TIMEOUT_MS: integer(5_000, 1, 5 * 60_000),
    DB_STATEMENT_TIMEOUT_MS: integer(30_000, 0, 60 * 60_000),
    DB_IDLE_TIMEOUT_MS: integer(30_000, 0, 24 * 60 * 60_000),
    DB_MAX_LIFETIME_SECONDS: integer(3_600, 0, 7 * 24 * 3_600),
    ACCESS_URL_TTL: integer(3_600, 60, 7 * 24 * 3_600),
    STORAGE: z.enum(STORAGE_DRIVERS, { error: `must be one of ${STORAGE_DRIVERS.join(', ')}` }).default('local'),
    STORAGE_LOCAL_ROOT: z.string().optional(),
    STORAGE_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SUPABASE_URL: httpUrl(false),
    SUPABASE_SERVICE_ROLE_KEY: z.string().optional(),
    ...paymentVariables,
    ...notificationVariables,
  });
}
