// Sessions benchmark: one command, one throwaway stack, every figure through the real gateway.
//
//   pnpm --filter @coko/bench run bench:sessions
//
// 1. Session minting: `POST /functions/v1/api/v1/sessions` with a partner's secret key, at fixed
//    concurrencies (4, then 8: BENCH_SESSIONS_CONCURRENCY; targets judged at the first), with a mix of
//    new and returning externalUserIds (new ones create the auth user, the profile and the mapping;
//    returning ones lock the mapping and change nothing). Goal ≥ 500 req/s and p99 ≤ 20 ms on the
//    2-core reference machine.
// 2. RLS + pre-request cost of a user's own row: `GET /rest/v1/profiles?id=eq.<me>` with a minted
//    user token (RLS policies, and PostgREST's db-pre-request private.check_request) against the
//    same row as anon from a copy of the table without RLS, interleaved in one run, concurrency 8
//    (BENCH_CONCURRENCY, as the catalog bench).
//    Goal: authenticated req/s ≥ 0.9 × anon.
//
// Same stack and load generator as the catalog bench (src/bench-stack.ts, src/load-worker.mjs).
import os from 'node:os';
import pg from 'pg';
import { cliActor, createPartner } from '../../packages/server/src/admin/index.ts';
import { startBenchStack } from './bench-stack.ts';
import { intFromEnv, intsFromEnv } from './lib/env.ts';
import { type LoadResult, runLoad, type Spec } from './lib/load.ts';
import { type Figures, figures, round } from './lib/stats.ts';

// =============================================================================================
// Settings
// =============================================================================================
const settings = {
  /** Concurrency of the RLS comparison (as the catalog bench's scenarios). */
  concurrency: intFromEnv('BENCH_CONCURRENCY', 8),
  /** Concurrencies of the minting scenario; the targets are judged at the first. */
  mintConcurrencies: intsFromEnv('BENCH_SESSIONS_CONCURRENCY', [4, 8]),
  /** Measured phase of the minting scenario (seconds; also capped by BENCH_SESSIONS_REQUESTS). */
  seconds: intFromEnv('BENCH_SESSIONS_SECONDS', 10),
  requests: intFromEnv('BENCH_SESSIONS_REQUESTS', 20_000),
  warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 3),
  /** Share of new users among minted sessions, in percent. */
  newPercent: intFromEnv('BENCH_SESSIONS_NEW_PERCENT', 20),
  /** Returning users created before the run. */
  returningUsers: intFromEnv('BENCH_SESSIONS_RETURNING', 500),
  /** Each RLS phase (there are 4: anon, authenticated, anon, authenticated). */
  rlsPhaseSeconds: intFromEnv('BENCH_RLS_PHASE_SECONDS', 4),
};

const TARGETS = { mintRps: 500, mintP99Ms: 20, rlsRatioMin: 0.9 };

// The session route is rate limited per partner (600/min by default): lift it for the bench. The API
// runs in this process (as in `coko dev`); per-request access logs go to stdout at `info`.
process.env.SESSIONS_RATE_LIMIT = '1000000';
// The bench's thousands of requests come from one address: the per-IP and per-user budgets are off too.
process.env.RATE_LIMITS = 'off';
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';

// =============================================================================================
// Helpers
// =============================================================================================
const log = (line: string) => console.log(line);
const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;

function row(name: string, f: Figures, extra = ''): void {
  log(
    `  ${name.padEnd(46)} n=${String(f.n).padEnd(6)} p50 ${fmt(f.p50)}  p95 ${fmt(f.p95)}  p99 ${fmt(f.p99)}  ${String(f.rps).padStart(8)} req/s${f.errors ? `  ERRORS ${f.errors}` : ''}${extra}`,
  );
}

/** Latencies of one tag (needs the worker's per-request tags). */
function byTag(result: LoadResult, tag: string): number[] {
  if (!result.tags) return [];
  return result.latencies.filter((_, i) => result.tags?.[i] === tag);
}

