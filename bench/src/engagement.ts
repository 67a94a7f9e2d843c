// Engagement benchmark (issue 13): how fast the worker turns reading into points, and what the
// leaderboards cost readers at 100,000 of them.
//
//   pnpm --filter @coko/bench run bench:engagement      (≈ 2–4 min on 2 cores with the defaults)
//
// On one throwaway stack:
// 1. Population: BENCH_READERS (100,000) readers generated in SQL (auth.users → profiles by the
//    trigger), each with a score (points hashed from the id, a quarter of them active this week),
//    then one leaderboard refresh (private.refresh_leaderboards, the engagement.refresh-leaderboards
//    job's body), timed.
// 2. Events per second: BENCH_SESSIONS (10,000) `reading.session_finished` events (BENCH_SESSION_READERS
//    readers × sessions of 20 minutes and 12 pages, an hour apart, so none is rejected as abuse) are
//    logged, then one events.dispatch job is sent to a real worker (the worker's own handlers and
//    consumers: gamification, notifications, partner-webhooks), which keeps sending itself the next
//    batch; the clock stops when the gamification cursor has passed the last event. Events whose
//    registration the population emitted are skipped first (every cursor moved to the end), so only
//    the sessions are measured.
// 3. Reads through the gateway (PostgREST): `public.leaderboard` (weekly, global, 20 a page, pages at
//    ranks 0, 1,000 and the middle of the board) and `public.my_rank` for 200 different readers, p50/p99, closed loop.
//
// Writes bench/results/engagement.json.
import os from 'node:os';
import { mintUserToken } from '@coko/server/dev';
import pg from 'pg';
import { HANDLERS } from '../../packages/server/src/jobs/handlers/index.ts';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES, QUEUES } from '../../packages/server/src/jobs/queues.ts';
import { jobSender } from '../../packages/server/src/jobs/send.ts';
import { startWorker } from '../../packages/server/src/jobs/worker.ts';
import { silentLogger } from '../../packages/server/src/observability/logger.ts';
import { startBenchStack } from './bench-stack.ts';
import { intFromEnv } from './lib/env.ts';
import { type LoadResult, runLoad, type Spec } from './lib/load.ts';
import { writeResults } from './lib/results.ts';
import { type Figures, figures, round } from './lib/stats.ts';

// Thousands of requests from one address: the gateway's rate limits off (as the other benches).
process.env.RATE_LIMITS = 'off';
process.env.COKO_JWT_SECRET ??= 'b'.repeat(40);
process.env.COKO_PUBLIC_URL ??= 'https://coko.test';

const settings = {
  readers: intFromEnv('BENCH_READERS', 100_000),
  sessions: intFromEnv('BENCH_SESSIONS', 10_000),
  sessionReaders: intFromEnv('BENCH_SESSION_READERS', 1_000),
  concurrency: intFromEnv('BENCH_ENGAGEMENT_CONCURRENCY', 2),
  seconds: intFromEnv('BENCH_ENGAGEMENT_SECONDS', 10),
  warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 3),
};

const log = (line: string) => console.log(line);
const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;
function row(name: string, f: Figures): void {
  log(
    `  ${name.padEnd(36)} n=${String(f.n).padEnd(6)} p50 ${fmt(f.p50)}  p99 ${fmt(f.p99)}  ${String(f.rps).padStart(8)} req/s${f.errors ? `  ERRORS ${f.errors}` : ''}`,
  );
}
const summary = (result: LoadResult): Figures =>
  figures(result.latencies, result.elapsedMs, result.codes.filter((code) => code >= 400).length);

async function measure(origin: string, specs: Spec[]): Promise<Figures> {
  const options = { concurrency: settings.concurrency, requests: 1_000_000 };
  await runLoad(origin, specs, { ...options, seconds: settings.warmupSeconds });
  return summary(await runLoad(origin, specs, { ...options, seconds: settings.seconds }));
}

