import pg from 'pg';
import PgBoss from 'pg-boss';
import { describeDatabaseUrl } from '../db/pool.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { PGBOSS_SCHEMA, WORKER_APPLICATION_NAME } from './constants.ts';
import { HANDLERS } from './handlers/index.ts';
import { QUEUES, type QueueDefinition, SCHEDULES, type ScheduleDefinition } from './queues.ts';
import { runOnce } from './run-once.ts';
import type { Job, JobContext, JobHandler, JobHandlers } from './types.ts';

export { PGBOSS_SCHEMA, WORKER_APPLICATION_NAME };

export interface StartWorkerOptions {
  /** Postgres URL, as the role that owns the schema (`postgres` on Supabase), never anon/authenticated. */
  databaseUrl: string;
  /** Handler per queue name (default: HANDLERS). Declared queues without a handler are not consumed. */
  handlers?: JobHandlers;
  /** Queues to declare (default: QUEUES). */
  queues?: readonly QueueDefinition[];
  /** Cron schedules (default: SCHEDULES). Schedules in the database that are not listed are removed. */
  schedules?: readonly ScheduleDefinition[];
  /** JSON-lines logger (default: info level, `service: coko-worker`). */
  logger?: Logger;
  /** Polling workers per queue, i.e. jobs of one queue run at once in this process (default 2). */
  concurrency?: number;
  /** How often an idle worker polls its queues (default: each queue's own, else 2 s; minimum 0.5 s). */
  pollingIntervalSeconds?: number;
  /** How often pg-boss expires, archives and purges jobs (default 120 s). Expiry redelivers a dead worker's jobs. */
  maintenanceIntervalSeconds?: number;
  /** Run cron schedules in this process (default true; every instance may, pg-boss elects one per tick). */
  schedule?: boolean;
  /** Default graceful-stop timeout for `stop()` (default 30 s). */
  stopTimeoutMs?: number;
  /** Connection settings of the worker's pool and pg-boss's pool (see {@link WorkerPoolSettings}). */
  pool?: Partial<WorkerPoolSettings>;
  /**
   * Receives every failed job attempt (with `final: true` once retries are exhausted or its effect
   * already committed) and pg-boss's own errors: Sentry in `coko worker` when SENTRY_DSN is set.
   */
  captureException?: CaptureJobFailure;
}

/** Timeouts and lifetimes of the worker's connections (`WorkerConfig.db`). */
export interface WorkerPoolSettings {
  /** Give up connecting after this (default 10 s). */
  connectTimeoutMs: number;
  /** Postgres `statement_timeout` of every session (default 5 min; 0 = none). */
  statementTimeoutMs: number;
  /** Close idle connections after this (default 30 s). */
  idleTimeoutMs: number;
  /** Recycle connections after this many seconds (default 1 h; 0 = never), e.g. across a failover. */
  maxLifetimeSeconds: number;
}

/** What a job failure report carries besides the error. */
export interface JobFailureContext {
  queue?: string;
  jobId?: string;
  attempt?: number;
  /** True when the job will not be retried. */
  final: boolean;
  /** `job` for a handler failure, `pg-boss` for the queue's own errors. */
  source: 'job' | 'pg-boss';
}

export type CaptureJobFailure = (error: unknown, context: JobFailureContext) => void;

const POOL_DEFAULTS: WorkerPoolSettings = {
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 5 * 60_000,
  idleTimeoutMs: 30_000,
  maxLifetimeSeconds: 3_600,
};

/** `pg.Pool` options for the settings (pg-boss hands its constructor options to its own `pg.Pool`). */
export function poolOptions(settings: WorkerPoolSettings) {
  return {
    connectionTimeoutMillis: settings.connectTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
    maxLifetimeSeconds: settings.maxLifetimeSeconds,
    options: `-c statement_timeout=${settings.statementTimeoutMs}`,
  };
}

export interface CokoWorker {
  /** The pg-boss instance, for sending jobs (`boss.send(queue, data)`) and inspection. */
  boss: PgBoss;
  /** The worker's own pool (the one handlers get as `ctx.db`). */
  pool: pg.Pool;
  queues: readonly QueueDefinition[];
  schedules: readonly ScheduleDefinition[];
  /** Queue names this process consumes. */
  consumed: readonly string[];
  /**
   * Graceful stop: stops fetching, waits up to `timeoutMs` for in-flight jobs to finish (they are
   * completed or failed as usual), then releases the ones still running (pg-boss fails them, so
   * they are retried), aborts `ctx.signal`, and closes the pools. Idempotent.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

const defaultLogger = () => createLogger({ level: 'info', base: { service: WORKER_APPLICATION_NAME } });

/**
 * Starts pg-boss (schema `pgboss`, application_name `coko-worker`), converges queues and schedules
 * onto their declarations, and registers a polling worker per queue and concurrency slot.
 *
 * @example
 * ```ts
 * const worker = await startWorker({ databaseUrl: process.env.DATABASE_URL! })
 * process.once('SIGTERM', () => void worker.stop().then(() => process.exit(0)))
 * ```
 */
export async function startWorker(options: StartWorkerOptions): Promise<CokoWorker> {
  const log = options.logger ?? defaultLogger();
  const queues = options.queues ?? QUEUES;
  const schedules = options.schedules ?? SCHEDULES;
  const handlers = options.handlers ?? HANDLERS;
  const concurrency = options.concurrency ?? 2;
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`concurrency must be a positive integer (got ${concurrency})`);
  checkDeclarations(queues, schedules, handlers);

