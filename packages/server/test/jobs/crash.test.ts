import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { type CokoWorker, startWorker } from '../../src/jobs/worker.ts';
import { CRASH_QUEUE, crashHandler, crashQueues } from './fixtures/crash-queue.ts';
import { jobRow, memoryLogger, ownDatabaseAsPostgres, queryPool, waitFor } from './helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
// tsx as a loader inside ONE node process (not the tsx CLI, which runs the script in a second
// process): the SIGKILL below must hit the process that runs the job.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const cokoBin = join(here, '..', '..', 'bin', 'coko.mjs');
const stack = testStack();
let db: pg.Pool;

/** Spawns `node <args>` and collects its stdout lines. */
function spawnNode(args: string[], env: Record<string, string>) {
  const entry = args.filter((arg) => !arg.startsWith('file:')).join(' ');
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const json = () =>
    lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const waitForLine = (match: (line: Record<string, unknown>) => boolean, what: string, timeoutMs = 15_000) =>
    waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${entry} exited (${child.exitCode}) while waiting for ${what}:\n${stderr}`);
        return json().find(match);
      },
      { timeoutMs, intervalMs: 50, what },
    );
  return { child, exited, json, waitForLine, stderr: () => stderr };
}

const children: ChildProcess[] = [];
beforeAll(async () => {
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  db = queryPool(stack.databaseUrl);
  await db.query(
    'create schema jobs_test; create table jobs_test.effects (id bigserial primary key, job_id uuid not null, stage text not null)',
  );
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await db.end();
});

describe('a worker killed mid-job', () => {
  it('leaves every job completed with its effect applied exactly once', async () => {
    const victim = spawnNode(['--import', tsxLoader, join(here, 'fixtures', 'crash-worker.ts')], {
      COKO_DATABASE_URL: stack.databaseUrl,
    });
    children.push(victim.child);
    await victim.waitForLine((line) => line.msg === 'worker started', 'the child worker to start', 20_000);

    // Two jobs in flight at once: one hangs inside its transaction, the other after COMMIT.
    let recovery: CokoWorker | undefined;
    try {
      const before = await sendTo(CRASH_QUEUE, { stage: 'before-commit' });
      const after = await sendTo(CRASH_QUEUE, { stage: 'after-commit' });
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

describe('coko worker', () => {
  it('starts, lists queues and schedules, and stops gracefully on SIGTERM', async () => {
    const cli = spawnNode([cokoBin, 'worker', '--stop-timeout', '5'], {
      DATABASE_URL: stack.databaseUrl,
      LOG_LEVEL: 'info',
    });
    children.push(cli.child);
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

async function sendTo(queue: string, data: object): Promise<string> {
  // Jobs are plain rows: send through pg-boss's SQL-level API from a short-lived instance.
  const { default: PgBoss } = await import('pg-boss');
  const boss = new PgBoss({
    connectionString: stack.databaseUrl,
    schema: 'pgboss',
    supervise: false,
    schedule: false,
    migrate: false,
  });
  await boss.start();
  try {
    const id = await boss.send(queue, data);
    if (!id) throw new Error('send returned no id');
    return id;
  } finally {
    await boss.stop({ graceful: false });
  }
}

async function effects(jobId: string): Promise<number> {
  const { rows } = await db.query<{ count: string }>('select count(*) from jobs_test.effects where job_id = $1', [
    jobId,
  ]);
  return Number(rows[0]?.count);
}
