import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { type CokoWorker, startWorker } from '../../src/jobs/worker.ts';
import { CRASH_QUEUE, crashHandler, crashQueues } from './fixtures/crash-queue.ts';
import { insertJobs, jobRow, memoryLogger, ownDatabaseAsPostgres, queryPool, sendJob, waitFor } from './helpers.ts';
import { cokoBin, fixture, killChildrenAfterAll, spawnNode, tsxLoader } from './processes.ts';

const stack = testStack();
let db: pg.Pool;
killChildrenAfterAll();

beforeAll(async () => {
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  db = queryPool(stack.databaseUrl);
  await db.query(
    'create schema jobs_test; create table jobs_test.effects (id bigserial primary key, job_id uuid not null, stage text not null)',
  );
});
afterAll(async () => {
  await db.end();
});

describe('a worker killed mid-job', () => {
  it('leaves every job completed with its effect applied exactly once', async () => {
    const victim = spawnNode(['--import', tsxLoader, fixture('crash-worker.ts')], {
      COKO_DATABASE_URL: stack.databaseUrl,
    });
    await victim.waitForLine((line) => line.msg === 'worker started', 'the child worker to start', 20_000);

    // Two jobs in flight at once: one hangs inside its transaction, the other after COMMIT.
    let recovery: CokoWorker | undefined;
    try {
      const before = await sendJob(stack.databaseUrl, CRASH_QUEUE, { stage: 'before-commit' });
      const after = await sendJob(stack.databaseUrl, CRASH_QUEUE, { stage: 'after-commit' });
      await victim.waitForLine(
        (line) => line.stage === 'before-commit' && line.jobId === before,
        'the before-commit hang',
      );
      await victim.waitForLine(
        (line) => line.stage === 'after-commit' && line.jobId === after,
        'the after-commit hang',
      );
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');

      // The open transaction died with the process: no effect, no ledger row, the job still active.
      expect(await effects(before)).toBe(0);
      expect((await jobRow(db, before))?.state).toBe('active');
      // The committed one is complete although pg-boss never heard back from the handler:
      // runOnce completed the job in the effect's transaction.
      expect(await effects(after)).toBe(1);
      expect((await jobRow(db, after))?.state).toBe('completed');

      // A new worker: maintenance expires the dead worker's attempt and the job is redelivered.
      const { logger, lines: memoryLines } = memoryLogger();
      recovery = await startWorker({
        databaseUrl: stack.databaseUrl,
        queues: crashQueues,
        schedules: [],
        handlers: { [CRASH_QUEUE]: crashHandler({ hang: false }) },
        pollingIntervalSeconds: 0.5,
        maintenanceIntervalSeconds: 1,
        logger,
      });
      const redone = await waitFor(
        async () => {
          const row = await jobRow(db, before);
          return row?.state === 'completed' ? row : undefined;
        },
        { timeoutMs: 20_000, what: 'the redelivered job to complete' },
      ).catch(async (error: Error) => {
        error.message += `\njob: ${JSON.stringify(await jobRow(db, before))}\nworker log: ${JSON.stringify(memoryLines)}`;
        throw error;
      });

      expect(redone.retry_count).toBeGreaterThanOrEqual(1);
      expect(await effects(before)).toBe(1);
      expect(await effects(after)).toBe(1);
      expect((await jobRow(db, after))?.state).toBe('completed');
      const { rows } = await db.query(
        'select job_id, queue from private.job_runs where job_id = any($1::uuid[]) order by job_id',
        [[before, after]],
      );
      expect(rows).toHaveLength(2);
      expect(rows.every((row) => row.queue === CRASH_QUEUE)).toBe(true);
    } finally {
      await recovery?.stop({ timeoutMs: 1000 });
    }
  }, 30_000);
});

