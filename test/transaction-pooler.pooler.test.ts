// A cross-section of Coko's data paths with PostgREST, the API, the gateway and a pg-boss worker all
// connected through PgBouncer in transaction mode (test/setup-stack.ts gives a `*.pooler.test.ts` file
// its own): a server connection serves one transaction, then another client, so nothing may rely on
// session state. The whole suite runs the same way with COKO_TEST_POOLER=pgbouncer (docs/SCALING.md).
import { randomUUID } from 'node:crypto';
import { dropDatabase, ensureDatabase, prepareDatabase, withDatabase } from '@coko/server/dev';
import { pgbouncerAvailability } from '@coko/server/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentFixtures, RETURN_URL } from './payment-fixtures.ts';
import { testStack } from './stack.ts';

const availability = pgbouncerAvailability();
if ('missing' in availability) console.warn(`SKIPPED the transaction-pooler tests: ${availability.missing}`);

/** Safety net only: the worker polls every 0.5 s, an order settles in about a second. */
const SETTLE_TIMEOUT = 30_000;

describe.skipIf('missing' in availability)('through PgBouncer in transaction mode', () => {
  const stack = testStack();
  const database = new URL(stack.adminDatabaseUrl).pathname.slice(1);
  let fixtures: Awaited<ReturnType<typeof paymentFixtures>>;
  beforeAll(async () => {
    fixtures = await paymentFixtures();
  });
  afterAll(() => fixtures?.stop());

  /** PgBouncer's admin console (`SHOW POOLS`), as the superuser it knows. */
  async function pools(): Promise<Array<Record<string, string>>> {
    const url = new URL(stack.adminDatabaseUrl);
    url.hostname = stack.pooler?.host ?? '';
    url.port = String(stack.pooler?.port);
    url.pathname = '/pgbouncer';
    const console = new pg.Client({ connectionString: url.toString() });
    await console.connect();
    try {
      const { rows } = await console.query('SHOW POOLS');
      return rows.filter((row) => row.database === database);
    } finally {
      await console.end();
    }
  }

  it('the API, the gateway and PostgREST reach the database through the pooler, pooled per transaction', async () => {
    expect(stack.pooler).toBeDefined();
    expect(new URL(stack.databaseUrl).port).toBe(String(stack.pooler?.port));
    const coko = await fixtures.reader(); // the API minted a session; the SDK then reads through PostgREST
    await coko.catalog.list({ limit: 1 });
    const byUser = new Map((await pools()).map((row) => [row.user, row]));
    expect([...byUser.keys()]).toEqual(expect.arrayContaining(['authenticator', 'postgres']));
    for (const row of byUser.values()) expect(row.pool_mode).toBe('transaction');
  });

  it('many clients share few server connections: each transaction may land on another session', async () => {
    const pids: number[] = [];
    for (let i = 0; i < 8; i++) {
      const client = new pg.Client({ connectionString: stack.databaseUrl });
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      pids.push(rows[0]?.pid ?? 0);
      await client.end();
    }
    // One after the other, the clients reuse the server connection the previous one released.
    expect(new Set(pids).size).toBeLessThan(pids.length);
  });

  it('a reader saves and reads back progress (pre-request hook, RLS) and syncs, concurrently', async () => {
    const [awa, moussa] = await Promise.all([fixtures.reader(), fixtures.reader()]);
    const bookId = randomUUID();
    await fixtures.admin.query(
      `insert into public.books (id, title, language, status, format) values ($1, 'Pooled', 'fr', 'published', 'epub')`,
      [bookId],
    );
    const locator = (progression: number) => ({
      href: 'chapter-2.xhtml',
      type: 'application/xhtml+xml',
      locations: { progression, totalProgression: progression / 2 },
    });
    // Interleaved saves of two readers: claims and role are set per transaction, never leak across.
    await Promise.all(
      [0.1, 0.2, 0.3, 0.4].flatMap((progression) => [
        awa.reading.saveProgress(bookId, locator(progression)),
        moussa.reading.saveProgress(bookId, locator(progression / 4)),
      ]),
    );
    await awa.reading.saveProgress(bookId, locator(0.9));
    expect((await awa.reading.getProgress(bookId))?.locator.locations.progression).toBe(0.9);
    expect((await moussa.reading.getProgress(bookId))?.locator.locations.progression).toBeLessThanOrEqual(0.1);
    // sync_reading takes the reader's transaction-level advisory lock and returns every change since 0.
    const synced = await awa.reading.sync();
    expect(synced.changes.progress).toEqual([
      expect.objectContaining({ bookId, locator: expect.objectContaining(locator(0.9)) }),
    ]);
  });

  it('bootstraps, migrates and seeds a fresh database through the pooler, leaving no lock behind', async () => {
    const name = `pooled_${randomUUID().slice(0, 8)}`;
    const maintenance = withDatabase(stack.adminDatabaseUrl, 'postgres');
    await ensureDatabase(maintenance, name);
    try {
      const pooled = new URL(withDatabase(stack.adminDatabaseUrl, name));
      pooled.port = String(stack.pooler?.port);
      const result = await prepareDatabase(pooled.toString(), stack.keys, { seed: true, setPostgresPassword: false });
      expect(result.applied.length).toBeGreaterThan(0);
      expect(result.seeded).toBe(true);
      // A session lock taken through the pooler would stay on a server connection other clients get.
      const { rows } = await fixtures.admin.query(
        `select count(*)::int as n from pg_locks
         where locktype = 'advisory' and database = (select oid from pg_database where datname = $1)`,
        [name],
      );
      expect(rows[0]?.n).toBe(0);
      const again = await prepareDatabase(pooled.toString(), stack.keys, { seed: false, setPostgresPassword: false });
      expect(again.applied).toEqual([]);
    } finally {
      await dropDatabase(maintenance, name);
    }
  });

  it('checkout → sandbox → webhook → pg-boss job → entitlement, the worker on the pooler too', async () => {
    const coko = await fixtures.reader();
    const bookId = await fixtures.paidBook();
    const { order, checkoutUrl } = await coko.payments.checkout({ bookId, provider: 'sandbox', returnUrl: RETURN_URL });
    await fixtures.sandbox(checkoutUrl, 'approve');
    expect(await coko.payments.waitForOrder(order.id, { timeoutMs: SETTLE_TIMEOUT })).toMatchObject({ status: 'paid' });
    const { rows } = await fixtures.admin.query(
      `select count(*)::int as n from pgboss.job where name = 'payments.process-event' and state = 'completed'`,
    );
    expect(rows[0]?.n).toBeGreaterThan(0);
  });
});
