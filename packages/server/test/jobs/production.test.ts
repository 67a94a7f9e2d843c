// `coko worker` in production: no local fallback, pool timeouts and lifetimes, Sentry, graceful SIGTERM.

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { createApp } from '../../src/app/create-app.ts';
import { isConfigError } from '../../src/config/index.ts';
import { loadWorkerConfig, MISSING_DATABASE_URL } from '../../src/jobs/config.ts';
import { DEAD_LETTER_QUEUE, QUEUES, type QueueDefinition } from '../../src/jobs/queues.ts';
import { jobQueueCheck } from '../../src/jobs/readiness.ts';
import { initWorkerSentry } from '../../src/jobs/sentry-node.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { captureLogs, type Envelope, eventsIn, fakeSentryTransport, testConfig } from '../app/helpers.ts';
import { jobRow, memoryLogger, ownDatabaseAsPostgres, queryPool, sendJob, waitFor } from './helpers.ts';
import { cokoBin, fixture, killChildrenAfterAll, spawnNode, tsxLoader } from './processes.ts';

const stack = testStack();
let db: pg.Pool;
killChildrenAfterAll();
const deadLetter = QUEUES.find((queue) => queue.name === DEAD_LETTER_QUEUE) as QueueDefinition;
const testQueue = (name: string): QueueDefinition => ({
  name,
  description: name,
  options: {
    policy: 'standard',
    retryLimit: 0,
    retryDelay: 0,
    retryBackoff: false,
    expireInSeconds: 60,
    deadLetter: DEAD_LETTER_QUEUE,
  },
});

beforeAll(async () => {
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  db = queryPool(stack.databaseUrl);
  await db.query(`
    create schema jobs_test;
    create table jobs_test.effects (id bigserial primary key, job_id uuid not null);
    create table jobs_test.release (job_id uuid primary key);
    create table jobs_test.settings (job_id uuid primary key, statement_timeout text, application_name text)`);
});
afterAll(async () => {
  await db.end();
});

/** The environment of a production worker: nothing inherited (no DATABASE_URL sneaking in). */
function productionEnv(extra: Record<string, string>) {
  return { PATH: process.env.PATH, HOME: process.env.HOME, COKO_ENV: 'production', LOG_LEVEL: 'info', ...extra };
}

// First in the file: the database has no pg-boss schema until a worker starts.
describe('/ready checks the job queue', () => {
  const names = QUEUES.map((queue) => queue.name);
  const readyQueue = async () => {
    const app = createApp({ config: testConfig(), db, logger: captureLogs().logger });
    const body = (await (await app.request('/api/ready')).json()) as { checks: Record<string, unknown> };
    return body.checks.queue;
  };

  it('no pg-boss schema: an error in production, skipped elsewhere', async () => {
    expect(await jobQueueCheck(db, { queues: names, required: true })()).toMatchObject({
      status: 'error',
      reason: 'the job queue schema (pgboss) does not exist: start `coko worker` once',
    });
    expect(await readyQueue()).toMatchObject({ status: 'skipped' });
  });

  it('ok once the worker declared every queue; an error naming a queue that is missing', async () => {
    const { logger } = memoryLogger();
    const worker = await startWorker({ databaseUrl: stack.databaseUrl, handlers: {}, schedules: [], logger });
    try {
      expect(await jobQueueCheck(db, { queues: names, required: true })()).toMatchObject({
        status: 'ok',
        queues: names.length,
        schemaVersion: expect.any(Number),
      });
      expect(await readyQueue()).toMatchObject({ status: 'ok' });
      const gone = names.find((name) => name !== DEAD_LETTER_QUEUE) as string;
      await worker.boss.deleteQueue(gone);
      expect(await jobQueueCheck(db, { queues: names, required: true })()).toMatchObject({
        status: 'error',
        missing: [gone],
      });
    } finally {
      await worker.stop({ timeoutMs: 1000 });
    }
  });

  it('an unreachable database is an error, not a throw', async () => {
    const broken = {
      query: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    };
    expect(await jobQueueCheck(broken, { required: true })()).toMatchObject({ status: 'error' });
  });
});

