// Reading sync benchmark: what one progress save and one 500-change sync cost, in the database
// (EXPLAIN ANALYZE as `authenticated` with request.jwt.claims set, as PostgREST runs them) and
// end to end through the gateway.
//
//   cd bench && npx tsx src/reading-sync.ts
//   BENCH_READING_RUNS=50 npx tsx src/reading-sync.ts
//
// Every SQL scenario runs in a transaction that is rolled back, so each run starts from the same
// state. Figures are execution times reported by EXPLAIN ANALYZE (planning excluded; the RPC's
// inner statements are planned once per session and cached, as in PostgREST's pooled
// connections). HTTP figures are wall-clock times of sequential requests on one keep-alive
// connection.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { mintUserToken, withClient } from '@coko/server/dev';
import type pg from 'pg';
import { startBenchStack } from './bench-stack.ts';

const RUNS = Number(process.env.BENCH_READING_RUNS ?? 30);
const HTTP_RUNS = Number(process.env.BENCH_READING_HTTP_RUNS ?? 30);
/** Target from the reading issue: 500 changes must apply in well under 100 ms. */
const TARGET_SYNC_500_MS = 100;

const log = (line: string) => console.log(line);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

interface Summary {
  runs: number;
  minMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    runs: sorted.length,
    minMs: round(sorted[0]!),
    medianMs: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(sorted[sorted.length - 1]!),
  };
}

// =============================================================================================
// Data
// =============================================================================================
const locator = (href: string, totalProgression: number) => ({
  href,
  type: 'application/xhtml+xml',
  locations: { progression: 0.5, totalProgression, position: 12 },
  text: { before: 'Il était une fois ', highlight: 'Soundjata', after: ' le fils du lion.' },
});

/** 500 changes as a device sends them after a week offline: 200 progress saves, 250 highlights, 50 sessions. */
function batch500(books: string[], minutesAgo: number, ids?: { annotations: string[]; sessions: string[] }): unknown[] {
  const when = (extra = 0) => new Date(Date.now() - (minutesAgo - extra) * 60_000).toISOString();
  const annotationIds = ids?.annotations ?? Array.from({ length: 250 }, () => randomUUID());
  const sessionIds = ids?.sessions ?? Array.from({ length: 50 }, () => randomUUID());
  return [
    ...books.slice(0, 200).map((bookId, i) => ({
      op: 'progress.save',
      bookId,
      deviceId: 'bench-phone',
      deviceUpdatedAt: when(i / 1000),
      locator: locator(`chapter-${i % 30}.xhtml`, (i % 100) / 100),
    })),
    ...annotationIds.map((id, i) => ({
      op: 'annotation.upsert',
      id,
      bookId: books[i % books.length],
      deviceId: 'bench-phone',
      deviceUpdatedAt: when(),
      kind: i % 5 === 0 ? 'note' : 'highlight',
      locator: locator(`chapter-${i % 30}.xhtml`, 0.3),
      selectedText: 'Soundjata, le fils du lion, '.repeat(4),
      note: i % 5 === 0 ? 'À relire avec les enfants.' : null,
      color: '#ffd54f',
    })),
    ...sessionIds.map((id, i) => ({
      op: 'session.upsert',
      id,
      bookId: books[i % books.length],
      deviceId: 'bench-phone',
      deviceUpdatedAt: when(),
      startedAt: new Date(Date.now() - (minutesAgo + 30) * 60_000).toISOString(),
      endedAt: when(),
      pagesRead: 12,
      deviceType: 'android',
    })),
  ];
}

// =============================================================================================
// SQL: EXPLAIN ANALYZE as the API role
// =============================================================================================
async function asReader<T>(client: pg.Client, userId: string, fn: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    await client.query('set local role authenticated');
    await client.query(`select set_config('request.jwt.claims', $1, true)`, [
      JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated' }),
    ]);
    return await fn();
  } finally {
    await client.query('rollback');
  }
}

