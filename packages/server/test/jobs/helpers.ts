import pg from 'pg';
import type PgBoss from 'pg-boss';
import { createLogger, type Logger } from '../../src/observability/logger.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value (returned) or the timeout passes (throws). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  { timeoutMs = 15_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** A logger that keeps its JSON lines (parsed) for assertions. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { logger: createLogger({ level: 'debug', sink: (line) => lines.push(JSON.parse(line)) }), lines };
}

export interface JobRow {
  id: string;
  name: string;
  state: string;
  retry_count: number;
  data: Record<string, unknown>;
  output: Record<string, unknown> | null;
  started_on: Date | null;
  completed_on: Date | null;
}

/** A small pool for assertions, outside the worker under test. */
export function queryPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {}); // an idle client dropped when the stack stops: nothing to do
  return pool;
}

export async function jobRow(db: pg.Pool, id: string): Promise<JobRow | undefined> {
  const { rows } = await db.query<JobRow>('select * from pgboss.job where id = $1', [id]);
  return rows[0];
}

export async function jobsOf(db: pg.Pool, queue: string): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>('select * from pgboss.job where name = $1 order by created_on', [queue]);
  return rows;
}

/**
 * On Supabase and under `coko dev` the database belongs to `postgres`, so the worker (connected as
 * postgres) may create pg-boss's schema. The test harness clones each file's database as the
 * superuser, which makes the superuser its owner: hand it back to postgres, as bootstrap does.
 */
export async function ownDatabaseAsPostgres(adminDatabaseUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`do $$ begin execute format('alter database %I owner to postgres', current_database()); end $$`);
  } finally {
    await admin.end();
  }
}

/** Runs `use` with a short-lived pg-boss client on `url` (no maintenance, no migrations): jobs are plain rows. */
async function withBossClient<T>(url: string, use: (boss: PgBoss) => Promise<T>): Promise<T> {
  const { default: PgBoss } = await import('pg-boss');
  const boss = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    supervise: false,
    schedule: false,
    migrate: false,
  });
  await boss.start();
  try {
    return await use(boss);
  } finally {
    await boss.stop({ graceful: false });
  }
}

/** Sends one job from outside the worker under test; its id. */
export function sendJob(url: string, queue: string, data: object = {}): Promise<string> {
  return withBossClient(url, async (boss) => {
    const id = await boss.send(queue, data);
    if (!id) throw new Error('send returned no id');
    return id;
  });
}

/** Inserts many jobs at once (pg-boss's bulk insert). */
export function insertJobs(url: string, jobs: { id: string; name: string; data: object }[]): Promise<void> {
  return withBossClient(url, (boss) => boss.insert(jobs));
}
