import type { RateLimitPolicies } from '../limits/policies.ts';
import { type NotificationsConfig, notificationsConfig } from './notifications.ts';
import { type PaymentsConfig, paymentsConfig } from './payments.ts';
import {
  type EnvSource,
  envSchema,
  type LogLevel,
  RUNTIME_ENVS,
  type RuntimeEnv,
  type SigningJwk,
  type StorageDriver,
} from './schema.ts';

/** The API's validated configuration. Build it with {@link loadConfig}. */
export interface Config {
  /** From `COKO_ENV`, else `NODE_ENV`; default `development`. */
  env: RuntimeEnv;
  /** `PORT` for the Node server (default 8787; 0 picks a free port). */
  port: number;
  /** `HOST` for the Node server (default 127.0.0.1, or 0.0.0.0 in production). */
  host: string;
  /** `DATABASE_URL`: postgres:// or postgresql://; required in production. */
  databaseUrl: string | undefined;
  /** `POSTGREST_URL`: when set, `/ready` checks PostgREST answers there. */
  postgrestUrl: string | undefined;
  /** `COKO_JWT_SECRET`: ≥ 32 characters; required in production. */
  jwtSecret: string | undefined;
  /** `COKO_PUBLIC_URL`: the project's public origin (Supabase layout: the API is at `/functions/v1/api`). */
  publicUrl: string | undefined;
  /** How the API signs the user tokens it mints (partner sessions) and verifies user tokens. */
  jwt: {
    /** `COKO_JWT_SIGNING_KEY`: private JWK (ES256 or RS256, with `kid`); when set, tokens are signed with it. */
    signingKey: SigningJwk | undefined;
    /** `COKO_JWT_ISSUER`: the `iss` claim (default `{COKO_PUBLIC_URL}/auth/v1`, as Supabase Auth, else `coko`). */
    issuer: string;
    /** `COKO_SESSION_TTL_SECONDS`: lifetime of partner session tokens (default 900 = 15 min; 60..86 400). */
    sessionTtlSeconds: number;
  };
  /** Rate limits, counted in Postgres and shared by every process (see limits/ and docs/DECISIONS.md). */
  rateLimits: {
    /** `SESSIONS_RATE_LIMIT`: `POST /v1/sessions` per partner per minute (default 600). */
    sessionsPerMinute: number;
    /**
     * `RATE_LIMITS`: the seed's limits with overrides (`anonymous=300/1h,downloads=20/1h`), or `false` for `off`
     * (test stacks only). `SESSIONS_RATE_LIMIT` sets `sessions.limit`.
     */
    policies: RateLimitPolicies | false;
  };
  /** `SENTRY_DSN`: errors go to Sentry when set (Node entry). */
  sentryDsn: string | undefined;
  /** `METRICS_TOKEN`: `/metrics` requires `Authorization: Bearer <token>`; without it, production closes it. */
  metricsToken: string | undefined;
  /** `LOG_LEVEL`: debug | info | warn | error | silent (default info). */
  logLevel: LogLevel;
  /** `CORS_ORIGINS`: allowed browser origins; `['*']` by default outside production. */
  corsOrigins: string[];
  /** `BODY_LIMIT_BYTES`: larger request bodies get 413 (default 1 MiB). */
  bodyLimitBytes: number;
  /** `REQUEST_TIMEOUT_MS`: slower requests get 504 (default 30 s). */
  requestTimeoutMs: number;
  /** `ACCESS_URL_TTL`: seconds the signed URLs of `GET /v1/books/{id}/access` live (default 3600). */
  accessUrlTtlSeconds: number;
  /** Where book files and covers live (see providers/storage). */
  storage: {
    /** `STORAGE`: `local` (default: a folder, signed URLs served by the API) or `supabase` (Supabase Storage). */
    driver: StorageDriver;
    /** `STORAGE_LOCAL_ROOT`: the local adapter's folder (default `.coko/storage` of the project). */
    localRoot: string | undefined;
    /** `STORAGE_SIGNING_SECRET`: key of the local signed URLs (default: derived from `COKO_JWT_SECRET`). */
    signingSecret: string | undefined;
    /** `SUPABASE_URL`: the project's URL; required with `STORAGE=supabase`. */
    supabaseUrl: string | undefined;
    /** `SUPABASE_SERVICE_ROLE_KEY`: the service role key (or `sb_secret_…`); required with `STORAGE=supabase`. */
    serviceRoleKey: string | undefined;
  };
  db: {
    /** `DB_POOL_MAX` (default 10). */
    poolMax: number;
    /** `DB_CONNECT_TIMEOUT_MS` (default 5 s). */
    connectTimeoutMs: number;
    /** `DB_STATEMENT_TIMEOUT_MS`: Postgres `statement_timeout` for the pool's sessions (default 30 s; 0 = none). */
    statementTimeoutMs: number;
    /** `DB_IDLE_TIMEOUT_MS`: idle connections are closed after this (default 30 s). */
    idleTimeoutMs: number;
    /** `DB_MAX_LIFETIME_SECONDS`: connections are recycled after this (default 1 h; 0 = never). */
    maxLifetimeSeconds: number;
  };
  /** Payment providers: each is on when its credentials are set (see `providers/payments/registry.ts`). */
  payments: PaymentsConfig;
  /** Email, push and SMS: each on with its provider's credentials (see `providers/notifications/registry.ts`). */
  notifications: NotificationsConfig;
}

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Thrown by {@link loadConfig}; its message names every bad variable, never a value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(['Invalid configuration:', ...issues.map((issue) => `  - ${issue.variable}: ${issue.message}`)].join('\n'));
    this.issues = issues;
  }
}

