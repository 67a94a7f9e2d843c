import { parseArgs } from 'node:util';
import { isConfigError } from '../config/index.ts';
import { describeDatabaseUrl } from '../db/pool.ts';
import { loadWorkerConfig, type WorkerConfig } from '../jobs/config.ts';
import { initWorkerSentry, type WorkerSentry } from '../jobs/sentry-node.ts';
import { installWorkerShutdown } from '../jobs/shutdown.ts';
import { type CokoWorker, startWorker } from '../jobs/worker.ts';
import { createLogger } from '../observability/logger.ts';

interface WorkerDatabase {
  url: string;
  source: string;
  /** Stops a local database started for the command (a no-op otherwise). */
  stop(): Promise<void>;
}

/**
 * The database the worker uses, as the `postgres` role (never the superuser). `DATABASE_URL` when
 * set, and always in production (where a missing one is an error, never a local fallback);
 * otherwise the running `coko dev` database or the local `.coko` one (the dev stack is loaded only
 * then).
 */
async function workerDatabase(config: WorkerConfig): Promise<WorkerDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, source: 'DATABASE_URL', stop: async () => {} };
  if (config.env === 'production') throw new Error('DATABASE_URL is not set (required in production)');
  const { join } = await import('node:path');
  const { reachable, resolveDatabase, stateDir } = await import('./db.ts');
  const { withDatabase } = await import('../db/url.ts');
  const { loadOrCreateProjectKeys } = await import('../stack/keys.ts');
  const database = await resolveDatabase();
  const stop = () => database.server.stop();
  if (database.source !== 'local .coko database') return { url: database.url, source: database.source, stop };
  const keys = await loadOrCreateProjectKeys(join(stateDir(), 'keys.json'));
  const asPostgres = withDatabase(database.url, 'postgres', { user: 'postgres', password: keys.postgresPassword });
  if (!(await reachable(asPostgres))) {
    await stop();
    throw new Error(
      'The local database is not set up (no `postgres` role yet): run `coko migrate` or `coko dev` first.',
    );
  }
  return { url: asPostgres, source: database.source, stop };
}

export async function workerCommand(args: string[]): Promise<undefined> {
  const { values } = parseArgs({
    args,
    options: { concurrency: { type: 'string' }, 'stop-timeout': { type: 'string' } },
  });
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new Error(`Invalid --concurrency: ${values.concurrency}`);
  const stopTimeoutSeconds = Number(values['stop-timeout'] ?? 30);
  if (!Number.isFinite(stopTimeoutSeconds) || stopTimeoutSeconds < 1)
    throw new Error(`Invalid --stop-timeout: ${values['stop-timeout']}`);
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig(process.env);
  } catch (error) {
    if (isConfigError(error)) throw new Error(error.message);
    throw error;
  }
  const sentry: WorkerSentry | undefined = config.sentryDsn
    ? await initWorkerSentry({ dsn: config.sentryDsn, environment: config.env, release: process.env.COKO_VERSION })
    : undefined;

  let database: WorkerDatabase | undefined;
  let worker: CokoWorker;
  try {
    database = await workerDatabase(config);
    worker = await startWorker({
      databaseUrl: database.url,
      logger: createLogger({ level: config.logLevel, base: { service: 'coko-worker' } }),
      concurrency,
      stopTimeoutMs: stopTimeoutSeconds * 1000,
      pool: config.db,
      captureException: sentry?.captureJobFailure,
    });
  } catch (error) {
    await database?.stop();
    sentry?.captureException(error, { phase: 'start' });
    await sentry?.close();
    throw error;
  }

  // Human summary on stderr; stdout carries only the JSON log lines.
  const consumed = new Set(worker.consumed);
  const width = Math.max(...worker.queues.map((queue) => queue.name.length));
  const lines = [
    '',
    `  coko worker — ${describeDatabaseUrl(database.url)} (${database.source}), pg-boss schema pgboss${sentry ? ', errors to Sentry' : ''}`,
    '',
    '  Queues',
    ...worker.queues.map(({ name, options }) => {
      const retry = `retry ${options.retryLimit}× from ${options.retryDelay}s${options.retryBackoff ? ' (backoff)' : ''}`;
      const extra = [
        options.policy,
        retry,
        `expire ${options.expireInSeconds}s`,
        options.deadLetter ? `→ ${options.deadLetter}` : null,
      ];
      return `    ${name.padEnd(width)}  ${consumed.has(name) ? 'worked ' : 'stored '}  ${extra.filter(Boolean).join(', ')}`;
    }),
    '',
    '  Schedules',
    ...worker.schedules.map(({ queue, cron, tz }) => `    ${queue.padEnd(width)}  ${cron} (${tz})`),
    '',
    `  SIGTERM or Ctrl-C stops gracefully (in-flight jobs get ${stopTimeoutSeconds}s, then are released for retry).`,
    '',
  ];
  console.error(lines.join('\n'));

  installWorkerShutdown(worker, {
    after: async () => {
      await database.stop();
      await sentry?.close();
    },
  });
  return undefined;
}