  const consumed = queues.filter((queue) => handlers[queue.name]);
  const slots = consumed.reduce((sum, queue) => sum + (queue.concurrency ?? concurrency), 0);
  const settings: WorkerPoolSettings = { ...POOL_DEFAULTS, ...options.pool };
  const capture: CaptureJobFailure = (error, context) => {
    try {
      options.captureException?.(error, context);
    } catch (captureError) {
      log.warn('captureException failed', { err: captureError });
    }
  };
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    application_name: WORKER_APPLICATION_NAME,
    // Two connections per job slot: runOnce's transaction plus a ctx.db query made alongside it.
    max: Math.max(2, slots * 2),
    ...poolOptions(settings),
  });
  pool.on('error', (error) => log.error('idle database client failed', { err: error }));

  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    schema: PGBOSS_SCHEMA,
    application_name: WORKER_APPLICATION_NAME,
    max: 4,
    supervise: true,
    schedule: options.schedule ?? true,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 120,
    ...poolOptions(settings),
  } as PgBoss.ConstructorOptions);
  boss.on('error', (error) => {
    log.error('pg-boss error', { err: describeError(error) });
    capture(error, { source: 'pg-boss', final: false });
  });

  const abort = new AbortController();
  const inFlight = new Map<string, { queue: string; startedAt: number }>();

  try {
    await assertLedger(pool);
    await boss.start();
    await syncQueues(boss, queues);
    await syncSchedules(boss, schedules);
    for (const queue of consumed) {
      const handler = handlers[queue.name] as JobHandler<unknown>;
      for (let slot = 0; slot < (queue.concurrency ?? concurrency); slot++) {
        // pg-boss waits the polling interval after every fetch, even one that found a job: one job per slot per
        // interval, so a backlog of payments would drain at 1/s. Waking the slot after a job makes it fetch again
        // at once; only an empty queue waits the interval.
        let slotId: string | undefined;
        slotId = await boss.work<unknown>(
          queue.name,
          {
            batchSize: 1,
            includeMetadata: true,
            pollingIntervalSeconds: options.pollingIntervalSeconds ?? queue.pollingIntervalSeconds ?? 2,
          },
          async ([job]) => {
            if (!job) return undefined;
            try {
              return await runJob(job, handler);
            } finally {
              if (slotId) boss.notifyWorker(slotId);
            }
          },
        );
      }
    }
  } catch (error) {
    await boss.stop({ graceful: false, timeout: 1000 }).catch(() => {});
    await pool.end().catch(() => {});
    throw error;
  }

  log.info('worker started', {
    database: describeDatabaseUrl(options.databaseUrl),
    schema: PGBOSS_SCHEMA,
    consumed: consumed.map((queue) => ({ queue: queue.name, concurrency: queue.concurrency ?? concurrency })),
    schedules: schedules.map(({ queue, cron, tz }) => ({ queue, cron, tz })),
  });

  async function runJob(job: Job<unknown>, handler: JobHandler<unknown>): Promise<unknown> {
    const jobLog = log.child({ queue: job.name, jobId: job.id, attempt: job.retryCount + 1 });
    const startedAt = Date.now();
    inFlight.set(job.id, { queue: job.name, startedAt });
    let completedInTransaction = false;
    const ctx: JobContext = {
      db: pool,
      log: jobLog,
      signal: abort.signal,
      runOnce: (fn) =>
        runOnce(pool, job, fn, {
          // Completing the pg-boss job in the effect's transaction: the job cannot be redelivered
          // after its effect committed, even if this process dies before pg-boss hears back.
          beforeCommit: async (client, result) => {
            await boss.complete(job.name, job.id, toOutput(result), {
              db: { executeSql: (text, values) => client.query(text, values) },
            });
            completedInTransaction = true;
          },
        }),
    };
    jobLog.debug('job started');
    try {
      const output = await handler(job, ctx);
      jobLog.info('job completed', { durationMs: Date.now() - startedAt });
      return output;
    } catch (error) {
      const durationMs = Date.now() - startedAt;
      const final = completedInTransaction || job.retryCount >= job.retryLimit;
      capture(error, { source: 'job', queue: job.name, jobId: job.id, attempt: job.retryCount + 1, final });
      if (completedInTransaction) {
        jobLog.error('job failed after its runOnce transaction committed; it stays completed and is not retried', {
          err: error,
          durationMs,
        });
      } else if (job.retryCount < job.retryLimit) {
        jobLog.warn('job failed; it will be retried', {
          err: error,
          durationMs,
          retriesLeft: job.retryLimit - job.retryCount,
        });
      } else {
        jobLog.error('job failed; retries exhausted', { err: error, durationMs, deadLetter: job.deadLetter ?? null });
      }
      throw error;
    } finally {
      inFlight.delete(job.id);
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = ({ timeoutMs = stopTimeoutMs }: { timeoutMs?: number } = {}) => {
    stopping ??= (async () => {
      log.info('worker stopping', { inFlight: inFlight.size, timeoutMs });
      // pg-boss stops fetching, waits for in-flight jobs up to the timeout, then fails (= releases
      // for retry) those still running and closes its pool.
      await boss.stop({ graceful: true, timeout: timeoutMs, wait: true, close: true });
      if (inFlight.size) {
        log.warn('stop timeout reached: jobs still running were released for retry', {
          jobs: [...inFlight].map(([id, { queue, startedAt }]) => ({ id, queue, runningMs: Date.now() - startedAt })),
        });
      }
      abort.abort();
      // pool.end() waits for checked-out clients, i.e. handlers still inside a transaction. Give
      // them a moment after the abort; past that, the process exit drops their connections and
      // Postgres rolls their transactions back.
      await Promise.race([pool.end(), delay(inFlight.size ? 2000 : 10_000)]);
      log.info('worker stopped');
    })();
    return stopping;
  };

  return { boss, pool, queues, schedules, consumed: consumed.map((queue) => queue.name), stop };
}

function checkDeclarations(
  queues: readonly QueueDefinition[],
  schedules: readonly ScheduleDefinition[],
  handlers: JobHandlers,
) {
  const names = new Set(queues.map((queue) => queue.name));
  if (names.size !== queues.length) throw new Error('Duplicate queue names in the queue declarations');
  for (const queue of queues) {
    const { deadLetter } = queue.options;
    if (deadLetter && !names.has(deadLetter))
      throw new Error(`Queue ${queue.name}: dead-letter queue ${deadLetter} is not declared`);
  }
  const scheduled = new Set<string>();
  for (const schedule of schedules) {
    if (!names.has(schedule.queue)) throw new Error(`Schedule for undeclared queue ${schedule.queue}`);
    if (scheduled.has(schedule.queue))
      throw new Error(`Two schedules for queue ${schedule.queue} (pg-boss keeps one per queue)`);
    scheduled.add(schedule.queue);
  }
  for (const name of Object.keys(handlers)) {
    if (!names.has(name)) throw new Error(`Handler for undeclared queue ${name}: declare it in src/jobs/queues.ts`);
  }
}

async function assertLedger(pool: pg.Pool) {
  const { rows } = await pool.query<{ ok: boolean }>(`select to_regclass('private.job_runs') is not null as ok`);
  if (!rows[0]?.ok) {
    throw new Error('Table private.job_runs is missing: apply the migrations first (coko migrate).');
  }
}

/** Creates missing queues (dead-letter targets first) and updates the options of changed ones. */
export async function syncQueues(boss: PgBoss, queues: readonly QueueDefinition[]): Promise<void> {
  const targets = new Set(queues.map((queue) => queue.options.deadLetter).filter(Boolean));
  const ordered = [...queues].sort((a, b) => Number(targets.has(b.name)) - Number(targets.has(a.name)));
  for (const queue of ordered) {
    const wanted: PgBoss.Queue = { name: queue.name, ...queue.options };
    const existing = await boss.getQueue(queue.name);
    if (!existing) {
      await boss.createQueue(queue.name, wanted);
      continue;
    }
    const current = existing as unknown as Record<string, unknown>;
    const changed = (Object.keys(queue.options) as (keyof typeof queue.options)[]).some(
      (key) => (current[key] ?? null) !== (queue.options[key] ?? null),
    );
    if (changed) await boss.updateQueue(queue.name, wanted);
  }
}

/** Upserts the declared schedules and removes the ones no longer declared. */
export async function syncSchedules(boss: PgBoss, schedules: readonly ScheduleDefinition[]): Promise<void> {
  const declared = new Set(schedules.map((schedule) => schedule.queue));
  for (const existing of await boss.getSchedules()) {
    if (!declared.has(existing.name)) await boss.unschedule(existing.name);
  }
  for (const schedule of schedules) {
    await boss.schedule(schedule.queue, schedule.cron, schedule.data ?? {}, { tz: schedule.tz });
  }
}

/** pg-boss stores a job's output as a JSON object. */
function toOutput(result: unknown): object {
  if (result !== null && typeof result === 'object' && !Array.isArray(result)) return result;
  return { value: result ?? null };
}

/** pg-boss emits worker errors as plain objects (`{ message, stack, queue, worker }`). */
function describeError(error: unknown): unknown {
  if (error instanceof Error || error === null || typeof error !== 'object') return error;
  const { message, stack, queue, worker } = error as Record<string, unknown>;
  return { message, stack, queue, worker };
}

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });
