import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { HANDLERS } from '../../src/jobs/handlers/index.ts';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES, QUEUES, SCHEDULES } from '../../src/jobs/queues.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { memoryLogger, ownDatabaseAsPostgres, queryPool } from './helpers.ts';

const stack = testStack();
let db: pg.Pool;

beforeAll(async () => {
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  db = queryPool(stack.databaseUrl);
});
afterAll(() => db.end());

describe('queue declarations', () => {
  it('declares the contract queues, each retried with backoff into the dead-letter queue', () => {
    const names = QUEUES.map((queue) => queue.name);
    expect(names).toEqual(
      expect.arrayContaining(['accounts.anonymize-due', 'audit.create-partitions', DEAD_LETTER_QUEUE]),
    );
    expect(new Set(names).size).toBe(names.length);
    for (const queue of QUEUES.filter((declared) => declared.name !== DEAD_LETTER_QUEUE)) {
      expect(queue.options, queue.name).toMatchObject({ retryBackoff: true, deadLetter: DEAD_LETTER_QUEUE });
      expect(queue.options.retryLimit, queue.name).toBeGreaterThan(0);
      expect(queue.options.retryDelay, queue.name).toBeGreaterThan(0);
      expect(queue.options.expireInSeconds, queue.name).toBeGreaterThan(0);
      expect(['standard', 'short', 'singleton', 'stately']).toContain(queue.options.policy);
      expect(HANDLERS[queue.name], `${queue.name} has a handler`).toBeTypeOf('function');
    }
    expect(HANDLERS[DEAD_LETTER_QUEUE]).toBeUndefined();
  });

  it('schedules accounts.anonymize-due hourly and audit.create-partitions daily', () => {
    const cron = Object.fromEntries(SCHEDULES.map((schedule) => [schedule.queue, schedule.cron]));
    expect(cron[QUEUE_NAMES.anonymizeDueAccounts]).toMatch(/^\d+ \* \* \* \*$/);
    expect(cron[QUEUE_NAMES.createAuditPartitions]).toMatch(/^\d+ \d+ \* \* \*$/);
    for (const schedule of SCHEDULES) expect(QUEUES.map((queue) => queue.name)).toContain(schedule.queue);
  });
});

describe('startWorker', () => {
  it('creates the queues with their options and registers the schedules, idempotently', async () => {
    const { logger, lines } = memoryLogger();
    // No handlers: this test looks at the declarations in the database, not at jobs.
    const first = await startWorker({ databaseUrl: stack.databaseUrl, handlers: {}, logger });
    await first.stop({ timeoutMs: 1000 });
    // Drift in the database converges back to the declarations on the next start.
    await db.query(`update pgboss.queue set retry_limit = 0 where name = 'accounts.anonymize-due'`);
    await db.query(`insert into pgboss.queue (name, policy) values ('test.gone', 'standard')`);
    await db.query(`insert into pgboss.schedule (name, cron, timezone) values ('test.gone', '* * * * *', 'UTC')`);
    const second = await startWorker({ databaseUrl: stack.databaseUrl, handlers: {}, logger });
    try {
      const queues = await second.boss.getQueues();
      for (const declared of QUEUES) {
        const stored = queues.find((queue) => queue.name === declared.name);
        expect(stored, declared.name).toMatchObject({ name: declared.name, ...declared.options });
      }
      const schedules = await second.boss.getSchedules();
      expect(schedules.map(({ name, cron }) => ({ name, cron })).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
        SCHEDULES.map(({ queue, cron }) => ({ name: queue, cron })).sort((a, b) => a.name.localeCompare(b.name)),
      );
      const partitions = schedules.find(
        (schedule) => schedule.name === QUEUE_NAMES.createAuditPartitions,
      ) as PgBoss.Schedule & { timezone: string };
      expect(partitions).toMatchObject({ timezone: 'UTC', data: { monthsAhead: 3 } });
    } finally {
      await second.stop({ timeoutMs: 1000 });
    }
    expect(lines.filter((line) => line.msg === 'worker started')).toHaveLength(2);
    const { rows } = await db.query(`select count(*)::int as n from pgboss.queue where name = any($1)`, [
      QUEUES.map((queue) => queue.name),
    ]);
    expect(rows[0].n).toBe(QUEUES.length);
  });

  it('refuses handlers for undeclared queues and schedules for unknown queues', async () => {
    await expect(
      startWorker({ databaseUrl: stack.databaseUrl, handlers: { 'nope.unknown': async () => {} } }),
    ).rejects.toThrow(/undeclared queue nope\.unknown/);
    await expect(
      startWorker({
        databaseUrl: stack.databaseUrl,
        handlers: {},
        schedules: [{ queue: 'nope.unknown', cron: '* * * * *', tz: 'UTC', description: '' }],
      }),
    ).rejects.toThrow(/undeclared queue/);
  });
});

describe('private.job_runs', () => {
  it('is a private, RLS-protected table that the API roles cannot touch', async () => {
    const { rows } = await db.query<{ rls: boolean; comment: string | null; anon: boolean; authenticated: boolean }>(`
      select c.relrowsecurity as rls, obj_description(c.oid, 'pg_class') as comment,
             has_table_privilege('anon', c.oid, 'select,insert,update,delete') as anon,
             has_table_privilege('authenticated', c.oid, 'select,insert,update,delete') as authenticated
      from pg_class c where c.oid = 'private.job_runs'::regclass`);
    expect(rows[0]).toMatchObject({ rls: true, anon: false, authenticated: false });
    expect(rows[0]?.comment).toMatch(/runOnce/);
  });
});
