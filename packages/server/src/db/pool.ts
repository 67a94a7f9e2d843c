import pg from 'pg';
import type { Config } from '../config/load.ts';
import type { Logger } from '../observability/logger.ts';

/** The one method the app needs from a database client; `pg.Pool` satisfies it, and tests can fake it. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface CreatePoolOptions {
  /** Receives idle-client errors (a dropped connection must not crash the process). */
  logger?: Logger;
  /** Shown in `pg_stat_activity` (default `coko-api`). */
  applicationName?: string;
}

/**
 * A `pg.Pool` with Coko's timeouts: connect timeout, per-session `statement_timeout`, idle and lifetime recycling.
 *
 * @example
 * ```ts
 * const pool = createPool(loadConfig(process.env))
 * await pingDatabase(pool)
 * ```
 */
export function createPool(config: Pick<Config, 'databaseUrl' | 'db'>, options: CreatePoolOptions = {}): pg.Pool {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set');
  const { applicationName, logger } = { applicationName: 'coko-api', ...options };
  const { db } = config;
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: db.poolMax,
    connectionTimeoutMillis: db.connectTimeoutMs,
    idleTimeoutMillis: db.idleTimeoutMs,
    maxLifetimeSeconds: db.maxLifetimeSeconds,
    application_name: applicationName,
    options: `-c statement_timeout=${db.statementTimeoutMs}`,
  });
  pool.on('error', (error) => {
    logger?.error('idle database client failed', { err: error });
  });
  return pool;
}

/**
 * A small pool for a command's short errand (the CLI, `coko dev`'s demo steps). Idle-client errors
 * are ignored: when Postgres stops (Ctrl-C reaches it with the rest of the terminal's process
 * group), a client that an ended pool has not finished closing gets `57P01`, and a pool without an
 * `error` listener would crash the command as it stops.
 */
export function commandPool(connectionString: string, applicationName: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 2, application_name: applicationName });
  pool.on('error', () => {});
  return pool;
}

/** Host, port and database of a Postgres URL, without user or password: safe for logs and error messages. */
export function describeDatabaseUrl(url: string | undefined): string {
  if (!url) return '(not set)';
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname || '/'}`;
  } catch {
    return '(unparseable URL)';
  }
}
