// `coko worker`'s configuration: the variables the worker reads, validated with the API's own rules
// (config/schema.ts) but without what only the API needs (public URL, JWT secret, CORS…).
import { z } from 'zod';
import { ConfigError, type ConfigIssue, type EnvSource, type LogLevel, type RuntimeEnv } from '../config/index.ts';
import { envSchema, RUNTIME_ENVS } from '../config/schema.ts';

export interface WorkerConfig {
  /** From `COKO_ENV`, else `NODE_ENV`; default `development`. */
  env: RuntimeEnv;
  /** `DATABASE_URL`; required in production (never a fallback to a local database there). */
  databaseUrl: string | undefined;
  /** `SENTRY_DSN`: job failures and worker errors go to Sentry when set. */
  sentryDsn: string | undefined;
  /** `LOG_LEVEL` (default info). */
  logLevel: LogLevel;
  db: {
    /** `DB_CONNECT_TIMEOUT_MS` (default 5 s). */
    connectTimeoutMs: number;
    /** `WORKER_STATEMENT_TIMEOUT_MS`: Postgres `statement_timeout` of the worker's sessions (default 5 min; 0 = none). */
    statementTimeoutMs: number;
    /** `DB_IDLE_TIMEOUT_MS` (default 30 s). */
    idleTimeoutMs: number;
    /** `DB_MAX_LIFETIME_SECONDS`: connections are recycled after this (default 1 h; 0 = never). */
    maxLifetimeSeconds: number;
  };
}

/** Job handlers run longer than API requests: their statements get 5 minutes, not the API's 30 s. */
const DEFAULT_STATEMENT_TIMEOUT_MS = 5 * 60_000;

/** Message for a production worker started without `DATABASE_URL`. */
export const MISSING_DATABASE_URL =
  'DATABASE_URL is not set. In production (COKO_ENV=production) the worker never falls back to a local ' +
  'database: set DATABASE_URL to the project Postgres URL, connected as the `postgres` role ' +
  '(on Supabase: Project Settings → Database → connection string, session mode).';

/**
 * Validates the worker's environment. Throws a {@link ConfigError} naming every bad variable
 * (values are never echoed); in production a missing `DATABASE_URL` gets {@link MISSING_DATABASE_URL}.
 *
 * @example
 * ```ts
 * const config = loadWorkerConfig(process.env)
 * const worker = await startWorker({ databaseUrl: config.databaseUrl!, pool: config.db })
 * ```
 */
export function loadWorkerConfig(source: EnvSource): WorkerConfig {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value.trim() !== '') env[key] = value.trim();
  }
  const issues: ConfigIssue[] = [];
  const variable = env.COKO_ENV !== undefined ? 'COKO_ENV' : env.NODE_ENV !== undefined ? 'NODE_ENV' : undefined;
  let runtimeEnv: RuntimeEnv = 'development';
  if (variable) {
    const value = env[variable]?.toLowerCase() ?? '';
    if ((RUNTIME_ENVS as readonly string[]).includes(value)) runtimeEnv = value as RuntimeEnv;
    else issues.push({ variable, message: `must be one of ${RUNTIME_ENVS.join(', ')}` });
  }
  const schema = envSchema(runtimeEnv)
    .pick({
      DATABASE_URL: true,
      SENTRY_DSN: true,
      LOG_LEVEL: true,
      DB_CONNECT_TIMEOUT_MS: true,
      DB_IDLE_TIMEOUT_MS: true,
      DB_MAX_LIFETIME_SECONDS: true,
    })
    .extend({ WORKER_STATEMENT_TIMEOUT_MS: z.string().optional() });
  const result = schema.safeParse(env);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      const message = name === 'DATABASE_URL' && !env.DATABASE_URL ? MISSING_DATABASE_URL : issue.message;
      issues.push({ variable: name, message });
    }
  }
  const rawTimeout = env.WORKER_STATEMENT_TIMEOUT_MS;
  const statementTimeoutMs = rawTimeout === undefined ? DEFAULT_STATEMENT_TIMEOUT_MS : Number(rawTimeout);
  if (!/^\d+$/.test(rawTimeout ?? '0') || statementTimeoutMs > 24 * 3_600_000) {
    issues.push({ variable: 'WORKER_STATEMENT_TIMEOUT_MS', message: 'must be a whole number of ms up to 24 h' });
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);
  const v = result.data;
  return {
    env: runtimeEnv,
    databaseUrl: v.DATABASE_URL,
    sentryDsn: v.SENTRY_DSN,
    logLevel: v.LOG_LEVEL,
    db: {
      connectTimeoutMs: v.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs,
      idleTimeoutMs: v.DB_IDLE_TIMEOUT_MS,
      maxLifetimeSeconds: v.DB_MAX_LIFETIME_SECONDS,
    },
  };
}