/** True for a `ConfigError`, even across duplicated copies of this module. */
export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof Error && error.name === 'ConfigError' && Array.isArray((error as ConfigError).issues);
}

function resolveEnv(env: EnvSource, issues: ConfigIssue[]): RuntimeEnv {
  const variable = env.COKO_ENV !== undefined ? 'COKO_ENV' : env.NODE_ENV !== undefined ? 'NODE_ENV' : undefined;
  if (!variable) return 'development';
  const value = env[variable]?.toLowerCase();
  if ((RUNTIME_ENVS as readonly string[]).includes(value ?? '')) return value as RuntimeEnv;
  const hint = variable === 'NODE_ENV' ? ' (or set COKO_ENV, which takes precedence)' : '';
  issues.push({ variable, message: `must be one of ${RUNTIME_ENVS.join(', ')}${hint}` });
  return 'development';
}

/**
 * Validates the environment and returns the typed configuration.
 * Empty strings count as unset. Throws a {@link ConfigError} naming every missing or malformed variable at once.
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env) // or Deno.env.toObject()
 * ```
 */
export function loadConfig(source: EnvSource): Config {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value.trim() !== '') env[key] = value.trim();
  }
  const issues: ConfigIssue[] = [];
  const runtimeEnv = resolveEnv(env, issues);
  const result = envSchema(runtimeEnv).safeParse(env);
  if (!result.success) {
    for (const issue of result.error.issues) {
      issues.push({ variable: String(issue.path[0] ?? 'environment'), message: issue.message });
    }
  }
  if (result.success && result.data.STORAGE === 'supabase') {
    for (const variable of ['SUPABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY'] as const) {
      if (!result.data[variable]) issues.push({ variable, message: 'required with STORAGE=supabase' });
    }
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);

  const v = result.data;
  return {
    env: runtimeEnv,
    port: v.PORT,
    host: v.HOST ?? (runtimeEnv === 'production' ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: v.DATABASE_URL,
    postgrestUrl: v.POSTGREST_URL,
    jwtSecret: v.COKO_JWT_SECRET,
    publicUrl: v.COKO_PUBLIC_URL,
    jwt: {
      signingKey: v.COKO_JWT_SIGNING_KEY,
      issuer: v.COKO_JWT_ISSUER ?? (v.COKO_PUBLIC_URL ? `${v.COKO_PUBLIC_URL}/auth/v1` : 'coko'),
      sessionTtlSeconds: v.COKO_SESSION_TTL_SECONDS,
    },
    rateLimits: {
      sessionsPerMinute: v.SESSIONS_RATE_LIMIT,
      policies: v.RATE_LIMITS && {
        ...v.RATE_LIMITS,
        sessions: {
          ...v.RATE_LIMITS.sessions,
          limit: env.SESSIONS_RATE_LIMIT ? v.SESSIONS_RATE_LIMIT : v.RATE_LIMITS.sessions.limit,
        },
      },
    },
    sentryDsn: v.SENTRY_DSN,
    metricsToken: v.METRICS_TOKEN,
    logLevel: v.LOG_LEVEL,
    corsOrigins: v.CORS_ORIGINS,
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
    requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
    accessUrlTtlSeconds: v.ACCESS_URL_TTL,
    storage: {
      driver: v.STORAGE,
      localRoot: v.STORAGE_LOCAL_ROOT,
      signingSecret: v.STORAGE_SIGNING_SECRET,
      supabaseUrl: v.SUPABASE_URL,
      serviceRoleKey: v.SUPABASE_SERVICE_ROLE_KEY,
    },
    db: {
      poolMax: v.DB_POOL_MAX,
      connectTimeoutMs: v.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS,
      idleTimeoutMs: v.DB_IDLE_TIMEOUT_MS,
      maxLifetimeSeconds: v.DB_MAX_LIFETIME_SECONDS,
    },
    payments: paymentsConfig(v, runtimeEnv, v.COKO_JWT_SECRET),
    notifications: notificationsConfig(v, runtimeEnv),
  };
}