async function main() {
  const t0 = Date.now();
  log(
    `Coko engagement bench: ${settings.sessions.toLocaleString('en')} session events through the worker, boards at ${settings.readers.toLocaleString('en')} readers, c=${settings.concurrency}`,
  );
  log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}, Node ${process.version}`);
  const bench = await startBenchStack();
  const { stack } = bench;
  process.once('SIGINT', () => {
    void bench.stop().then(() => process.exit(130));
  });
  const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 2 });
  try {
    // ---- 1. Population and one refresh -----------------------------------------------------------
    let t = Date.now();
    await admin.query(
      `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
              'bench-reader-' || i || '@bench.test', '{}', '{}', now(), now()
         from generate_series(1, $1) i`,
      [settings.readers],
    );
    await admin.query(
      `update public.profiles set display_name = 'Lecteur ' || left(id::text, 8) where display_name is null`,
    );
    // Scores as the ledger trigger would leave them (a cache); a quarter of the readers read this week.
    await admin.query(`
      insert into public.reader_scores (user_id, points, level, weekly_points, week_start, reached_at, weekly_reached_at)
      select u.id, 1 + x % 5000, private.level_for(1 + x % 5000), case when x % 4 = 0 then 1 + x % 300 else 0 end,
             private.week_start(now()), now() - (x % 10000) * interval '1 minute', now() - (x % 1000) * interval '1 minute'
        from (select id, abs(hashtext(id::text)) as x from auth.users where email like 'bench-reader-%') u
      on conflict (user_id) do nothing`);
    await admin.query('vacuum analyze public.reader_scores, public.profiles');
    const populationSeconds = (Date.now() - t) / 1000;
    t = Date.now();
    const refresh = (await admin.query('select private.refresh_leaderboards() as r')).rows[0].r;
    const refreshSeconds = (Date.now() - t) / 1000;
    await admin.query('vacuum analyze public.leaderboard_entries');
    log(
      `  population ${populationSeconds.toFixed(1)} s; refresh ${refreshSeconds.toFixed(2)} s (${refresh.entries} entries)`,
    );

    // ---- 2. Events per second through the worker ------------------------------------------------
    // Registration events of the population are not what we measure: every consumer starts at the end.
    await admin.query(`
      insert into private.event_cursors (consumer, last_id, last_tx_id)
      select c, e.id, e.tx_id from unnest(array['gamification', 'notifications', 'partner-webhooks']) c,
        (select id, tx_id from private.domain_events order by tx_id desc, id desc limit 1) e
      on conflict (consumer) do update set last_id = excluded.last_id, last_tx_id = excluded.last_tx_id`);
    const perReader = Math.ceil(settings.sessions / settings.sessionReaders);
    const { rows: emitted } = await admin.query<{ last: string; n: number }>(
      `with readers as (
         select id, row_number() over (order by id) as r from auth.users where email like 'bench-reader-%'
          order by id limit $2
       ), sessions as (
         select r.id as user_id, gen_random_uuid() as session_id,
                now() - (s * interval '1 hour') - interval '20 minutes' as started_at, now() - (s * interval '1 hour') as ended_at
           from readers r, generate_series(1, $3) s
          limit $1
       )
       select max(private.emit_event('reading.session_finished', user_id, session_id::text,
                'reading.session_finished:' || session_id,
                jsonb_build_object('bookId', gen_random_uuid(), 'minutes', 20, 'pagesRead', 12,
                                   'startedAt', started_at, 'endedAt', ended_at), ended_at))::text as last,
              count(*)::int as n
         from sessions`,
      [settings.sessions, settings.sessionReaders, perReader],
    );
    const lastId = emitted[0]!.last;
    const used = [DEAD_LETTER_QUEUE, QUEUE_NAMES.dispatchEvents];
    const worker = await startWorker({
      databaseUrl: stack.databaseUrl,
      queues: QUEUES.filter((q) => used.includes(q.name)),
      handlers: Object.fromEntries(Object.entries(HANDLERS).filter(([name]) => used.includes(name))),
      schedules: [],
      pollingIntervalSeconds: 0.5,
      logger: silentLogger,
    });
    let eventsPerSecond = 0;
    let dispatchSeconds = 0;
    try {
      t = Date.now();
      // The first job, as the cron would send it; the worker sends the next ones itself.
      await jobSender(admin)(QUEUE_NAMES.dispatchEvents, {});
      for (;;) {
        const { rows } = await admin.query<{ done: boolean }>(
          `select last_id >= $1::bigint as done from private.event_cursors where consumer = 'gamification'`,
          [lastId],
        );
        if (rows[0]?.done) break;
        if (Date.now() - t > 15 * 60_000) throw new Error('the worker did not finish the events in 15 minutes');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      dispatchSeconds = (Date.now() - t) / 1000;
      eventsPerSecond = round(emitted[0]!.n / dispatchSeconds, 0);
    } finally {
      await worker.stop({ timeoutMs: 10_000 });
    }
    const { rows: outcome } = await admin.query(
      `select count(*)::int as ledger, count(distinct user_id)::int as readers
         from public.points_ledger where reason in ('session', 'streak_day')`,
    );
    log(
      `  ${emitted[0]!.n} session events in ${dispatchSeconds.toFixed(2)} s through the worker: ${eventsPerSecond} events/s (${outcome[0].ledger} ledger rows, ${outcome[0].readers} readers)`,
    );

    // ---- 3. Leaderboard and own-rank reads -------------------------------------------------------
    const anon = { apikey: stack.keys.publishableKey, 'accept-encoding': 'gzip, deflate, br' };
    // The top, a page further down, and the middle of the weekly global board (every page holds 20 readers).
    const { rows: size } = await admin.query<{ entries: number }>(
      `select entries from private.leaderboard_sizes where board = 'weekly' and scope = 'global'`,
    );
    const weekly = size[0]?.entries ?? 0;
    const offsets = [0, Math.min(1_000, Math.floor(weekly / 4)), Math.floor(weekly / 2)];
    const boardSpecs: Spec[] = offsets.map((offset) => ({
      method: 'GET',
      path: `/rest/v1/rpc/leaderboard?board=weekly&scope=global&limit=20&offset=${offset}`,
      headers: anon,
    }));
    const { rows: ranked } = await admin.query<{ user_id: string }>(
      `select user_id from public.leaderboard_entries where board = 'weekly' and scope = 'global'
        order by md5(user_id::text) limit 200`,
    );
    const rankSpecs: Spec[] = await Promise.all(
      ranked.map(async ({ user_id }) => ({
        method: 'GET' as const,
        path: '/rest/v1/rpc/my_rank?board=weekly&scope=global',
        headers: {
          ...anon,
          authorization: `Bearer ${await mintUserToken(stack.keys, { id: user_id }, { expiresInSeconds: 3600 })}`,
        },
      })),
    );
    const board = await measure(stack.url, boardSpecs);
    row('leaderboard (weekly, global, 20)', board);
    const rank = await measure(stack.url, rankSpecs);
    row('my_rank (weekly, global)', rank);

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      settings,
      population: {
        seconds: round(populationSeconds),
        refreshSeconds: round(refreshSeconds),
        entries: refresh.entries,
      },
      worker: {
        events: emitted[0]!.n,
        seconds: round(dispatchSeconds),
        eventsPerSecond,
        ledgerRows: outcome[0].ledger,
      },
      leaderboard: board,
      myRank: rank,
      totalSeconds: round((Date.now() - t0) / 1000, 1),
    };
    writeResults('engagement', results);
    log(`Done in ${results.totalSeconds} s → bench/results/engagement.json`);
  } catch (error) {
    console.error(bench.logTail().slice(-30).join('\n'));
    throw error;
  } finally {
    await admin.end();
    await bench.stop();
  }
}

await main();
