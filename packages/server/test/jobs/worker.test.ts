import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { DEAD_LETTER_QUEUE, QUEUES, type QueueDefinition } from '../../src/jobs/queues.ts';
import { runOnce } from '../../src/jobs/run-once.ts';
import type { JobHandlers } from '../../src/jobs/types.ts';
import { type CokoWorker, type StartWorkerOptions, startWorker } from '../../src/jobs/worker.ts';
import { jobRow, jobsOf, memoryLogger, ownDatabaseAsPostgres, queryPool, sleep, waitFor } from './helpers.ts';

const stack = testStack();
const deadLetter = QUEUES.find((queue) => queue.name === DEAD_LETTER_QUEUE) as QueueDefinition;
let db: pg.Pool;
const running: CokoWorker[] = [];

/** A worker on test queues only (plus the shared dead-letter queue), polling fast. */
async function worker(queues: QueueDefinition[], handlers: JobHandlers, extra: Partial<StartWorkerOptions> = {}) {
  const memory = memoryLogger();
  const started = await startWorker({
    databaseUrl: stack.databaseUrl,
    queues: [deadLetter, ...queues],
    schedules: [],
    handlers,
    pollingIntervalSeconds: 0.5,
    logger: memory.logger,
    ...extra,
  });
  running.push(started);
  return { worker: started, lines: memory.lines };
}

const queue = (name: string, options: Partial<QueueDefinition['options']> = {}): QueueDefinition => ({
  name,
  description: `test queue ${name}`,
  options: {
    policy: 'standard',
    retryLimit: 0,
    retryDelay: 0,
    retryBackoff: false,
    expireInSeconds: 30,
    deadLetter: DEAD_LETTER_QUEUE,
    ...options,
  },
});

beforeAll(async () => {
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  db = queryPool(stack.databaseUrl);
  await db.query(
    'create schema jobs_test; create table jobs_test.effects (id bigserial primary key, job_id uuid not null, note text)',
  );
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((started) => started.stop({ timeoutMs: 1000 })));
});
afterAll(() => db.end());

async function effects(jobId: string): Promise<number> {
  const { rows } = await db.query<{ count: string }>('select count(*) from jobs_test.effects where job_id = $1', [
    jobId,
  ]);
  return Number(rows[0]?.count);
}