describe('loadWorkerConfig', () => {
  it('production without DATABASE_URL names the variable and says there is no local fallback', () => {
    let error: unknown;
    try {
      loadWorkerConfig({ COKO_ENV: 'production' });
    } catch (caught) {
      error = caught;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain(`DATABASE_URL: ${MISSING_DATABASE_URL}`);
    expect(MISSING_DATABASE_URL).toMatch(/never falls back to a local database/);
  });

  it('refuses a non-Postgres URL without echoing it', () => {
    expect(() => loadWorkerConfig({ COKO_ENV: 'production', DATABASE_URL: 'mysql://u:secret@h/db' })).toThrow(
      /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL \(got mysql:\/\/\)/,
    );
    expect(() => loadWorkerConfig({ DATABASE_URL: 'mysql://u:secret@h/db' })).not.toThrow(/secret/);
  });

  it('outside production DATABASE_URL is optional (coko dev’s database is used)', () => {
    expect(loadWorkerConfig({ COKO_ENV: 'development' }).databaseUrl).toBeUndefined();
  });

  it('pool defaults: 5 min statements, 1 h connection lifetime; each can be set', () => {
    const defaults = loadWorkerConfig({ COKO_ENV: 'production', DATABASE_URL: 'postgres://u:p@db:5432/postgres' });
    expect(defaults).toMatchObject({
      env: 'production',
      sentryDsn: undefined,
      db: { statementTimeoutMs: 300_000, maxLifetimeSeconds: 3600, connectTimeoutMs: 5000, idleTimeoutMs: 30_000 },
    });
    const tuned = loadWorkerConfig({
      DATABASE_URL: 'postgres://u:p@db/postgres',
      WORKER_STATEMENT_TIMEOUT_MS: '1234',
      DB_MAX_LIFETIME_SECONDS: '60',
      SENTRY_DSN: 'https://public@o0.ingest.sentry.io/1',
    });
    expect(tuned.db).toMatchObject({ statementTimeoutMs: 1234, maxLifetimeSeconds: 60 });
    expect(tuned.sentryDsn).toBe('https://public@o0.ingest.sentry.io/1');
    expect(() => loadWorkerConfig({ WORKER_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(/WORKER_STATEMENT_TIMEOUT_MS/);
  });
});

describe('coko worker in production', () => {
  it('refuses to start without DATABASE_URL and starts no local database', async () => {
    const state = mkdtempSync(join(tmpdir(), 'coko-worker-state-'));
    try {
      const cli = spawnNode([cokoBin, 'worker'], productionEnv({ COKO_STATE_DIR: state }), { replaceEnv: true });
      expect(await cli.exited).toEqual({ code: 1, signal: null });
      expect(cli.stderr()).toContain('coko worker: Invalid configuration:');
      expect(cli.stderr()).toContain('DATABASE_URL is not set');
      expect(cli.stderr()).toContain('never falls back to a local database');
      expect(readdirSync(state)).toEqual([]);
      expect(existsSync(join(state, 'postgres'))).toBe(false);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  }, 30_000);

  it('reports a failed start to Sentry (SENTRY_DSN), then exits 1', async () => {
    // A real Sentry client posting to a local ingest endpoint; the database lacks the migrations.
    const received: string[] = [];
    const ingest: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        received.push(`${req.url}\n${body}`);
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => ingest.listen(0, '127.0.0.1', resolve));
    const port = (ingest.address() as { port: number }).port;
    const emptyDb = `worker_empty_${process.pid}`;
    const admin = new pg.Client({ connectionString: stack.adminDatabaseUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${emptyDb}`);
      const url = new URL(stack.adminDatabaseUrl);
      url.pathname = `/${emptyDb}`;
      const cli = spawnNode(
        [cokoBin, 'worker'],
        productionEnv({ DATABASE_URL: url.toString(), SENTRY_DSN: `http://public@127.0.0.1:${port}/1` }),
        { replaceEnv: true },
      );
      expect(await cli.exited).toEqual({ code: 1, signal: null });
      expect(cli.stderr()).toContain('private.job_runs is missing');
      const envelope = received.find((item) => item.includes('private.job_runs is missing'));
      expect(envelope).toBeDefined();
      expect(envelope).toContain('/api/1/envelope/');
      expect(envelope).toContain('"phase":"start"');
      expect(envelope).toContain('"environment":"production"');
    } finally {
      await admin.query(`drop database if exists ${emptyDb} with (force)`);
      await admin.end();
      await new Promise((resolve) => ingest.close(resolve));
    }
  }, 30_000);

  it('SIGTERM: stops fetching, lets the in-flight job finish, then exits 0', async () => {
    const child = spawnNode(['--import', tsxLoader, fixture('graceful-worker.ts')], {
      COKO_DATABASE_URL: stack.databaseUrl,
    });
    await child.waitForLine((line) => line.msg === 'worker started', 'the worker to start', 20_000);
    const jobId = await sendJob(stack.databaseUrl, 'test.graceful');
    await child.waitForLine((line) => line.msg === 'graceful-test: job running' && line.jobId === jobId, 'the job');

    child.child.kill('SIGTERM');
    await child.waitForLine((line) => line.msg === 'worker stopping', 'the worker to start stopping');
    // Still draining: the process lives, the job is active and has no effect yet.
    expect(child.child.exitCode).toBeNull();
    expect((await jobRow(db, jobId))?.state).toBe('active');
    const queued = await sendJob(stack.databaseUrl, 'test.graceful');

    await db.query('insert into jobs_test.release (job_id) values ($1)', [jobId]);
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect((await jobRow(db, jobId))?.state).toBe('completed');
    const { rows } = await db.query('select count(*)::int as n from jobs_test.effects where job_id = $1', [jobId]);
    expect(rows[0].n).toBe(1);
    // Nothing new was fetched once stopping began.
    expect((await jobRow(db, queued))?.state).toBe('created');
    expect(child.json().map((line) => line.msg)).toContain('worker stopped');
  }, 40_000);
});

describe('startWorker', () => {
  it('sets statement_timeout and connection lifetime on its pools', async () => {
    const queue = testQueue('test.settings');
    const { logger } = memoryLogger();
    const worker = await startWorker({
      databaseUrl: stack.databaseUrl,
      queues: [deadLetter, queue],
      schedules: [],
      handlers: {
        [queue.name]: async (job, ctx) => {
          await ctx.db.query(
            `insert into jobs_test.settings values ($1, current_setting('statement_timeout'), current_setting('application_name'))`,
            [job.id],
          );
        },
      },
      pollingIntervalSeconds: 0.5,
      pool: { statementTimeoutMs: 4321, maxLifetimeSeconds: 77 },
      logger,
    });
    try {
      const id = await sendJob(stack.databaseUrl, queue.name);
      const row = await waitFor(
        async () => (await db.query('select * from jobs_test.settings where job_id = $1', [id])).rows[0],
        { what: 'the settings row' },
      );
      expect(row).toMatchObject({ statement_timeout: '4321ms', application_name: 'coko-worker' });
      expect((worker.pool as unknown as { options: { maxLifetimeSeconds: number } }).options.maxLifetimeSeconds).toBe(
        77,
      );
      // pg-boss's own pool gets the same settings.
      const bossDb = (worker.boss as unknown as { getDb(): { config: Record<string, unknown> } }).getDb();
      expect(bossDb.config).toMatchObject({ maxLifetimeSeconds: 77, options: '-c statement_timeout=4321' });
    } finally {
      await worker.stop({ timeoutMs: 1000 });
    }
  });

  it('reports a failed job to Sentry with its queue, id, attempt and whether it is final', async () => {
    const envelopes: Envelope[] = [];
    const sentry = await initWorkerSentry({
      dsn: 'https://public@o0.ingest.sentry.io/1',
      environment: 'test',
      transport: fakeSentryTransport(envelopes),
    });
    const queue = testQueue('test.sentry');
    const { logger } = memoryLogger();
    const worker = await startWorker({
      databaseUrl: stack.databaseUrl,
      queues: [deadLetter, queue],
      schedules: [],
      handlers: {
        [queue.name]: async () => {
          throw new RangeError('the shelf is full');
        },
      },
      pollingIntervalSeconds: 0.5,
      captureException: sentry.captureJobFailure,
      logger,
    });
    try {
      const id = await sendJob(stack.databaseUrl, queue.name);
      await waitFor(async () => (await jobRow(db, id))?.state === 'failed', { what: 'the job to fail' });
      await sentry.flush(2000);
      const events = eventsIn(envelopes);
      expect(events).toHaveLength(1);
      expect(events[0]?.tags).toMatchObject({
        service: 'coko-worker',
        source: 'job',
        queue: 'test.sentry',
        job_id: id,
        attempt: '1',
        final: 'true',
      });
      expect(events[0]?.exception?.values?.[0]).toMatchObject({ type: 'RangeError', value: 'the shelf is full' });
    } finally {
      await worker.stop({ timeoutMs: 1000 });
      await sentry.close();
    }
  });
});
