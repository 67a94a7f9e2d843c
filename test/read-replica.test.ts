// Catalog reads on a read replica: a second Postgres streaming from a primary (a hot standby), a
// second PostgREST on it, and the gateway sending catalog reads there and everything else to the
// primary (docs/SCALING.md). Replay is paused on the replica to make its lag explicit: what the
// replica has not replayed yet, a request it answers cannot see.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createApiFactory,
  ensureDatabase,
  freePort,
  makeTempDir,
  mintUserToken,
  type PostgresServer,
  prepareDatabase,
  type Services,
  type StreamingReplica,
  startEmbeddedPostgres,
  startServices,
  startStreamingReplica,
  withDatabase,
} from '@coko/server/dev';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const { keys } = inject('cokoCluster');
/** Safety net only: the replica replays a few kB of WAL in milliseconds. */
const CATCH_UP_TIMEOUT_MS = 20_000;

let dir: string;
let primary: PostgresServer | undefined;
let replica: StreamingReplica | undefined;
let services: Services | undefined;
let onPrimary: pg.Pool;
let onReplica: pg.Pool;

beforeAll(async () => {
  dir = makeTempDir('coko-replica-test-');
  const dataDir = join(dir, 'primary');
  primary = await startEmbeddedPostgres({ dataDir, port: await freePort(), password: keys.adminPassword });
  await ensureDatabase(primary.adminUrl, 'coko');
  const adminDatabaseUrl = withDatabase(primary.adminUrl, 'coko');
  await prepareDatabase(adminDatabaseUrl, keys, { seed: false });
  replica = await startStreamingReplica({
    primaryAdminUrl: primary.adminUrl,
    primaryDataDir: dataDir,
    port: await freePort(),
  });
  services = await startServices({
    adminDatabaseUrl,
    keys,
    postgrestPool: 2,
    readReplica: { host: replica.host, port: replica.port },
    createApi: createApiFactory({
      env: 'test',
      environment: { LOG_LEVEL: 'silent', RATE_LIMITS: 'off', STORAGE_LOCAL_ROOT: join(dir, 'storage') },
    }),
  });
  onPrimary = new pg.Pool({ connectionString: adminDatabaseUrl, max: 2 });
  onReplica = new pg.Pool({ connectionString: replica.adminUrl('coko'), max: 2 });
}, 120_000);

afterAll(async () => {
  await Promise.all([onPrimary?.end(), onReplica?.end()]);
  await services?.stop();
  await replica?.stop();
  await primary?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Waits until the replica has replayed everything the primary has written so far. */
async function caughtUp(): Promise<void> {
  const { rows } = await onPrimary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  for (;;) {
    const { rows: replayed } = await onReplica.query<{ done: boolean }>(
      'select pg_last_wal_replay_lsn() >= $1::pg_lsn as done',
      [rows[0]?.lsn],
    );
    if (replayed[0]?.done) return;
    if (Date.now() > deadline) throw new Error('the replica did not catch up');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `fn` while the replica replays nothing: a replica lagging as long as `fn` takes. */
async function whileReplicaLags<T>(fn: () => Promise<T>): Promise<T> {
  await onReplica.query('select pg_wal_replay_pause()');
  try {
    return await fn();
  } finally {
    await onReplica.query('select pg_wal_replay_resume()');
  }
}

function rest(path: string, init: RequestInit & { key?: string; token?: string } = {}) {
  const { key, token, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('apikey', key ?? keys.publishableKey);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (rest.body) headers.set('content-type', 'application/json');
  return fetch(`${services?.url}/rest/v1/${path}`, { ...rest, headers });
}

/** Whether the search RPC (POST, as the SDK calls it) lists the book. */
async function searchFinds(id: string): Promise<boolean> {
  const search = await rest('rpc/search_books', { method: 'POST', body: JSON.stringify({ query: bookRow(id).title }) });
  expect(search.status).toBe(200);
  return JSON.stringify(await search.json()).includes(id);
}

const bookRow = (id: string) => ({
  id,
  title: `Réplique ${id.slice(0, 8)}`,
  language: 'fr',
  status: 'published',
  format: 'epub',
});

describe('a read replica for catalog reads', () => {
  it('streams from the primary and refuses writes', async () => {
    const { rows } = await onReplica.query('select pg_is_in_recovery() as standby');
    expect(rows[0]).toEqual({ standby: true });
    const refused = await onReplica.query(`insert into public.publishers (name) values ('x')`).catch((e) => e);
    expect(refused).toMatchObject({ code: '25006' }); // read_only_sql_transaction
  });

  it('catalog reads come from the replica; writes, even of the catalog, go to the primary', async () => {
    const id = randomUUID();
    await whileReplicaLags(async () => {
      // The secret key's write reaches the primary (the replica would refuse it with 25006).
      const created = await rest('books', { method: 'POST', key: keys.secretKey, body: JSON.stringify(bookRow(id)) });
      expect(created.status).toBe(201);
      expect((await onPrimary.query('select id from public.books where id = $1', [id])).rows).toHaveLength(1);
      // The lagging replica answers the catalog read: the book is not there yet.
      expect(await (await rest(`books?id=eq.${id}&select=id,title`)).json()).toEqual([]);
      expect(await searchFinds(id)).toBe(false);
    });
    await caughtUp();
    expect(await (await rest(`books?id=eq.${id}&select=id,title`)).json()).toEqual([{ id, title: bookRow(id).title }]);
    expect(await searchFinds(id)).toBe(true);
  });

  it("a reader's own progress is read from the primary: saved, then read back at once while the replica lags", async () => {
    const bookId = randomUUID();
    const reader = { id: randomUUID(), email: `replica-${randomUUID().slice(0, 8)}@reader.test` };
    await onPrimary.query(
      `insert into public.books (id, title, language, status, format) values ($1, $2, 'fr', 'published', 'epub')`,
      [bookId, bookRow(bookId).title],
    );
    await onPrimary.query(
      `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '{}', '{}', now(), now())`,
      [reader.id, reader.email],
    );
    await caughtUp(); // the replica knows the reader and the book: only the save below is missing there
    const token = await mintUserToken(
      keys,
      { id: reader.id, email: reader.email, appMetadata: {} },
      { expiresInSeconds: 600 },
    );
    const locator = {
      href: 'chapter-1.xhtml',
      type: 'application/xhtml+xml',
      locations: { progression: 0.4, totalProgression: 0.2 },
    };
    await whileReplicaLags(async () => {
      const saved = await rest('reading_progress', {
        method: 'POST',
        token,
        body: JSON.stringify({ book_id: bookId, locator, device_id: 'phone' }),
      });
      expect(saved.status, await saved.clone().text()).toBe(201);
      const own = await rest(`reading_progress?book_id=eq.${bookId}&select=book_id,locator`, { token });
      expect(await own.json()).toEqual([{ book_id: bookId, locator }]);
      // A catalog read that embeds the reader's own rows is not a catalog read: the primary answers it.
      const embedded = await rest(`books?id=eq.${bookId}&select=id,reading_progress(device_id)`, { token });
      expect(await embedded.json()).toEqual([{ id: bookId, reading_progress: [{ device_id: 'phone' }] }]);
    });
  });
});