// =============================================================================================
// Main
// =============================================================================================
async function main() {
  const t0 = Date.now();
  log(
    `Coko sessions bench: minting at c=${settings.mintConcurrencies.join(', ')} (targets judged at c=${settings.mintConcurrencies[0]}), ${settings.seconds} s measured (+${settings.warmupSeconds} s warm-up) each, ${settings.newPercent} % new users; RLS at c=${settings.concurrency}`,
  );
  log(
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}, ${round(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, load ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );

  log('\nStarting a throwaway stack…');
  const started = Date.now();
  const bench = await startBenchStack();
  const { stack } = bench;
  process.once('SIGINT', () => {
    void bench.stop().then(() => process.exit(130));
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 1 });
  try {
    log(`  ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${stack.url}`);
    const origin = stack.url;

    // ---- A partner and its users ------------------------------------------------------------
    const created = await createPartner(
      { db, actor: cliActor() },
      { name: 'Bench partner', slug: 'bench', allowedOrigins: ['http://localhost:5173'], defaultCountry: 'SN' },
    );
    const secretKey = created.secretKey?.key as string;
    const mintSpec = (externalUserId: string, tag: string): Spec => ({
      method: 'POST',
      path: '/functions/v1/api/v1/sessions',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalUserId, name: 'Lecteur Bench', country: 'SN', language: 'fr' }),
      tag,
    });
    const returning = Array.from({ length: Math.max(1, settings.returningUsers) }, (_, i) => `bench-user-${i}`);
    const createStarted = Date.now();
    const prepared = await runLoad(
      origin,
      returning.map((id) => mintSpec(id, 'create')),
      { concurrency: settings.concurrency, requests: returning.length, seconds: 120 },
    );
    if (prepared.errors) throw new Error(`creating returning users failed: ${JSON.stringify(prepared.statuses)}`);
    log(`  ${returning.length} returning users created in ${((Date.now() - createStarted) / 1000).toFixed(1)} s`);

    // ---- 1. Session minting -----------------------------------------------------------------
    log('\nSession minting (POST /functions/v1/api/v1/sessions, secret key, through the gateway)');
    const pick = () => returning[Math.floor(Math.random() * returning.length)] as string;
    let fresh = 0;
    const mintRuns: (Figures & { concurrency: number; load: number; newUsers: Figures; returningUsers: Figures })[] =
      [];
    for (const concurrency of settings.mintConcurrencies) {
      await runLoad(
        origin,
        Array.from({ length: 5000 }, () => mintSpec(pick(), 'returning')),
        { concurrency, requests: 1_000_000, seconds: settings.warmupSeconds },
      );
      const specs = Array.from({ length: settings.requests }, () =>
        Math.random() * 100 < settings.newPercent
          ? mintSpec(`bench-new-${fresh++}`, 'new')
          : mintSpec(pick(), 'returning'),
      );
      const minted = await runLoad(origin, specs, { concurrency, requests: specs.length, seconds: settings.seconds });
      const all = figures(minted.latencies, minted.elapsedMs, minted.errors);
      const load = round(os.loadavg()[0] ?? 0, 1);
      const newUsers = figures(byTag(minted, 'new'), minted.elapsedMs, 0);
      const returningUsers = figures(byTag(minted, 'returning'), minted.elapsedMs, 0);
      mintRuns.push({ ...all, concurrency, load, newUsers, returningUsers });
      row(`mixed (${settings.newPercent} % new) c=${concurrency}`, all, `  load ${load}`);
      if (newUsers.n) row('  of which new users', newUsers);
      if (returningUsers.n) row('  of which returning users', returningUsers);
      if (all.errors) log(`    statuses: ${JSON.stringify(minted.statuses)}`);
      if (all.n === settings.requests) {
        log(`    (all ${settings.requests} specs used before ${settings.seconds} s: raise BENCH_SESSIONS_REQUESTS)`);
      }
    }
    const mint = mintRuns[0] as (typeof mintRuns)[number];

    // ---- 2. RLS on the user's own row vs the same row without RLS ---------------------------
    log('\nOwn profile: authenticated with RLS vs anon without RLS (GET /rest/v1/…?id=eq.<id>, through the gateway)');
    const me = await (
      await fetch(`${origin}/functions/v1/api/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ externalUserId: 'bench-rls-reader', name: 'Lectrice RLS' }),
      })
    ).json();
    const userId = (me as { user: { id: string } }).user.id;
    const token = (me as { accessToken: string }).accessToken;

    const preRequest = await admin.query<{ configured: boolean }>(
      `select coalesce(bool_or(c = 'pgrst.db_pre_request=private.check_request'), false) as configured
         from pg_db_role_setting s join pg_roles r on r.oid = s.setrole, unnest(s.setconfig) c
        where r.rolname = 'authenticator'`,
    );
    let preRequestNote = 'configured by the migrations';
    if (!preRequest.rows[0]?.configured) {
      // The local bootstrap cannot always set it (see 20261121010000_identity.sql); production has it.
      // Measure what production runs: set it on this throwaway cluster.
      await admin.query(`alter role authenticator set pgrst.db_pre_request = 'private.check_request'`);
      await admin.query(`notify pgrst, 'reload config'`);
      preRequestNote = 'NOT set by the migrations on this stack; set by the bench (as production has it)';
    }
    await admin.query(`
      drop table if exists public.bench_profiles_norls;
      create table public.bench_profiles_norls (like public.profiles including defaults);
      insert into public.bench_profiles_norls select * from public.profiles;
      alter table public.bench_profiles_norls add primary key (id);
      alter table public.bench_profiles_norls disable row level security;
      grant select on public.bench_profiles_norls to anon;
      analyze public.bench_profiles_norls;
      analyze public.profiles;
      notify pgrst, 'reload schema';
    `);
    const { publishableKey } = stack.keys;
    const select = 'id,display_name,avatar_path,country,language,preferences,created_at,updated_at';
    const authSpec: Spec = {
      method: 'GET',
      path: `/rest/v1/profiles?select=${select}&id=eq.${userId}`,
      headers: { apikey: publishableKey, authorization: `Bearer ${token}` },
      tag: 'authenticated',
    };
    const anonSpec: Spec = {
      method: 'GET',
      path: `/rest/v1/bench_profiles_norls?select=${select}&id=eq.${userId}`,
      headers: { apikey: publishableKey, authorization: `Bearer ${publishableKey}` },
      tag: 'anon',
    };
    // PostgREST reloads its schema cache and config asynchronously: wait until both answer the row.
    for (let attempt = 0; ; attempt++) {
      const [a, b] = await Promise.all(
        [authSpec, anonSpec].map(async (spec) => {
          const response = await fetch(origin + spec.path, { headers: spec.headers });
          return {
            status: response.status,
            rows: response.status === 200 ? ((await response.json()) as unknown[]).length : 0,
          };
        }),
      );
      if (a?.status === 200 && a.rows === 1 && b?.status === 200 && b.rows === 1) break;
      if (attempt > 100) throw new Error(`own-profile requests answer ${JSON.stringify([a, b])}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The pre-request really runs: a suspended partner's token is refused.
    await db.query(`update private.partners set status = 'suspended' where id = $1`, [created.partner.id]);
    const refused = (await fetch(origin + authSpec.path, { headers: authSpec.headers })).status;
    await db.query(`update private.partners set status = 'active' where id = $1`, [created.partner.id]);
    log(`  db-pre-request private.check_request: ${preRequestNote}; suspended partner's token → ${refused}`);

    // Interleaved (anon, authenticated, anon, …) in one closed loop, as the catalog bench's RLS pair:
    // both see the same machine at the same time, which a shared machine's drifting load would
    // otherwise bias. In a closed loop each request type's throughput is concurrency ÷ its mean
    // latency, so the req/s ratio is anon mean ÷ authenticated mean.
    const interleaved = [anonSpec, authSpec];
    await runLoad(origin, interleaved, {
      concurrency: settings.concurrency,
      requests: 10_000_000,
      seconds: settings.warmupSeconds,
    });
    const mixed = await runLoad(origin, interleaved, {
      concurrency: settings.concurrency,
      requests: 10_000_000,
      seconds: settings.rlsPhaseSeconds * 3,
    });
    if (!mixed.tags) throw new Error('load-worker.mjs no longer reports per-request tags');
    const anon = figures(byTag(mixed, 'anon'), mixed.elapsedMs, 0);
    const authenticated = figures(byTag(mixed, 'authenticated'), mixed.elapsedMs, 0);
    const rlsErrors = mixed.errors;
    row('anon, table without RLS (interleaved)', anon);
    row('authenticated, profiles, RLS + pre-request', authenticated);
    const rlsRatio = round(anon.mean / authenticated.mean, 3);
    log(
      `  authenticated / anon: ${rlsRatio}× req/s (mean latency ratio), p50 ${round(authenticated.p50 / anon.p50)}×, p99 ${round(authenticated.p99 / anon.p99)}×  load ${round(os.loadavg()[0] ?? 0, 1)}${rlsErrors ? `  ERRORS ${rlsErrors} ${JSON.stringify(mixed.statuses)}` : ''}`,
    );
    // For context: each alone, one phase each (drift between phases included).
    const alone = async (spec: Spec) =>
      runLoad(origin, [spec], {
        concurrency: settings.concurrency,
        requests: 10_000_000,
        seconds: settings.rlsPhaseSeconds,
      });
    const anonAlone = await alone(anonSpec);
    const authAlone = await alone(authSpec);
    const aloneRatio = round(
      figures(authAlone.latencies, authAlone.elapsedMs, 0).rps /
        figures(anonAlone.latencies, anonAlone.elapsedMs, 0).rps,
      3,
    );
    row('anon alone', figures(anonAlone.latencies, anonAlone.elapsedMs, anonAlone.errors));
    row('authenticated alone', figures(authAlone.latencies, authAlone.elapsedMs, authAlone.errors));
    log(`  authenticated / anon, separate phases: ${aloneRatio}× req/s  load ${round(os.loadavg()[0] ?? 0, 1)}`);

    // ---- Verdict --------------------------------------------------------------------------
    const checks = [
      {
        name: `minting ≥ ${TARGETS.mintRps} req/s (c=${mint.concurrency})`,
        ok: mint.rps >= TARGETS.mintRps,
        value: `${mint.rps} req/s`,
      },
      {
        name: `minting p99 ≤ ${TARGETS.mintP99Ms} ms (c=${mint.concurrency})`,
        ok: mint.p99 <= TARGETS.mintP99Ms,
        value: `${mint.p99} ms`,
      },
      {
        name: 'minting without errors',
        ok: mintRuns.every((run) => run.errors === 0),
        value: mintRuns.map((run) => run.errors).join(', '),
      },
      {
        name: `RLS own row ≥ ${TARGETS.rlsRatioMin}× anon (c=${settings.concurrency})`,
        ok: rlsRatio >= TARGETS.rlsRatioMin,
        value: `${rlsRatio}×`,
      },
      {
        name: 'RLS phases without errors',
        ok: rlsErrors === 0,
        value: String(rlsErrors),
      },
    ];
    log('\nTargets');
    for (const check of checks) log(`  ${check.ok ? 'PASS' : 'FAIL'}  ${check.name.padEnd(40)} ${check.value}`);
    const summary = {
      settings,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
      minting: mintRuns,
      ownProfile: { anon, authenticated, ratio: rlsRatio, separatePhasesRatio: aloneRatio, preRequest: preRequestNote },
      targets: TARGETS,
      pass: checks.every((check) => check.ok),
      seconds: round((Date.now() - t0) / 1000, 1),
    };
    log(`\n${JSON.stringify(summary)}`);
    log(`\nDone in ${summary.seconds} s.`);
    return summary.pass ? 0 : 1;
  } catch (error) {
    const tail = bench.logTail();
    if (tail.length) console.error(tail.slice(-30).join('\n'));
    throw error;
  } finally {
    await db.end();
    await admin.end();
    await bench.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
