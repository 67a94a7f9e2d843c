import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Logger } from '../observability/logger.ts';

/** A pg-boss job as handlers see it (fetched with its metadata: retryCount, retryLimit, …). */
export type Job<T = unknown> = PgBoss.JobWithMetadata<T>;

export interface JobContext {
  /** The worker's pool (application_name `coko-worker`), connected as the worker's database role. */
  db: pg.Pool;
  /** A logger whose lines carry the job's queue, id and attempt. */
  log: Logger;
  /** Aborted when the worker stops and its graceful timeout has run out: stop early if you can. */
  signal: AbortSignal;
  /**
   * Runs `fn` in a transaction that also records this job in `private.job_runs` and marks the
   * pg-boss job completed, so the effect commits exactly once (see README.md). Returns
   * `{ ran: false }` when an earlier delivery of this job already committed.
   */
  runOnce<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<RunOnceResult<T>>;
}

export type RunOnceResult<T> = { ran: true; result: T } | { ran: false };

/**
 * Handles one job. Resolve to complete it (the value becomes the job's `output`); throw to fail it
 * (pg-boss retries it with the queue's backoff, then moves it to the dead-letter queue). Handlers
 * must be idempotent: a job can be delivered more than once.
 */
export type JobHandler<T = unknown> = (job: Job<T>, ctx: JobContext) => Promise<unknown>;

export type JobHandlers = Record<string, JobHandler<never>>;