async function explainMs(client: pg.Client, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await client.query(`explain (analyze, format json) ${sql}`, params);
  const plan = (rows[0] as { 'QUERY PLAN': [{ 'Execution Time': number }] })['QUERY PLAN'][0];
  return plan['Execution Time'];
}

/** The statement PostgREST runs for `POST /reading_progress` with `Prefer: resolution=merge-duplicates`. */
const POSTGREST_UPSERT = `
  insert into public.reading_progress (book_id, device_id, device_updated_at, locator)
  select b.book_id, b.device_id, b.device_updated_at, b.locator
  from json_to_recordset(case when json_typeof($1::json) = 'array' then $1::json else json_build_array($1::json) end)
    as b (book_id uuid, device_id text, device_updated_at timestamptz, locator jsonb)
  on conflict (user_id, book_id) do update
    set book_id = excluded.book_id, device_id = excluded.device_id,
        device_updated_at = excluded.device_updated_at, locator = excluded.locator
  returning 1`;

async function main(): Promise<void> {
  log(
    `Reading sync bench — ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const bench = await startBenchStack();
  const { stack } = bench;
  const results: Record<string, unknown> = {};
  try {
    const readerId = randomUUID();
    const books = await withClient(stack.adminDatabaseUrl, async (client) => {
      await client.query(
        `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
         values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '{}', '{}', now(), now())`,
        [readerId, `bench-${readerId.slice(0, 8)}@reading.bench`],
      );
      const { rows } = await client.query<{ id: string }>(
        `select id from public.books where status = 'published' order by id limit 200`,
      );
      return rows.map((row) => row.id);
    });
    if (books.length < 200) throw new Error(`the seed has ${books.length} published books; the bench needs 200`);
    log(`  stack at ${stack.url}; reader ${readerId}; ${books.length} books`);

    await withClient(stack.adminDatabaseUrl, async (client) => {
      // A committed starting state for the "existing rows" scenarios: progress on every book, and
      // the annotations and sessions of one batch.
      const existing = {
        annotations: Array.from({ length: 250 }, () => randomUUID()),
        sessions: Array.from({ length: 50 }, () => randomUUID()),
      };
      await client.query('begin');
      await client.query('set local role authenticated');
      await client.query(`select set_config('request.jwt.claims', $1, true)`, [
        JSON.stringify({ sub: readerId, role: 'authenticated' }),
      ]);
      const seedBatch = JSON.stringify(batch500(books, 600, existing));
      const seeded = await client.query<{ r: { checkpoint: number } }>('select public.sync_reading($1, 0) as r', [
        seedBatch,
      ]);
      await client.query('commit');
      const checkpoint = seeded.rows[0]!.r.checkpoint;
      await client.query('vacuum analyze public.reading_progress, public.annotations, public.reading_sessions');
      const freshBook = (
        await client.query<{ id: string }>(
          `select id from public.books where status = 'published' order by id desc limit 1`,
        )
      ).rows[0]!.id;

      const scenario = async (name: string, sql: string, params: () => unknown[]) => {
        const samples: number[] = [];
        for (let i = 0; i < RUNS + 3; i++) {
          const ms = await asReader(client, readerId, () => explainMs(client, sql, params()));
          if (i >= 3) samples.push(ms); // the first runs plan and warm the caches
        }
        results[name] = summarize(samples);
        log(`  ${name.padEnd(44)} ${JSON.stringify(results[name])}`);
      };

      log('EXPLAIN ANALYZE (as authenticated, rolled back):');
      await scenario('upsert progress: new row', POSTGREST_UPSERT, () => [
        JSON.stringify({
          book_id: freshBook,
          device_id: 'bench-web',
          device_updated_at: new Date().toISOString(),
          locator: locator('c.xhtml', 0.4),
        }),
      ]);
      await scenario('upsert progress: newer version of a row', POSTGREST_UPSERT, () => [
        JSON.stringify({
          book_id: books[0],
          device_id: 'bench-web',
          device_updated_at: new Date().toISOString(),
          locator: locator('c.xhtml', 0.4),
        }),
      ]);
      await scenario('upsert progress: stale (skipped by trigger)', POSTGREST_UPSERT, () => [
        JSON.stringify({
          book_id: books[0],
          device_id: 'bench-web',
          device_updated_at: '2020-01-01T00:00:00Z',
          locator: locator('c.xhtml', 0.4),
        }),
      ]);
      // The 200 progress saves are newer versions of existing rows (updates), the rest are inserts.
      await scenario('sync_reading: 500 new changes, since 0', 'select public.sync_reading($1, 0)', () => [
        JSON.stringify(batch500(books, 1)),
      ]);
      await scenario('sync_reading: 500 new changes, since checkpoint', 'select public.sync_reading($1, $2)', () => [
        JSON.stringify(batch500(books, 1)),
        checkpoint,
      ]);
      await scenario('sync_reading: same 500 again (retry, no write)', 'select public.sync_reading($1, $2)', () => [
        seedBatch,
        checkpoint,
      ]);
      await scenario('sync_reading: 500 older changes (all stale)', 'select public.sync_reading($1, $2)', () => [
        JSON.stringify(batch500(books, 6000, existing)),
        checkpoint,
      ]);
      await scenario('sync_reading: pull only, nothing new', 'select public.sync_reading($1, $2)', () => [
        '[]',
        checkpoint,
      ]);
      await scenario('sync_reading: pull only, 500 rows since 0', 'select public.sync_reading($1, 0)', () => ['[]']);
    });

    // ---- Through the gateway ----------------------------------------------------------------
    const token = await mintUserToken(
      stack.keys,
      { id: readerId, email: 'bench@reading.bench' },
      { expiresInSeconds: 3600 },
    );
    const headers = {
      apikey: stack.keys.publishableKey,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    };
    const timed = async (name: string, request: () => Promise<Response>) => {
      const samples: number[] = [];
      for (let i = 0; i < HTTP_RUNS + 3; i++) {
        const started = performance.now();
        const response = await request();
        await response.arrayBuffer();
        const ms = performance.now() - started;
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        if (i >= 3) samples.push(ms);
      }
      results[`http: ${name}`] = summarize(samples);
      log(`  ${name.padEnd(44)} ${JSON.stringify(results[`http: ${name}`])}`);
    };
    log('Through the gateway (sequential, committed):');
    let minutes = 0;
    await timed('POST /rest/v1/reading_progress (upsert)', () =>
      fetch(`${stack.url}/rest/v1/reading_progress`, {
        method: 'POST',
        headers: { ...headers, prefer: 'resolution=merge-duplicates,return=minimal' },
        body: JSON.stringify({
          book_id: books[1],
          device_id: 'bench-web',
          device_updated_at: new Date().toISOString(),
          locator: locator('c.xhtml', 0.5),
        }),
      }),
    );
    await timed('POST /rest/v1/rpc/sync_reading (500 changes)', () =>
      fetch(`${stack.url}/rest/v1/rpc/sync_reading`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ changes: batch500(books, 500 - ++minutes), since: 1e15 }),
      }),
    );

    const sync500 = results['sync_reading: 500 new changes, since checkpoint'] as Summary;
    log(
      `500-change sync_reading (database): median ${sync500.medianMs} ms, p95 ${sync500.p95Ms} ms — target < ${TARGET_SYNC_500_MS} ms: ${
        sync500.p95Ms < TARGET_SYNC_500_MS ? 'met' : 'NOT met'
      }`,
    );
    console.log(JSON.stringify({ cpus: os.cpus().length, load: os.loadavg(), results }, null, 2));
  } catch (error) {
    console.error(bench.logTail().slice(-30).join('\n'));
    throw error;
  } finally {
    await bench.stop();
  }
}

await main();
