// `/ready`'s job queue check: runtime-agnostic (plain SQL through the app's Queryable), so the Node
// entry and the edge function can both use it.
import type { CheckResult, Queryable } from '../db/index.ts';
import { describeDbFailure } from '../db/index.ts';
import { PGBOSS_SCHEMA } from './constants.ts';

export interface JobQueueCheckOptions {
  /** Queue names that must be declared in pg-boss (default: none, only the schema is checked). */
  queues?: readonly string[];
  /**
   * When false, a database without the pg-boss schema (no worker ever started: a fresh dev or test
   * database) reports `skipped` instead of `error`. Production requires it.
   */
  required?: boolean;
  /** Monotonic clock in ms (default `performance.now`). */
  now?: () => number;
}

/**
 * A `/ready` check: the pg-boss schema is present and answers (its `version` and `queue` tables),
 * and every queue in `options.queues` is declared.
 *
 * @example
 * ```ts
 * createApp({ config, db, readinessChecks: { queue: jobQueueCheck(db, { queues: QUEUES.map((q) => q.name), required: true }) } })
 * ```
 */
export function jobQueueCheck(db: Queryable, options: JobQueueCheckOptions = {}): () => Promise<CheckResult> {
  const now = options.now ?? (() => performance.now());
  const wanted = options.queues ?? [];
  return async () => {
    const started = now();
    const latency = () => Math.round((now() - started) * 100) / 100;
    try {
      const { rows } = await db.query(`select to_regclass($1) is not null and to_regclass($2) is not null as present`, [
        `${PGBOSS_SCHEMA}.version`,
        `${PGBOSS_SCHEMA}.queue`,
      ]);
      if (!(rows[0] as { present?: boolean } | undefined)?.present) {
        const reason = `the job queue schema (${PGBOSS_SCHEMA}) does not exist: start \`coko worker\` once`;
        return options.required
          ? { status: 'error', latencyMs: latency(), reason }
          : { status: 'skipped', latencyMs: latency(), reason };
      }
      const version = await db.query(`select version from ${PGBOSS_SCHEMA}.version limit 1`);
      const declared = await db.query(`select name from ${PGBOSS_SCHEMA}.queue where name = any($1::text[])`, [
        [...wanted],
      ]);
      const names = new Set((declared.rows as { name: string }[]).map((row) => row.name));
      const missing = wanted.filter((name) => !names.has(name));
      const schemaVersion = (version.rows[0] as { version?: number } | undefined)?.version;
      if (missing.length > 0) {
        return {
          status: 'error',
          latencyMs: latency(),
          missing,
          reason: `${missing.length} queue(s) not declared: start \`coko worker\` to declare them`,
        };
      }
      return { status: 'ok', latencyMs: latency(), schemaVersion, queues: wanted.length };
    } catch (error) {
      return { status: 'error', latencyMs: latency(), reason: describeDbFailure(error) };
    }
  };
}
