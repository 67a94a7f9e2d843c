import type { Queryable } from './pool.ts';

/** Outcome of one health or readiness check, as `/health` and `/ready` report it. */
export interface CheckResult {
  status: 'ok' | 'error' | 'skipped';
  latencyMs?: number;
  /** Why the check failed or was skipped; never contains credentials or SQL. */
  reason?: string;
  [detail: string]: unknown;
}

export interface CheckOptions {
  /** Fail the check after this long (default 1000 ms). */
  timeoutMs?: number;
  /** Monotonic clock in ms (default `performance.now`). */
  now?: () => number;
}

class CheckTimeoutError extends Error {
  override readonly name = 'CheckTimeoutError';
}

/** Rejects with a timeout error when `promise` takes longer than `ms` (the work itself is not cancelled). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  promise.catch(() => {}); // a late rejection after the timeout must not be unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A short reason for a failed database call: a timeout, a Node error code or a SQLSTATE, never a raw message. */
export function describeDbFailure(error: unknown): string {
  if (error instanceof CheckTimeoutError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `database error (SQLSTATE ${code})`;
  if (typeof code === 'string') return `connection failed (${code})`;
  return 'connection failed';
}

const defaults = { timeoutMs: 1000, now: () => performance.now() };

/** Runs `select 1` with a short timeout. */
export async function pingDatabase(db: Queryable, options: CheckOptions = {}): Promise<CheckResult> {
  const { timeoutMs, now } = { ...defaults, ...options };
  const started = now();
  try {
    await withTimeout(db.query('select 1'), timeoutMs, 'database ping');
    return { status: 'ok', latencyMs: round(now() - started) };
  } catch (error) {
    return { status: 'error', latencyMs: round(now() - started), reason: describeDbFailure(error) };
  }
}

export interface ExtensionsResult {
  ok: boolean;
  installed: string[];
  missing: string[];
}

/** Which of `names` are installed (`pg_extension`), e.g. `['pgcrypto', 'pg_trgm', 'unaccent']`. */
export async function checkExtensions(db: Queryable, names: readonly string[]): Promise<ExtensionsResult> {
  const { rows } = await db.query('select extname from pg_catalog.pg_extension where extname = any($1::text[])', [
    [...names],
  ]);
  const installed = (rows as { extname: string }[]).map((row) => row.extname);
  const missing = names.filter((name) => !installed.includes(name));
  return { ok: missing.length === 0, installed, missing };
}

/**
 * Checks that migrations ran: `supabase_migrations.schema_migrations` exists, is not empty, and holds
 * every version in `expected` (14-digit timestamps from `supabase/migrations/<version>_<name>.sql`).
 */
export async function checkMigrations(
  db: Queryable,
  expected: readonly string[] = [],
  options: CheckOptions = {},
): Promise<CheckResult> {
  const { timeoutMs, now } = { ...defaults, ...options };
  const started = now();
  try {
    const exists = await withTimeout(
      db.query(`select to_regclass('supabase_migrations.schema_migrations') is not null as present`),
      timeoutMs,
      'migrations check',
    );
    if (!(exists.rows[0] as { present?: boolean } | undefined)?.present) {
      return { status: 'error', reason: 'supabase_migrations.schema_migrations does not exist' };
    }
    const { rows } = await withTimeout(
      db.query('select version from supabase_migrations.schema_migrations order by version'),
      timeoutMs,
      'migrations check',
    );
    const applied = (rows as { version: string }[]).map((row) => row.version);
    const latencyMs = round(now() - started);
    if (applied.length === 0) return { status: 'error', latencyMs, applied: 0, reason: 'no migrations applied' };
    const missing = expected.filter((version) => !applied.includes(version));
    if (missing.length > 0) {
      return {
        status: 'error',
        latencyMs,
        applied: applied.length,
        missing,
        // Names the newest missing version: the deploy is ahead of the database (run `supabase db push`).
        reason: `${missing.length} migration(s) not applied, up to ${missing[missing.length - 1]}: apply them (supabase db push) before serving this version`,
      };
    }
    return { status: 'ok', latencyMs, applied: applied.length, latest: applied[applied.length - 1] };
  } catch (error) {
    return { status: 'error', latencyMs: round(now() - started), reason: describeDbFailure(error) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
