import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { anonymizeDueAccounts, createAuditPartitions, pruneJobRuns } from '../../src/jobs/handlers/index.ts';
import type { Job, JobContext } from '../../src/jobs/types.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { queryPool } from './helpers.ts';

const stack = testStack();
let db: pg.Pool;

beforeAll(() => {
  db = queryPool(stack.databaseUrl);
});
afterAll(() => db.end());

const context = (): JobContext => ({
  db,
  log: silentLogger,
  signal: new AbortController().signal,
  runOnce: () => Promise.reject(new Error('not used by these handlers')),
});
const job = <T>(name: string, data: T) =>
  ({ id: randomUUID(), name, data, retryCount: 0, retryLimit: 0 }) as unknown as Job<T>;

describe('accounts.anonymize-due', () => {
  it('anonymises accounts past their retention, and a second run finds nothing', async () => {
    const id = randomUUID();
    const admin = queryPool(stack.adminDatabaseUrl);
    try {
      await admin.query(
        `insert into auth.users (id, aud, role, email, created_at, updated_at)
         values ($1, 'authenticated', 'authenticated', $2, now(), now())`,
        [id, `leaving-${id}@example.com`],
      );
      // Deleted 31 days ago: past the 30-day retention.
      await admin.query('select private.soft_delete_account($1)', [id]);
      await admin.query(
        `update private.account_states set deleted_at = now() - interval '31 days',
                anonymize_after = now() - interval '1 day' where user_id = $1`,
        [id],
      );
      const first = (await anonymizeDueAccounts(job('accounts.anonymize-due', {}), context())) as {
        anonymized: number;
      };
      expect(first.anonymized).toBeGreaterThanOrEqual(1);
      const { rows } = await admin.query<{ email: string | null }>('select email from auth.users where id = $1', [id]);
      expect(rows[0]?.email ?? null).not.toBe(`leaving-${id}@example.com`);
      expect(await anonymizeDueAccounts(job('accounts.anonymize-due', {}), context())).toEqual({ anonymized: 0 });
    } finally {
      await admin.end();
    }
  });
});

describe('audit.create-partitions', () => {
  it('calls private.create_audit_partitions(months_ahead) and is idempotent', async () => {
    const first = (await createAuditPartitions(job('audit.create-partitions', { monthsAhead: 4 }), context())) as {
      created: number;
    };
    expect(first).toMatchObject({ monthsAhead: 4 });
    expect(await createAuditPartitions(job('audit.create-partitions', { monthsAhead: 4 }), context())).toEqual({
      monthsAhead: 4,
      created: 0,
    });
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_inherits where inhparent = 'public.audit_logs'::regclass`,
    );
    expect(rows[0]?.n).toBeGreaterThanOrEqual(5); // this month and the next four
  });

  it('falls back to three months for missing or invalid data', async () => {
    expect(
      await createAuditPartitions(job('audit.create-partitions', { monthsAhead: 'lots' }), context()),
    ).toMatchObject({ monthsAhead: 3 });
  });
});

describe('jobs.prune-runs', () => {
  it('deletes ledger rows older than 30 days only', async () => {
    const old = randomUUID();
    const recent = randomUUID();
    await db.query(
      `insert into private.job_runs (job_id, queue, started_at, finished_at) values
      ($1, 'test', now() - interval '40 days', now() - interval '40 days'), ($2, 'test', now(), now())`,
      [old, recent],
    );
    expect(await pruneJobRuns(job('jobs.prune-runs', {}), context())).toEqual({ deleted: 1 });
    const { rows } = await db.query('select job_id from private.job_runs where job_id = any($1::uuid[])', [
      [old, recent],
    ]);
    expect(rows).toEqual([{ job_id: recent }]);
  });
});