describe('retries', () => {
  it('retries a failing job with exponential backoff, then moves it to the dead-letter queue', async () => {
    const attempts: Array<{ at: number; retryCount: number }> = [];
    const { worker: started, lines } = await worker(
      [queue('test.flaky', { retryLimit: 2, retryDelay: 1, retryBackoff: true })],
      {
        'test.flaky': async (job) => {
          attempts.push({ at: Date.now(), retryCount: job.retryCount });
          throw new Error(`boom ${job.retryCount}`);
        },
      },
    );
    const id = (await started.boss.send('test.flaky', { order: 42 })) as string;

    const [dead] = await waitFor(
      async () => {
        const rows = (await jobsOf(db, DEAD_LETTER_QUEUE)).filter((row) => row.data.order === 42);
        return rows.length ? rows : undefined;
      },
      { timeoutMs: 20_000, what: 'the dead letter' },
    );

    expect(attempts.map((attempt) => attempt.retryCount)).toEqual([0, 1, 2]);
    // pg-boss's backoff: retryDelay × 2^(n-1) × (1 + jitter in [0, 1)) seconds before retry n.
    const [first, second, third] = attempts.map((attempt) => attempt.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(950);
    expect(third - second).toBeGreaterThanOrEqual(1950);

    const failed = await jobRow(db, id);
    expect(failed).toMatchObject({ state: 'failed', retry_count: 2 });
    expect(failed?.output).toMatchObject({ message: 'boom 2' });
    expect(dead).toMatchObject({ state: 'created', data: { order: 42 } });
    expect(dead?.output).toMatchObject({ message: 'boom 2' });

    const failures = lines.filter((line) => line.msg?.toString().startsWith('job failed'));
    expect(failures.map((line) => [line.level, line.attempt])).toEqual([
      ['warn', 1],
      ['warn', 2],
      ['error', 3],
    ]);
    expect(failures[2]).toMatchObject({ queue: 'test.flaky', jobId: id, deadLetter: DEAD_LETTER_QUEUE });
  }, 25_000);
});

describe('polling', () => {
  it('drains a backlog without waiting the polling interval between jobs', async () => {
    const backlog = queue('test.backlog');
    // Declared by a worker that does not consume it, so the jobs are waiting when the consumer starts.
    const { worker: declaring } = await worker([backlog], {});
    const ids = await Promise.all(Array.from({ length: 6 }, () => declaring.boss.send('test.backlog', {})));
    await declaring.stop({ timeoutMs: 1000 });

    // One slot polling every 60 s: draining six jobs within the 30 s safety net means it never waited between them.
    await worker(
      [backlog],
      { 'test.backlog': async () => ({ done: true }) },
      { concurrency: 1, pollingIntervalSeconds: 60 },
    );
    await waitFor(async () => (await jobsOf(db, 'test.backlog')).every((job) => job.state === 'completed'), {
      timeoutMs: 30_000,
      what: 'the backlog drained',
    });
    expect((await jobsOf(db, 'test.backlog')).map((job) => job.id).sort()).toEqual([...ids].sort());
  });
});

describe('graceful stop', () => {
  it('waits for an in-flight job to finish and completes it', async () => {
    let started!: () => void;
    const jobStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const { worker: running } = await worker([queue('test.slow')], {
      'test.slow': async (job, ctx) => {
        started();
        await sleep(1500);
        await ctx.db.query('insert into jobs_test.effects (job_id, note) values ($1, $2)', [job.id, 'slow']);
        return { done: true };
      },
    });
    const id = (await running.boss.send('test.slow', {})) as string;
    await jobStarted;
    const stopAt = Date.now();
    await running.stop({ timeoutMs: 10_000 });

    expect(Date.now() - stopAt).toBeGreaterThanOrEqual(1000);
    expect(await effects(id)).toBe(1);
    expect(await jobRow(db, id)).toMatchObject({ state: 'completed', output: { done: true } });
  });

  it('releases a job still running at the timeout for retry and aborts its signal', async () => {
    let aborted = false;
    let started!: () => void;
    const jobStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const { worker: running, lines } = await worker([queue('test.stuck', { retryLimit: 1, retryDelay: 60 })], {
      'test.stuck': async (_job, ctx) => {
        started();
        await new Promise<void>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
          setTimeout(resolve, 10_000).unref();
        });
        throw new Error('interrupted');
      },
    });
    const id = (await running.boss.send('test.stuck', {})) as string;
    await jobStarted;
    const stopAt = Date.now();
    await running.stop({ timeoutMs: 1000 });

    expect(Date.now() - stopAt).toBeLessThan(5000);
    expect(aborted).toBe(true);
    // Failed by pg-boss at shutdown → back to `retry`, to be picked up by the next worker.
    expect(await jobRow(db, id)).toMatchObject({ state: 'retry', output: { value: 'pg-boss shut down while active' } });
    expect(lines.find((line) => line.msg?.toString().startsWith('stop timeout reached'))).toMatchObject({
      jobs: [expect.objectContaining({ id, queue: 'test.stuck' })],
    });
  });
});