describe('a worker SIGKILLed during 1,000 jobs', () => {
  it('loses none and applies each effect exactly once', async () => {
    const total = 1000;
    const victim = spawnNode(['--import', tsxLoader, fixture('crash-worker.ts')], {
      COKO_DATABASE_URL: stack.databaseUrl,
      COKO_CONCURRENCY: '16',
    });
    await victim.waitForLine((line) => line.msg === 'worker started', 'the child worker to start', 20_000);

    let recovery: CokoWorker | undefined;
    try {
      // Two jobs that hang, one inside its transaction and one after COMMIT, guarantee work in
      // flight in both states at the moment of the kill; the other 998 flow through the other slots.
      const before = await sendJob(stack.databaseUrl, CRASH_QUEUE, { stage: 'before-commit' });
      const after = await sendJob(stack.databaseUrl, CRASH_QUEUE, { stage: 'after-commit' });
      const bulk = Array.from({ length: total - 2 }, () => randomUUID());
      await insertJobs(
        stack.databaseUrl,
        bulk.map((id) => ({ id, name: CRASH_QUEUE, data: { stage: 'none' } })),
      );
      const ids = [before, after, ...bulk];
      await victim.waitForLine((line) => line.jobId === before, 'the before-commit hang');
      await victim.waitForLine((line) => line.jobId === after, 'the after-commit hang');
      // Kill once a third of the effects are in: well inside the run, whatever the machine's speed.
      await waitFor(async () => (await effectCount(ids)) >= total / 3, {
        timeoutMs: 60_000,
        what: `${total / 3} effects`,
      });
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      const atKill = await states(ids);
      // The hung jobs were in flight: active, or (on a slow machine, past their 4 s expiry) back in retry.
      expect((atKill.active ?? 0) + (atKill.retry ?? 0)).toBeGreaterThanOrEqual(1);
      expect(atKill.completed ?? 0).toBeLessThan(total);

      const { logger } = memoryLogger();
      recovery = await startWorker({
        databaseUrl: stack.databaseUrl,
        queues: crashQueues,
        schedules: [],
        handlers: { [CRASH_QUEUE]: crashHandler({ hang: false }) },
        concurrency: 16,
        pollingIntervalSeconds: 0.5,
        maintenanceIntervalSeconds: 1,
        logger,
      });
      await waitFor(async () => (await states(ids)).completed === total, {
        timeoutMs: 120_000,
        what: `all ${total} jobs to complete`,
      }).catch(async (error: Error) => {
        error.message += `\nstates: ${JSON.stringify(await states(ids))}`;
        throw error;
      });

      // 0 lost: every job has its effect; 0 duplicates: none has two.
      const { rows } = await db.query<{ jobs: number; effects: number; duplicated: number }>(
        `select count(distinct job_id)::int as jobs, count(*)::int as effects,
                (select count(*)::int from (select 1 from jobs_test.effects where job_id = any($1::uuid[])
                   group by job_id having count(*) > 1) d) as duplicated
         from jobs_test.effects where job_id = any($1::uuid[])`,
        [ids],
      );
      expect(rows[0]).toEqual({ jobs: total, effects: total, duplicated: 0 });
      const runs = await db.query<{ n: number }>(
        'select count(*)::int as n from private.job_runs where job_id = any($1::uuid[])',
        [ids],
      );
      expect(runs.rows[0]?.n).toBe(total);
      console.info(
        `worker SIGKILL test: ${total} jobs, killed with ${atKill.completed ?? 0} completed and ${atKill.active ?? 0} active, ${atKill.retry ?? 0} awaiting retry; ` +
          `after recovery ${rows[0]?.jobs} effects, 0 lost, ${rows[0]?.duplicated} duplicated`,
      );
    } finally {
      await recovery?.stop({ timeoutMs: 1000 });
    }
  }, 240_000);
});

describe('coko worker', () => {
  it('starts, lists queues and schedules, and stops gracefully on SIGTERM', async () => {
    const cli = spawnNode([cokoBin, 'worker', '--stop-timeout', '5'], {
      DATABASE_URL: stack.databaseUrl,
      LOG_LEVEL: 'info',
    });
    const started = await cli.waitForLine((line) => line.msg === 'worker started', 'coko worker to start', 20_000);
    expect(started).toMatchObject({ level: 'info', service: 'coko-worker', schema: 'pgboss' });
    await waitFor(async () => cli.stderr().includes('Schedules'), { what: 'the summary' });
    expect(cli.stderr()).toContain('accounts.anonymize-due');
    expect(cli.stderr()).toContain('0 * * * * (UTC)');
    const { rows } = await db.query(
      `select application_name from pg_stat_activity where datname = current_database() and application_name = 'coko-worker'`,
    );
    expect(rows.length).toBeGreaterThan(0);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.json().map((line) => line.msg)).toEqual(expect.arrayContaining(['worker stopping', 'worker stopped']));
  }, 30_000);
});

async function effectCount(ids: string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from jobs_test.effects where job_id = any($1::uuid[])',
    [ids],
  );
  return rows[0]?.n ?? 0;
}

/** Job counts by pg-boss state. */
async function states(ids: string[]): Promise<Record<string, number>> {
  const { rows } = await db.query<{ state: string; n: number }>(
    'select state::text, count(*)::int as n from pgboss.job where id = any($1::uuid[]) group by state',
    [ids],
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}

async function effects(jobId: string): Promise<number> {
  const { rows } = await db.query<{ count: string }>('select count(*) from jobs_test.effects where job_id = $1', [
    jobId,
  ]);
  return Number(rows[0]?.count);
}