describe('runOnce', () => {
  it('skips the effect of a redelivered job whose effect already committed', async () => {
    // Simulates a delivery that committed its effect and died before the job was completed.
    const id = randomUUID();
    const ledgerPool = queryPool(stack.databaseUrl);
    try {
      const first = await runOnce(ledgerPool, { id, name: 'test.once' }, (client) =>
        client.query('insert into jobs_test.effects (job_id, note) values ($1, $2)', [id, 'first']).then(() => 'first'),
      );
      expect(first).toEqual({ ran: true, result: 'first' });
    } finally {
      await ledgerPool.end();
    }

    const outcomes: unknown[] = [];
    const { worker: running } = await worker([queue('test.once')], {
      'test.once': async (job, ctx) => {
        const outcome = await ctx.runOnce((client) =>
          client.query('insert into jobs_test.effects (job_id, note) values ($1, $2)', [job.id, 'again']),
        );
        outcomes.push(outcome);
        return { ran: outcome.ran };
      },
    });
    await running.boss.send('test.once', {}, { id });
    const done = await waitFor(
      async () => {
        const row = await jobRow(db, id);
        return row?.state === 'completed' ? row : undefined;
      },
      { what: 'the job to complete' },
    );

    expect(outcomes).toEqual([{ ran: false }]);
    expect(done.output).toEqual({ ran: false });
    expect(await effects(id)).toBe(1);
  });

  it('completes the pg-boss job in the transaction of the effect', async () => {
    let seen!: (row: unknown) => void;
    const handled = new Promise<unknown>((resolve) => {
      seen = resolve;
    });
    const { worker: running } = await worker([queue('test.tx')], {
      'test.tx': async (job, ctx) => {
        await ctx.runOnce(async (client) => {
          await client.query('insert into jobs_test.effects (job_id, note) values ($1, $2)', [job.id, 'tx']);
          return { inserted: 1 };
        });
        // Before the handler even returns, the job is completed, with the effect's result as output.
        const { rows } = await ctx.db.query('select state, output from pgboss.job where id = $1', [job.id]);
        seen(rows[0]);
        return { ignored: true };
      },
    });
    const id = (await running.boss.send('test.tx', {})) as string;
    expect(await handled).toEqual({ state: 'completed', output: { inserted: 1 } });
    // The graceful stop lets pg-boss finish its own completion, which finds the job already completed.
    await running.stop({ timeoutMs: 5000 });
    expect(await jobRow(db, id)).toMatchObject({ state: 'completed', output: { inserted: 1 } });
    expect(await effects(id)).toBe(1);
  });

  it('rolls back the effect and the ledger row when the effect throws', async () => {
    const pool = queryPool(stack.databaseUrl);
    const job = { id: randomUUID(), name: 'test.rollback' };
    try {
      await expect(
        runOnce(pool, job, async (client) => {
          await client.query('insert into jobs_test.effects (job_id, note) values ($1, $2)', [job.id, 'doomed']);
          throw new Error('provider down');
        }),
      ).rejects.toThrow('provider down');
      expect(await effects(job.id)).toBe(0);
      const ledger = await db.query('select 1 from private.job_runs where job_id = $1', [job.id]);
      expect(ledger.rowCount).toBe(0);

      // The retry runs the effect.
      const retry = await runOnce(pool, job, (client) =>
        client.query('insert into jobs_test.effects (job_id, note) values ($1, $2)', [job.id, 'retry']),
      );
      expect(retry.ran).toBe(true);
      expect(await effects(job.id)).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('serialises two concurrent deliveries of one job: the second waits, then skips', async () => {
    const pool = queryPool(stack.databaseUrl);
    const job = { id: randomUUID(), name: 'test.concurrent' };
    try {
      const insert = (note: string, pause: number) => (client: pg.PoolClient) =>
        client
          .query('insert into jobs_test.effects (job_id, note) values ($1, $2)', [job.id, note])
          .then(() => sleep(pause));
      const first = runOnce(pool, job, insert('first', 500));
      await sleep(100);
      const second = runOnce(pool, job, insert('second', 0));
      expect(await Promise.all([first, second])).toEqual([{ ran: true, result: undefined }, { ran: false }]);
      expect(await effects(job.id)).toBe(1);
    } finally {
      await pool.end();
    }
  });
});
