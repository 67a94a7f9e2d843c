// Reading benchmark: every figure of the reading issue's targets, one command.
//
//   pnpm --filter @coko/bench run bench:reading      (≈ 65 s on 2 cores)
//
// 0. The SQL-level sync figures of src/reading-sync.ts (EXPLAIN ANALYZE of the upserts and of
//    sync_reading with 500 changes), run first as a child process on its own throwaway stack;
//    its JSON is kept in ours. BENCH_READING_SQL=0 skips it.
// Then, on one throwaway stack with the seeded catalog (src/bench-stack.ts):
// 3. Bytes on the wire of one progress save, as the real SDK (`coko.reading.saveProgress`, no
//    offline queue) sends it: a raw TCP proxy between the SDK and the gateway records the exact
//    HTTP/1.1 request and response; then the same save over HTTP/2 (an h2c front for the gateway,
//    node:http2's nghttp2 HPACK), one connection, ten saves, steady state = the median from the
//    third on, with Authorization never indexed (nghttp2's rule, also Node and curl) and indexed
//    (the default policy of Chrome's and OkHttp's encoders), every frame counted.
// 1. Progress upserts through the gateway and PostgREST as authenticated readers, exactly as the
//    SDK sends them (headers and body captured from the SDK itself, then replayed by the closed-loop
//    load generator src/load-worker.mjs in a worker thread): 200 readers × 5 books, every request a
//    newer device clock (so every one is a real UPDATE, or the first INSERT of its row), at
//    concurrency 2 (= cores) and 8. Goal ≥ 1,000 req/s and p99 ≤ 20 ms.
// 2. 500 queued offline writes replayed after reconnect with the real SDK and its offline queue
//    (memoryStorage, a NetworkMonitor, a fetch that fails while offline): HTTP requests counted in
//    the fetch, wall time from the `online` event until the queue is empty, effect checked in the
//    database. Goal ≤ 3 requests, ≤ 1 s.
// 4. The SDK core size: tsup, then `node scripts/size.mjs`. BENCH_READING_SIZE=0 skips it.
//
// Writes bench/results/reading.json with every figure, the targets and pass/fail.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { mintUserToken } from '@coko/server/dev';
import pg from 'pg';
import { createCoko, type Locator, type ReadingEvent } from '../../packages/sdk/src/index.ts';
import { createOfflineQueue, memoryStorage, type NetworkMonitor } from '../../packages/sdk/src/offline/index.ts';
import {
  createProgressSaver,
  PROGRESS_SAVES_PER_WRITE,
  PROGRESS_WINDOW_MS,
} from '../../packages/sdk/src/reading/progress-saver.ts';
import { cliActor, createPartner } from '../../packages/server/src/admin/index.ts';
import { benchDir, startBenchStack } from './bench-stack.ts';
import { type Captured, startCaptureProxy } from './lib/capture-proxy.ts';
import { cpuDelta, cpuSnapshot } from './lib/cpu.ts';
import { intFromEnv } from './lib/env.ts';
import { type H2Exchange, measureH2, startH2cFront } from './lib/h2.ts';
import { type HeaderLine, type Http1Message, parseHttp1 } from './lib/http1.ts';
import { type LoadResult, runLoad, type Spec } from './lib/load.ts';
import { migrationChecksums } from './lib/migrations.ts';
import { writeResults } from './lib/results.ts';
import { type Figures, figures, round } from './lib/stats.ts';

// =============================================================================================
// Settings
// =============================================================================================
const settings = {
  /** Concurrencies of the upsert load (2 = the reference machine's cores, then 8). */
  concurrencies: (process.env.BENCH_READING_CONCURRENCY || '2,8').split(',').map((v) => Number(v.trim())),
  /** Measured seconds per concurrency (capped by BENCH_READING_REQUESTS). */
  seconds: intFromEnv('BENCH_READING_SECONDS', 8),
  requests: intFromEnv('BENCH_READING_REQUESTS', 15_000),
  /** The same load straight to PostgREST (no gateway), measured seconds; 0 skips it. */
  directSeconds: intFromEnv('BENCH_READING_DIRECT_SECONDS', 5),
  /** The same load through the gateway with PostgREST's JWT cache on (what-if), seconds; 0 skips it. */
  jwtCacheSeconds: intFromEnv('BENCH_READING_JWT_CACHE_SECONDS', 5),
  warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 3),
  readers: intFromEnv('BENCH_READING_READERS', 200),
  booksPerReader: intFromEnv('BENCH_READING_BOOKS_PER_READER', 5),
  /** Progress saves per HTTP/2 connection in the bytes measurement. */
  h2Requests: intFromEnv('BENCH_READING_H2_REQUESTS', 10),
  /** Offline writes replayed after reconnect. */
  offlineWrites: 500,
  runSql: intFromEnv('BENCH_READING_SQL', 1) === 1,
  runSize: intFromEnv('BENCH_READING_SIZE', 1) === 1,
};
if (settings.concurrencies.some((c) => !Number.isInteger(c) || c < 1)) {
  throw new Error(`BENCH_READING_CONCURRENCY must be positive integers; got ${process.env.BENCH_READING_CONCURRENCY}`);
}

const TARGETS = {
  upsertRps: 1000,
  upsertP99Ms: 20,
  replayRequests: 3,
  replaySeconds: 1,
  progressSaveBytes: 600,
  coreBrotliKb: 15,
  sync500Ms: 100,
};

// The API runs in this process (as in `coko dev`): lift the per-partner session rate limit and
// keep per-request access logs off stdout.
process.env.SESSIONS_RATE_LIMIT = '1000000';
// The bench's thousands of requests come from one address: the per-IP and per-user budgets are off too.
process.env.RATE_LIMITS = 'off';
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';

const repoRoot = join(benchDir, '..');
const log = (line: string) => console.log(line);
const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const loadAverage = () => round(os.loadavg()[0] ?? 0, 1);

/** A typical Readium position, as in the SDK README's saveProgress example. */
const progressLocator = (i: number): Locator => ({
  href: `chapter-${(i % 30) + 1}.xhtml`,
  type: 'application/xhtml+xml',
  locations: { progression: (i % 100) / 100, totalProgression: (i % 1000) / 1000, position: (i % 400) + 1 },
});

/**
 * The body `saveProgress` sends (`toRow` of the change: book, locator, device fields), rebuilt to
 * replay many of them cheaply; checked byte for byte against what the SDK sent for every reader.
 */
const progressBody = (bookId: string, locator: Locator, deviceId: string, at: string) =>
  JSON.stringify({ book_id: bookId, locator, device_id: deviceId, device_updated_at: at });

/** A representative Chrome header set for a cross-origin fetch() from a partner's site (Android). */
const CHROME_HEADERS: Record<string, string> = {
  'sec-ch-ua-platform': '"Android"',
  'user-agent':
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'sec-ch-ua': '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
  'sec-ch-ua-mobile': '?1',
  accept: '*/*',
  origin: 'https://lire.partenaire.example',
  'sec-fetch-site': 'cross-site',
  'sec-fetch-mode': 'cors',
  'sec-fetch-dest': 'empty',
  referer: 'https://lire.partenaire.example/',
  'accept-encoding': 'gzip, deflate, br, zstd',
  'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8',
  priority: 'u=1, i',
};

/** Headers the runtime (Node's fetch, undici) adds on its own: not the SDK's. */
const RUNTIME_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'accept',
  'accept-language',
  'sec-fetch-mode',
  'user-agent',
  'accept-encoding',
  'transfer-encoding',
]);

interface Check {
  target: string;
  measured: string;
  goal: string;
  pass: boolean;
  note?: string;
}

// =============================================================================================
// 0. reading-sync.ts (child process)
// =============================================================================================
/** Runs a command, echoing its output prefixed with `label` (stdout only until `quietFrom` matches a line). */
async function runChild(
  label: string,
  command: string,
  args: string[],
  cwd: string,
  quietFrom?: (line: string) => boolean,
): Promise<{ code: number; stdout: string }> {
  const child: ChildProcess = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let stdout = '';
  let quiet = false;
  const pending = { out: '', err: '' };
  const onData = (chunk: Buffer, stream: 'out' | 'err') => {
    const text = chunk.toString();
    if (stream === 'out') stdout += text;
    pending[stream] += text;
    const lines = pending[stream].split('\n');
    pending[stream] = lines.pop() ?? '';
    for (const line of lines) {
      if (stream === 'out' && !quiet && quietFrom?.(line)) quiet = true;
      if (line.trim() && (stream === 'err' || !quiet) && !line.startsWith('npm warn')) log(`  [${label}] ${line}`);
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => onData(chunk, 'out'));
  child.stderr?.on('data', (chunk: Buffer) => onData(chunk, 'err'));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  return { code, stdout };
}

type SqlSummary = { runs: number; minMs: number; medianMs: number; p95Ms: number; maxMs: number };

async function runReadingSync(): Promise<{ results: Record<string, SqlSummary> } | { error: string }> {
  log('\n0. SQL-level sync figures (src/reading-sync.ts, its own throwaway stack; only its summary lines shown)');
  const tsx = join(benchDir, 'node_modules', '.bin', 'tsx');
  const started = Date.now();
  const { code, stdout } = await runChild('sql', tsx, ['src/reading-sync.ts'], benchDir, (line) => line === '{');
  const at = stdout.indexOf('\n{\n  "cpus"');
  if (code !== 0 || at < 0) return { error: `reading-sync.ts exited with ${code}` };
  try {
    const parsed = JSON.parse(stdout.slice(at + 1)) as { results: Record<string, SqlSummary> };
    log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return parsed;
  } catch (error) {
    return { error: `could not read reading-sync.ts's JSON: ${String(error)}` };
  }
}

// =============================================================================================
// 4. SDK size
// =============================================================================================
interface SizeLine {
  name: string;
  ok: boolean;
  brotliKb: number;
  budgetKb: number;
  line: string;
}

async function measureSdkSize(): Promise<{ lines: SizeLine[] } | { error: string }> {
  log('\n4. SDK size (packages/sdk: tsup, then node scripts/size.mjs)');
  const tsup = join(repoRoot, 'node_modules', '.bin', 'tsup');
  const built = await runChild('tsup', tsup, [], join(repoRoot, 'packages', 'sdk'), () => true);
  if (built.code !== 0) {
    log(built.stdout.split('\n').slice(-20).join('\n'));
    return { error: `tsup exited with ${built.code}` };
  }
  log('  [tsup] built packages/sdk/dist');
  const size = await runChild('size', process.execPath, ['scripts/size.mjs'], repoRoot);
  const lines: SizeLine[] = [];
  for (const line of size.stdout.split('\n')) {
    // `✔ @coko/sdk (core: …): 16.0 kB brotli (16361 B; budget 16.0 kB), …` (the byte count is optional).
    const m = line.match(/^(✔|✖) (.+?): ([\d.]+) kB brotli \((?:\d+ B; )?budget ([\d.]+) kB\)/);
    if (m) lines.push({ ok: m[1] === '✔', name: m[2] as string, brotliKb: Number(m[3]), budgetKb: Number(m[4]), line });
  }
  if (lines.length === 0) return { error: `scripts/size.mjs printed no figure (exit ${size.code})` };
  return { lines };
}

// =============================================================================================
// 3. Bytes of one progress save
// =============================================================================================
interface Part {
  part: string;
  bytes: number;
}

function describeJwt(token: string) {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  // What the same token would weigh with only the claims PostgREST, RLS and check_request read
  // (role, sub, aud, exp, iat, app_metadata.partner_id) and a header of alg + kid: same signature.
  const minimal = {
    role: claims.role,
    sub: claims.sub,
    aud: claims.aud,
    exp: claims.exp,
    iat: claims.iat,
    app_metadata: { partner_id: (claims.app_metadata as { partner_id?: string } | undefined)?.partner_id },
  };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url').length;
  const protectedHeader = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: string; kid?: string };
  return {
    bytes: token.length,
    headerB64: header.length,
    payloadB64: payload.length,
    signatureB64: signature.length,
    header: protectedHeader,
    claims,
    minimalClaimsBytes:
      b64({ alg: protectedHeader.alg, kid: protectedHeader.kid }) + 1 + b64(minimal) + 1 + signature.length,
  };
}

function headerParts(message: Http1Message, classify: (h: HeaderLine) => string): Part[] {
  const parts = new Map<string, number>();
  for (const h of message.headers) parts.set(classify(h), (parts.get(classify(h)) ?? 0) + h.bytes);
  return [...parts].map(([part, bytes]) => ({ part, bytes }));
}

async function measureBytes(options: { gatewayUrl: string; publishableKey: string; token: string; bookIds: string[] }) {
  log('\n3. Bytes on the wire of one progress save (the real SDK, reading.saveProgress, no offline queue)');
  const gateway = new URL(options.gatewayUrl);
  const capture = await startCaptureProxy(Number(gateway.port));
  const bookId = options.bookIds[0] as string;
  let deviceId = '';
  const sdk = createCoko({ url: capture.url, publishableKey: options.publishableKey, accessToken: options.token });
  let exchange: Captured = { up: Buffer.alloc(0), down: Buffer.alloc(0) };
  let browserResponse: Http1Message | undefined;
  let browserResponseBytes = 0;
  // Reading patterns for the saver's window: 12 minutes of reading at a page every 20 s, 40 s and 60 s (a
  // phone page of ~200 words at 200–250 words a minute is ~50–60 s).
  const batching = [
    { turns: 36, paceSeconds: 20 },
    { turns: 18, paceSeconds: 40 },
    { turns: 12, paceSeconds: 60 },
  ];
  const batchingResults: {
    turns: number;
    paceSeconds: number;
    windowSeconds: number;
    savesPerWrite: number;
    requests: number;
    wireBytes: number;
    bytesPerSave: number;
  }[] = [];
  try {
    // Three saves on one keep-alive connection (the first also loads the reading chunk); the last is measured.
    for (let i = 0; i < 3; i++) {
      capture.take();
      await sdk.reading.saveProgress(bookId, progressLocator(37 + i));
      exchange = capture.take();
    }
    // A browser's answer to the same save: its cross-origin request carries Origin, so the answer has CORS headers.
    const sent = parseHttp1(exchange.up);
    const sentBody = JSON.parse(sent.body.toString()) as Record<string, unknown>;
    capture.take();
    const fromBrowser = await fetch(`${capture.url}/rest/v1/reading_progress`, {
      method: 'POST',
      headers: {
        ...Object.fromEntries(sent.headers.filter((h) => !RUNTIME_HEADERS.has(h.name)).map((h) => [h.name, h.value])),
        origin: CHROME_HEADERS.origin as string,
      },
      body: progressBody(bookId, progressLocator(40), String(sentBody.device_id), new Date().toISOString()),
    });
    await fromBrowser.arrayBuffer();
    const browserExchange = capture.take();
    browserResponse = parseHttp1(browserExchange.down);
    browserResponseBytes = browserExchange.down.length;

    // The progress saver's window (createProgressSaver with its default window, as useReadingProgress uses it):
    // a steady reader's page turns, the clock scaled down 1:100 (the bytes do not depend on it).
    for (const pattern of batching) {
      capture.take();
      const writes: Promise<unknown>[] = [];
      const saver = createProgressSaver(
        (save) => writes.push(sdk.reading.saveProgress(save.bookId, save.locator, { deviceUpdatedAt: save.at })),
        PROGRESS_WINDOW_MS / 100,
      );
      for (let turn = 0; turn < pattern.turns; turn++) {
        saver.save(bookId, progressLocator(60 + turn));
        await sleep(pattern.paceSeconds * 10);
      }
      saver.flush();
      await Promise.all(writes);
      const batched = capture.take();
      const wireBytes = batched.up.length + batched.down.length;
      batchingResults.push({
        ...pattern,
        windowSeconds: PROGRESS_WINDOW_MS / 1000,
        savesPerWrite: PROGRESS_SAVES_PER_WRITE,
        requests: writes.length,
        wireBytes,
        bytesPerSave: Math.round(wireBytes / pattern.turns),
      });
    }
  } finally {
    await capture.close();
  }
  const request = parseHttp1(exchange.up);
  const response = parseHttp1(exchange.down);
  if (!/^HTTP\/1\.1 20[01]/.test(response.startLine)) throw new Error(`saveProgress answered ${response.startLine}`);
  const body = JSON.parse(request.body.toString()) as Record<string, unknown>;
  deviceId = String(body.device_id);
  const authorization = request.headers.find((h) => h.name === 'authorization');
  const jwt = describeJwt(options.token);

  const classify = (h: HeaderLine) =>
    h.name === 'authorization'
      ? 'authorization (Bearer + JWT)'
      : h.name === 'apikey'
        ? 'apikey'
        : RUNTIME_HEADERS.has(h.name)
          ? 'headers Node fetch adds (host, connection, content-length, accept, accept-language, sec-fetch-mode, user-agent, accept-encoding)'
          : `other SDK headers (${h.name})`;
  const requestParts: Part[] = [
    { part: `request line (${request.startLine})`, bytes: request.startLineBytes },
    ...headerParts(request, classify),
    { part: 'end of head (CRLF)', bytes: request.endOfHeadBytes },
    { part: 'body (JSON)', bytes: request.body.length },
  ];
  const responseParts: Part[] = [
    { part: `status line (${response.startLine})`, bytes: response.startLineBytes },
    ...response.headers.map((h) => ({ part: `${h.name}: ${h.value}`, bytes: h.bytes })),
    { part: 'end of head (CRLF)', bytes: response.endOfHeadBytes },
    { part: 'body', bytes: response.body.length },
  ];
  const bodyFields = Object.entries(body).map(([key, value]) => ({
    field: key,
    bytes: Buffer.byteLength(`"${key}":${JSON.stringify(value)}`) + 1,
  }));

  // The same request from a browser: the SDK's headers, the browser's instead of undici's.
  const sdkHeaderBytes = request.headers.filter((h) => !RUNTIME_HEADERS.has(h.name)).reduce((a, h) => a + h.bytes, 0);
  const chromeBytes = Object.entries(CHROME_HEADERS).reduce((a, [k, v]) => a + k.length + 2 + v.length + 2, 0);
  const hostLine = request.headers.find((h) => h.name === 'host')?.bytes ?? 0;
  const lengthLine = request.headers.find((h) => h.name === 'content-length')?.bytes ?? 0;
  const connectionLine = request.headers.find((h) => h.name === 'connection')?.bytes ?? 0;
  const browserRequest =
    request.startLineBytes +
    sdkHeaderBytes +
    hostLine +
    lengthLine +
    connectionLine +
    chromeBytes +
    2 +
    request.body.length;

  log(`  HTTP/1.1 request as sent by the SDK in Node (${exchange.up.length} B):`);
  for (const line of exchange.up.toString('latin1').split('\r\n')) {
    log(`    ${line.length > 150 ? `${line.slice(0, 110)}… (${line.length} chars)` : line}`);
  }
  log(`  HTTP/1.1 response (${exchange.down.length} B):`);
  for (const line of exchange.down.toString('latin1').split('\r\n')) log(`    ${line}`);
  log('  Request, part by part:');
  for (const p of requestParts) log(`    ${String(p.bytes).padStart(5)} B  ${p.part}`);
  log(
    `  JWT: ${jwt.bytes} B (header ${jwt.headerB64}, claims ${jwt.payloadB64}, signature ${jwt.signatureB64}); with only role/sub/aud/exp/iat/partner_id (header alg + kid): ${jwt.minimalClaimsBytes} B`,
  );
  log(`  Body fields: ${bodyFields.map((f) => `${f.field} ${f.bytes} B`).join(', ')}`);
  log('  Response, part by part:');
  for (const p of responseParts) log(`    ${String(p.bytes).padStart(5)} B  ${p.part}`);

  // Is `return=minimal` needed? Same save without it: same answer?
  const withoutMinimal = await fetch(`${options.gatewayUrl}/rest/v1/reading_progress`, {
    method: 'POST',
    headers: {
      apikey: options.publishableKey,
      authorization: `Bearer ${options.token}`,
      'content-type': 'application/json',
      prefer: 'resolution=merge-duplicates',
    },
    body: progressBody(bookId, progressLocator(41), deviceId, new Date().toISOString()),
  });
  const withoutMinimalBody = await withoutMinimal.text();
  const returnMinimalIsDefault = withoutMinimal.ok && withoutMinimalBody === '';
  const preferenceApplied = withoutMinimal.headers.get('preference-applied');

  // ---- HTTP/2 -----------------------------------------------------------------------------
  const RENAMED = 'x-bench-authorization';
  const front = await startH2cFront(options.gatewayUrl, { [RENAMED]: 'authorization' });
  const h2capture = await startCaptureProxy(front.port);
  const sdkHeaders: Record<string, string> = {};
  for (const h of request.headers) if (h.name !== 'host' && h.name !== 'connection') sdkHeaders[h.name] = h.value;
  const withoutRuntime = Object.fromEntries(
    Object.entries(sdkHeaders).filter(([name]) => !RUNTIME_HEADERS.has(name) || name === 'content-length'),
  );
  const renamed = (headers: Record<string, string>) => {
    const { authorization: value, ...rest } = headers;
    return { ...rest, [RENAMED]: value as string };
  };
  const variants = [
    {
      name: 'Node fetch headers, Authorization never indexed (nghttp2: Node, curl)',
      headers: sdkHeaders,
      authorizationIndexed: false,
    },
    {
      name: 'Node fetch headers, Authorization indexed (Chrome/OkHttp encoder policy)',
      headers: renamed(sdkHeaders),
      authorizationIndexed: true,
    },
    {
      name: 'Chrome-like header set, Authorization indexed',
      headers: renamed({ ...withoutRuntime, ...CHROME_HEADERS }),
      authorizationIndexed: true,
    },
  ];
  const h2: {
    name: string;
    authorizationIndexed: boolean;
    setup: { up: number; down: number };
    first: H2Exchange;
    steady: { up: number; down: number; total: number; minTotal: number; maxTotal: number };
    steadyFrames: { up: Record<string, number>; down: Record<string, number> };
  }[] = [];
  // Newer clocks than the saves above, so each one really is written (an older one would be skipped).
  let t = Date.now() + 1000;
  try {
    for (const variant of variants) {
      const requests = Array.from({ length: settings.h2Requests }, (_, i) => {
        const payload = progressBody(bookId, progressLocator(50 + i), deviceId, new Date(t++).toISOString());
        return {
          method: 'POST',
          path: request.startLine.split(' ')[1] as string,
          headers: { ...variant.headers, 'content-length': String(Buffer.byteLength(payload)) },
          body: payload,
        };
      });
      const measured = await measureH2(h2capture, requests);
      const bad = measured.exchanges.find((e) => e.status !== 200 && e.status !== 201);
      if (bad) throw new Error(`HTTP/2 progress save answered ${bad.status} (${variant.name})`);
      const steadyRuns = measured.exchanges.slice(2);
      const totals = steadyRuns.map((e) => e.up + e.down).sort((a, b) => a - b);
      const median = steadyRuns.map((e) => ({ e, total: e.up + e.down })).sort((a, b) => a.total - b.total)[
        Math.floor(steadyRuns.length / 2)
      ]?.e as H2Exchange;
      h2.push({
        name: variant.name,
        authorizationIndexed: variant.authorizationIndexed,
        setup: measured.setup,
        first: measured.exchanges[0] as H2Exchange,
        steady: {
          up: median.up,
          down: median.down,
          total: median.up + median.down,
          minTotal: totals[0] as number,
          maxTotal: totals[totals.length - 1] as number,
        },
        steadyFrames: { up: median.upFrames, down: median.downFrames },
      });
    }
  } finally {
    await h2capture.close();
    await front.close();
  }
  log(`  HTTP/2 (h2c front, node:http2 = nghttp2 HPACK, 4 KiB tables; ${settings.h2Requests} saves per connection):`);
  for (const v of h2) {
    log(
      `    ${v.name}: connection set-up ${v.setup.up}+${v.setup.down} B; first save ${v.first.up}+${v.first.down} B; steady state ${v.steady.up}+${v.steady.down} = ${v.steady.total} B (range ${v.steady.minTotal}–${v.steady.maxTotal})`,
    );
    log(`      steady frames up ${JSON.stringify(v.steadyFrames.up)}, down ${JSON.stringify(v.steadyFrames.down)}`);
  }
  if (browserResponse) {
    log(`  HTTP/1.1 response to the same save with the browser's Origin (${browserResponseBytes} B):`);
    for (const h of browserResponse.headers) log(`    ${h.bytes} B  ${h.name}: ${h.value}`);
  }
  for (const b of batchingResults) {
    log(
      `  Progress saver, ${b.windowSeconds} s window or ${b.savesPerWrite} saves, a page every ${b.paceSeconds} s: ${b.turns} saves → ${b.requests} requests, ${b.wireBytes} B on the wire = ${b.bytesPerSave} B per save requested`,
    );
  }
  log(
    `  Prefer without return=minimal: HTTP ${withoutMinimal.status}, body ${withoutMinimalBody.length} B, preference-applied "${preferenceApplied}" → return=minimal is ${returnMinimalIsDefault ? 'already the default (avoidable)' : 'needed'}`,
  );

  const http1 = {
    request: exchange.up.length,
    response: exchange.down.length,
    total: exchange.up.length + exchange.down.length,
  };
  return {
    http1,
    requestParts,
    responseParts,
    rawRequest: exchange.up.toString('latin1'),
    rawResponse: exchange.down.toString('latin1'),
    authorizationHeaderBytes: authorization?.bytes ?? 0,
    jwt,
    body: { bytes: request.body.length, fields: bodyFields },
    browserHttp1Estimate: {
      request: browserRequest,
      response: browserResponseBytes,
      total: browserRequest + browserResponseBytes,
      method:
        "the SDK headers, host, content-length, connection and body as captured, plus CHROME_HEADERS (reading.ts) instead of the headers Node fetch adds; response captured for the same save sent with the browser's Origin (CORS headers included); a CORS preflight (OPTIONS), cached up to Access-Control-Max-Age, is not counted",
    },
    http2: h2,
    batching: batchingResults,
    browserResponseHeaders: browserResponse?.headers.map((h) => `${h.name}: ${h.value}`),
    returnMinimalIsDefault,
    withoutReturnMinimal: { status: withoutMinimal.status, bodyBytes: withoutMinimalBody.length, preferenceApplied },
    deviceId,
  };
}

// =============================================================================================
// 1. Progress upserts under load
// =============================================================================================
async function measureUpserts(options: {
  gatewayUrl: string;
  postgrestUrl: string;
  publishableKey: string;
  readers: { id: string; token: string }[];
  books: string[];
  admin: pg.Pool;
}) {
  const { readers, books } = options;
  const R = readers.length;
  const B = settings.booksPerReader;
  log(
    `\n1. Progress upserts: POST /rest/v1/reading_progress as ${R} readers × ${B} books, every request a newer device clock`,
  );
  // What the SDK sends, captured per reader (no network): its URL, headers and body.
  const perReader: { path: string; headers: Record<string, string>; deviceId: string; books: string[] }[] = [];
  const T0 = Date.now() - 2 * 60 * 60 * 1000;
  let sdkSample: { url: string; headers: Record<string, string>; body: string } | undefined;
  for (let r = 0; r < R; r++) {
    let captured: { url: string; headers: Record<string, string>; body: string } | undefined;
    const client = createCoko({
      url: options.gatewayUrl,
      publishableKey: options.publishableKey,
      accessToken: (readers[r] as { token: string }).token,
      fetch: async (input, init) => {
        const headers: Record<string, string> = {};
        new Headers(init?.headers).forEach((value, name) => {
          headers[name] = value;
        });
        captured = { url: String(input), headers, body: String(init?.body) };
        return new Response(null, { status: 201 });
      },
    });
    const readerBooks = Array.from({ length: B }, (_, j) => books[(r * B + j) % books.length] as string);
    const at = new Date(T0 - 1000);
    await client.reading.saveProgress(readerBooks[0] as string, progressLocator(0), { deviceUpdatedAt: at });
    if (!captured) throw new Error('the SDK sent nothing');
    const c = captured as { url: string; headers: Record<string, string>; body: string };
    const deviceId = String((JSON.parse(c.body) as { device_id: string }).device_id);
    const rebuilt = progressBody(readerBooks[0] as string, progressLocator(0), deviceId, at.toISOString());
    if (rebuilt !== c.body) throw new Error(`replayed body differs from the SDK's:\n${rebuilt}\n${c.body}`);
    const url = new URL(c.url);
    perReader.push({ path: url.pathname + url.search, headers: c.headers, deviceId, books: readerBooks });
    sdkSample ??= c;
  }
  log(
    `  SDK request (captured): POST ${perReader[0]?.path} headers [${Object.keys(sdkSample?.headers ?? {}).join(', ')}], prefer "${sdkSample?.headers.prefer}"; replayed bodies identical to the SDK's`,
  );

  let counter = 0;
  const makeSpecs = (count: number): Spec[] =>
    Array.from({ length: count }, () => {
      const i = counter++;
      const r = i % R;
      const j = Math.floor(i / R) % B;
      const reader = perReader[r] as (typeof perReader)[number];
      return {
        method: 'POST',
        path: reader.path,
        headers: reader.headers,
        body: progressBody(
          reader.books[j] as string,
          progressLocator(Math.floor(i / (R * B))),
          reader.deviceId,
          new Date(T0 + i).toISOString(),
        ),
        tag: String(i),
      };
    });

  type Run = Figures & {
    concurrency: number;
    via: 'gateway' | 'postgrest';
    load: number;
    statuses: Record<string, number>;
    /** CPU per request by component (µs), from /proc; null elsewhere. */
    cpuUsPerRequest: Record<string, number> | null;
  };
  const runs: Run[] = [];
  const direct: Run[] = [];
  /** Latest device clock (spec index) answered 2xx, per (reader, book) key. */
  const latest = new Map<string, number>();
  const note = (phase: LoadResult) =>
    phase.tags.forEach((tag, k) => {
      const code = phase.codes[k] ?? 0;
      if (code < 200 || code >= 300) return;
      const i = Number(tag);
      const key = `${i % R}:${Math.floor(i / R) % B}`;
      if ((latest.get(key) ?? -1) < i) latest.set(key, i);
    });
  for (const concurrency of settings.concurrencies) {
    for (const via of ['gateway', 'postgrest'] as const) {
      if (via === 'postgrest' && settings.directSeconds === 0) continue;
      const origin = via === 'gateway' ? options.gatewayUrl : options.postgrestUrl;
      const specs = (count: number) =>
        via === 'gateway'
          ? makeSpecs(count)
          : makeSpecs(count).map((spec) => ({ ...spec, path: spec.path.replace(/^\/rest\/v1/, '') }));
      const warmSeconds = via === 'gateway' ? settings.warmupSeconds : 1;
      const warm = await runLoad(origin, specs(Math.max(2000, warmSeconds * 1500)), {
        concurrency,
        seconds: warmSeconds,
      });
      const before = cpuSnapshot();
      const result = await runLoad(origin, specs(settings.requests), {
        concurrency,
        seconds: via === 'gateway' ? settings.seconds : settings.directSeconds,
      });
      const cpu = cpuDelta(before, cpuSnapshot());
      note(warm);
      note(result);
      const f = figures(result.latencies, result.elapsedMs, result.errors);
      const cpuUsPerRequest = cpu
        ? Object.fromEntries(
            Object.entries(cpu)
              .map(([k, ms]) => [k, Math.round((ms * 1000) / Math.max(1, f.n))] as const)
              .filter(([, us]) => us >= 5),
          )
        : null;
      const run: Run = { ...f, concurrency, via, load: loadAverage(), statuses: result.statuses, cpuUsPerRequest };
      (via === 'gateway' ? runs : direct).push(run);
      const cpuText = cpuUsPerRequest
        ? `  CPU/request ${Object.entries(cpuUsPerRequest)
            .map(([k, us]) => `${k} ${us} µs`)
            .join(', ')}`
        : '';
      log(
        `  ${via === 'gateway' ? 'gateway  ' : 'PostgREST'} c=${String(concurrency).padEnd(2)} n=${String(f.n).padEnd(6)} p50 ${fmt(f.p50)}  p95 ${fmt(f.p95)}  p99 ${fmt(f.p99)}  ${String(f.rps).padStart(7)} req/s  load ${run.load}${cpuText}${f.errors ? `  ERRORS ${f.errors} ${JSON.stringify(result.statuses)}` : ''}${f.n === settings.requests ? '  (all specs used: raise BENCH_READING_REQUESTS)' : ''}`,
      );
    }
  }

  // What-if: PostgREST's JWT cache on (jwt-cache-max-lifetime, off by default and not set by the
  // stack), through the in-database config on this throwaway stack only.
  const jwtCache: Run[] = [];
  if (settings.jwtCacheSeconds > 0) {
    await options.admin.query(`alter role authenticator set pgrst.jwt_cache_max_lifetime = '3600'`);
    await options.admin.query(`notify pgrst, 'reload config'`);
    await sleep(1000);
    for (const concurrency of settings.concurrencies) {
      const warm = await runLoad(options.gatewayUrl, makeSpecs(3000), { concurrency, seconds: 1 });
      const before = cpuSnapshot();
      const result = await runLoad(options.gatewayUrl, makeSpecs(settings.requests), {
        concurrency,
        seconds: settings.jwtCacheSeconds,
      });
      const cpu = cpuDelta(before, cpuSnapshot());
      note(warm);
      note(result);
      const f = figures(result.latencies, result.elapsedMs, result.errors);
      const cpuUsPerRequest = cpu
        ? Object.fromEntries(
            Object.entries(cpu)
              .map(([k, ms]) => [k, Math.round((ms * 1000) / Math.max(1, f.n))] as const)
              .filter(([, us]) => us >= 5),
          )
        : null;
      jwtCache.push({
        ...f,
        concurrency,
        via: 'gateway',
        load: loadAverage(),
        statuses: result.statuses,
        cpuUsPerRequest,
      });
      log(
        `  gateway, PostgREST JWT cache on (what-if) c=${String(concurrency).padEnd(2)} n=${String(f.n).padEnd(6)} p50 ${fmt(f.p50)}  p95 ${fmt(f.p95)}  p99 ${fmt(f.p99)}  ${String(f.rps).padStart(7)} req/s${
          cpuUsPerRequest
            ? `  CPU/request ${Object.entries(cpuUsPerRequest)
                .map(([k, us]) => `${k} ${us} µs`)
                .join(', ')}`
            : ''
        }${f.errors ? `  ERRORS ${f.errors} ${JSON.stringify(result.statuses)}` : ''}`,
      );
    }
    await options.admin.query(`alter role authenticator reset pgrst.jwt_cache_max_lifetime`);
    await options.admin.query(`notify pgrst, 'reload config'`);
    await sleep(500);
  }

  // The effect in the database: one row per (reader, book), each at the newest clock answered 2xx.
  const { rows } = await options.admin.query<{ user_id: string; book_id: string; at: string }>(
    `select user_id, book_id, (extract(epoch from device_updated_at) * 1000)::bigint::text as at
       from public.reading_progress where user_id = any($1::uuid[])`,
    [readers.map((r) => r.id)],
  );
  const byKey = new Map(rows.map((row) => [`${row.user_id} ${row.book_id}`, Number(row.at)]));
  let mismatched = 0;
  for (const [key, i] of latest) {
    const [r, j] = key.split(':').map(Number) as [number, number];
    const stored = byKey.get(`${readers[r]?.id} ${perReader[r]?.books[j]}`);
    if (stored !== T0 + i) mismatched += 1;
  }
  const verification = {
    rows: rows.length,
    expectedRows: latest.size,
    rowsNotAtNewestClock: mismatched,
  };
  log(
    `  database: ${rows.length} progress rows for the ${R} readers (expected ${latest.size}); ${mismatched} not at the newest clock answered 2xx`,
  );
  return {
    runs,
    direct,
    jwtCache,
    verification,
    sdkRequest: { path: perReader[0]?.path, headerNames: Object.keys(sdkSample?.headers ?? {}) },
  };
}

// =============================================================================================
// 2. Offline replay
// =============================================================================================
async function measureOfflineReplay(options: {
  gatewayUrl: string;
  publishableKey: string;
  reader: { id: string; token: string };
  books: string[];
  admin: pg.Pool;
}) {
  log(
    `\n2. Offline replay: ${settings.offlineWrites} writes made offline with the real SDK + offline queue, then online`,
  );
  let online = true;
  const listeners = new Set<(online: boolean) => void>();
  const network: NetworkMonitor = {
    online: () => online,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const requests: string[] = [];
  let failedWhileOffline = 0;
  const countingFetch: typeof fetch = async (input, init) => {
    if (!online) {
      failedWhileOffline += 1;
      throw new TypeError('fetch failed (offline)');
    }
    const url = new URL(String(input instanceof Request ? input.url : input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    return fetch(input, init);
  };
  const conflicts: unknown[] = [];
  const rejections: unknown[] = [];
  const queue = createOfflineQueue({
    storage: memoryStorage(),
    network,
    onConflict: (c) => conflicts.push(c),
    onRejected: (r) => rejections.push({ op: r.change.op, error: r.error.message }),
  });
  const coko = createCoko({
    url: options.gatewayUrl,
    publishableKey: options.publishableKey,
    accessToken: options.reader.token,
    fetch: countingFetch,
    offline: queue,
  });

  const books = options.books.slice(0, 5);
  const weekAgo = Date.now() - 7 * 24 * 60 * 60 * 1000;
  let clock = weekAgo - 24 * 60 * 60 * 1000;
  const at = (step = 20_000) => {
    clock += step;
    return new Date(clock);
  };

  // Before: 20 highlights made online and synced (the server has them; deleting them offline
  // leaves tombstones other devices must learn of).
  const older: string[] = [];
  for (let k = 0; k < 20; k++) {
    const bookId = books[k % books.length] as string;
    const a = await coko.reading.annotations.create(
      { bookId, kind: 'highlight', locator: progressLocator(500 + k), selectedText: 'Le fleuve Djoliba.' },
      { deviceUpdatedAt: at() },
    );
    older.push(a.id);
  }
  await coko.reading.sync();
  if (coko.reading.syncStatus().pending !== 0) throw new Error('the 20 online annotations did not sync');

  // Offline for a week: 10 reading sittings of 50 writes each — start a session, 30 page turns,
  // 11 new annotations (8 highlights, 2 notes, 1 bookmark), 5 of them recoloured, 2 older
  // highlights deleted, end.
  online = false;
  for (const listener of listeners) listener(false);
  const requestsAtOffline = requests.length;
  const counts = {
    progress: 0,
    annotationCreate: 0,
    annotationUpdate: 0,
    annotationDelete: 0,
    sessionStart: 0,
    sessionEnd: 0,
  };
  const madeStarted = performance.now();
  for (let sitting = 0; sitting < 10; sitting++) {
    clock = weekAgo + sitting * 14 * 60 * 60 * 1000;
    const bookId = books[sitting % books.length] as string;
    const session = await coko.reading.sessions.start(
      bookId,
      { deviceType: 'android', startProgression: sitting / 20 },
      { deviceUpdatedAt: at() },
    );
    counts.sessionStart += 1;
    const created: string[] = [];
    for (let page = 0; page < 30; page++) {
      const i = sitting * 30 + page;
      await coko.reading.saveProgress(bookId, progressLocator(i), { deviceUpdatedAt: at() });
      counts.progress += 1;
      if (page % 3 === 1 && created.length < 11) {
        const kind = created.length < 8 ? 'highlight' : created.length < 10 ? 'note' : 'bookmark';
        const text = 'Soundjata, le fils du lion, se leva enfin.';
        const annotation = await coko.reading.annotations.create(
          {
            bookId,
            kind,
            locator: {
              ...progressLocator(i),
              text: { before: 'Le griot dit : ', highlight: text, after: ' Et tout le Manding' },
            },
            selectedText: kind === 'bookmark' ? null : text,
            note: kind === 'note' ? 'À relire avec les enfants.' : null,
          },
          { deviceUpdatedAt: at() },
        );
        counts.annotationCreate += 1;
        created.push(annotation.id);
      }
    }
    while (created.length < 11) {
      const annotation = await coko.reading.annotations.create(
        { bookId, kind: 'bookmark', locator: progressLocator(sitting) },
        { deviceUpdatedAt: at() },
      );
      counts.annotationCreate += 1;
      created.push(annotation.id);
    }
    for (const id of created.slice(0, 5)) {
      await coko.reading.annotations.update(id, { color: '#e57373' }, { deviceUpdatedAt: at() });
      counts.annotationUpdate += 1;
    }
    for (const id of older.slice(sitting * 2, sitting * 2 + 2)) {
      await coko.reading.annotations.delete(id, { deviceUpdatedAt: at() });
      counts.annotationDelete += 1;
    }
    await coko.reading.sessions.end(
      session.id,
      { endProgression: (sitting + 1) / 20, pagesRead: 30 },
      { deviceUpdatedAt: at() },
    );
    counts.sessionEnd += 1;
  }
  const made = Object.values(counts).reduce((a, b) => a + b, 0);
  const madeMs = performance.now() - madeStarted;
  const pendingOffline = coko.reading.syncStatus().pending;
  log(
    `  ${made} writes made offline in ${madeMs.toFixed(0)} ms (${JSON.stringify(counts)}); queued after coalescing: ${pendingOffline}; requests tried while offline: ${failedWhileOffline + requests.length - requestsAtOffline}`,
  );
  if (made !== settings.offlineWrites) throw new Error(`made ${made} writes, not ${settings.offlineWrites}`);

  // Back online: the `online` event, as browsers and NetInfo send it; the queue flushes by itself.
  const requestsBefore = requests.length;
  const done = new Promise<void>((resolve) => {
    const stop = coko.reading.subscribe((event: ReadingEvent) => {
      const status = coko.reading.syncStatus();
      if (event.type === 'synced' && status.pending === 0 && !status.syncing) {
        stop();
        resolve();
      }
    });
  });
  const started = performance.now();
  online = true;
  for (const listener of listeners) listener(true);
  const timedOut = await Promise.race([done.then(() => false), sleep(15_000).then(() => true)]);
  const replayMs = performance.now() - started;
  const replayRequests = requests.slice(requestsBefore);
  await sleep(300); // anything sent late still counts
  const lateRequests = requests.length - requestsBefore - replayRequests.length;
  queue.close();
  log(
    `  back online → queue empty in ${replayMs.toFixed(1)} ms with ${replayRequests.length} HTTP request(s) [${replayRequests.join('; ')}]${lateRequests ? `, +${lateRequests} later` : ''}${timedOut ? ' — TIMED OUT after 15 s' : ''}; conflicts ${conflicts.length}, rejections ${rejections.length}`,
  );

  const { rows } = await options.admin.query<Record<string, string>>(
    `select
       (select count(*) from public.reading_progress where user_id = $1) as progress,
       (select count(*) from public.annotations where user_id = $1) as annotations,
       (select count(*) from public.annotations where user_id = $1 and deleted_at is not null) as tombstones,
       (select count(*) from public.annotations where user_id = $1 and deleted_at is null and color = '#e57373') as recoloured,
       (select count(*) from public.reading_sessions where user_id = $1) as sessions,
       (select count(*) from public.reading_sessions where user_id = $1 and ended_at is not null and pages_read = 30) as ended`,
    [options.reader.id],
  );
  const db = Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
  const expected = { progress: 5, annotations: 130, tombstones: 20, recoloured: 50, sessions: 10, ended: 10 };
  const effectOk = Object.entries(expected).every(([k, v]) => db[k] === v);
  log(`  database: ${JSON.stringify(db)} (expected ${JSON.stringify(expected)}) → ${effectOk ? 'ok' : 'MISMATCH'}`);
  return {
    writes: counts,
    madeOfflineMs: round(madeMs, 1),
    queuedAfterCoalescing: pendingOffline,
    requestsWhileOffline: failedWhileOffline,
    replay: { requests: replayRequests.length, lateRequests, urls: replayRequests, ms: round(replayMs, 1), timedOut },
    conflicts: conflicts.length,
    rejections,
    database: db,
    expected,
    effectOk,
  };
}

// =============================================================================================
// Main
// =============================================================================================
async function main(): Promise<number> {
  const t0 = Date.now();
  const startedAt = new Date();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
  log(
    `Coko reading bench: progress upserts at c=${settings.concurrencies.join(', ')} (${settings.warmupSeconds} s warm-up + ${settings.seconds} s each), offline replay of ${settings.offlineWrites} writes, bytes per save, SDK size`,
  );
  log(
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );

  const sql = settings.runSql ? await runReadingSync() : undefined;

  log('\nStarting a throwaway stack…');
  const stackStarted = Date.now();
  const bench = await startBenchStack();
  const { stack } = bench;
  process.once('SIGINT', () => {
    void bench.stop().then(() => process.exit(130));
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 2 });
  let bytes: Awaited<ReturnType<typeof measureBytes>>;
  let upserts: Awaited<ReturnType<typeof measureUpserts>>;
  let offline: Awaited<ReturnType<typeof measureOfflineReplay>>;
  let preRequestNote = 'configured by the migrations';
  try {
    log(`  ready in ${((Date.now() - stackStarted) / 1000).toFixed(1)} s at ${stack.url}`);
    const { publishableKey } = stack.keys;

    // PostgREST's db-pre-request runs on every request in production: make sure it does here.
    const preRequest = await admin.query<{ configured: boolean }>(
      `select coalesce(bool_or(c = 'pgrst.db_pre_request=private.check_request'), false) as configured
         from pg_db_role_setting s join pg_roles r on r.oid = s.setrole, unnest(s.setconfig) c
        where r.rolname = 'authenticator'`,
    );
    if (!preRequest.rows[0]?.configured) {
      await admin.query(`alter role authenticator set pgrst.db_pre_request = 'private.check_request'`);
      await admin.query(`notify pgrst, 'reload config'`);
      preRequestNote = 'NOT set by the migrations on this stack; set by the bench (as production has it)';
    }

    // A partner, a real partner session (for the bytes: the token a reader really carries), and
    // readers created directly in auth.users with tokens minted like the API's (partner_id claim).
    const created = await createPartner(
      { db, actor: cliActor() },
      {
        name: 'Bench partner',
        slug: 'bench-reading',
        allowedOrigins: ['http://localhost:5173', CHROME_HEADERS.origin as string],
        defaultCountry: 'SN',
      },
    );
    const partnerId = created.partner.id;
    const session = await fetch(`${stack.url}/functions/v1/api/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.secretKey?.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalUserId: 'bench-bytes-reader', name: 'Awa Diop', country: 'SN', language: 'fr' }),
    });
    if (!session.ok) throw new Error(`session minting answered ${session.status}: ${await session.text()}`);
    const partnerSession = (await session.json()) as { accessToken: string; user: { id: string } };

    const ids = Array.from({ length: settings.readers + 1 }, () => randomUUID());
    await admin.query(
      `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated',
              'bench-' || left(id::text, 8) || '@reading.bench', '{}', '{}', now(), now()
         from unnest($1::uuid[]) as id`,
      [ids],
    );
    const readers = await Promise.all(
      ids.map(async (id) => ({
        id,
        token: await mintUserToken(
          stack.keys,
          { id, appMetadata: { provider: 'coko-partner', partner_id: partnerId } },
          { expiresInSeconds: 3600 },
        ),
      })),
    );
    const offlineReader = readers.pop() as { id: string; token: string };
    const books = (
      await admin.query<{ id: string }>(
        `select id from public.books where status = 'published' and country_restriction is null order by id limit 200`,
      )
    ).rows.map((row) => row.id);
    if (books.length < settings.booksPerReader) throw new Error(`the seed has only ${books.length} published books`);
    await admin.query('analyze');
    log(
      `  ${readers.length} readers (+1 for the offline replay, +1 partner session for the bytes), ${books.length} published books; db-pre-request ${preRequestNote}`,
    );

    // A real partner app's key: the partner's pk_ (its allowed origin for the browser's requests).
    bytes = await measureBytes({
      gatewayUrl: stack.url,
      publishableKey: created.publishableKey?.key as string,
      token: partnerSession.accessToken,
      bookIds: books.slice(-3),
    });
    upserts = await measureUpserts({
      gatewayUrl: stack.url,
      postgrestUrl: stack.postgrestUrl,
      publishableKey,
      readers,
      books,
      admin,
    });
    offline = await measureOfflineReplay({
      gatewayUrl: stack.url,
      publishableKey,
      reader: offlineReader,
      books: books.slice(100),
      admin,
    });
  } catch (error) {
    const tail = bench.logTail();
    if (tail.length) console.error(`Last stack log lines:\n${tail.slice(-30).join('\n')}`);
    throw error;
  } finally {
    await db.end();
    await admin.end();
    await bench.stop();
  }

  const size = settings.runSize ? await measureSdkSize() : undefined;

  // ---- Targets ------------------------------------------------------------------------------
  const checks: Check[] = [];
  const metAt = (ok: (r: (typeof upserts.runs)[number]) => boolean) =>
    upserts.runs.filter(ok).map((r) => `c=${r.concurrency}`);
  const rpsMet = metAt((r) => r.rps >= TARGETS.upsertRps && r.errors === 0);
  const p99Met = metAt((r) => r.p99 <= TARGETS.upsertP99Ms && r.errors === 0);
  const whatIf = (pick: (r: (typeof upserts.runs)[number]) => string) =>
    upserts.jwtCache.length
      ? `; with PostgREST's JWT cache on (what-if): ${upserts.jwtCache.map(pick).join(', ')}`
      : '';
  checks.push({
    target: 'progress upsert throughput',
    measured: upserts.runs.map((r) => `${r.rps} req/s (c=${r.concurrency})`).join(', '),
    goal: `≥ ${TARGETS.upsertRps} req/s`,
    pass: rpsMet.length > 0,
    note: `${rpsMet.length ? `met at ${rpsMet.join(', ')}` : 'met at no concurrency'}${whatIf((r) => `${r.rps} req/s (c=${r.concurrency})`)}`,
  });
  checks.push({
    target: 'progress upsert p99',
    measured: upserts.runs.map((r) => `${r.p99} ms (c=${r.concurrency})`).join(', '),
    goal: `≤ ${TARGETS.upsertP99Ms} ms`,
    pass: p99Met.length > 0,
    note: `${p99Met.length ? `met at ${p99Met.join(', ')}` : 'met at no concurrency'}${whatIf((r) => `${r.p99} ms (c=${r.concurrency})`)}`,
  });
  checks.push({
    target: 'progress upserts took effect (DB)',
    measured: `${upserts.verification.rows}/${upserts.verification.expectedRows} rows, ${upserts.verification.rowsNotAtNewestClock} stale`,
    goal: 'all rows at the newest clock',
    pass:
      upserts.verification.rows === upserts.verification.expectedRows &&
      upserts.verification.rowsNotAtNewestClock === 0,
  });
  checks.push({
    target: `offline replay of ${settings.offlineWrites} writes: HTTP requests`,
    measured: String(offline.replay.requests + offline.replay.lateRequests),
    goal: `≤ ${TARGETS.replayRequests}`,
    pass: offline.replay.requests + offline.replay.lateRequests <= TARGETS.replayRequests && !offline.replay.timedOut,
    note: 'a browser adds one CORS preflight when its cache (Access-Control-Max-Age; Chrome caps it at 2 h) is cold',
  });
  checks.push({
    target: `offline replay of ${settings.offlineWrites} writes: online → queue empty`,
    measured: `${offline.replay.ms} ms`,
    goal: `≤ ${TARGETS.replaySeconds * 1000} ms`,
    pass: offline.replay.ms <= TARGETS.replaySeconds * 1000 && !offline.replay.timedOut,
  });
  checks.push({
    target: 'offline replay took effect (DB)',
    measured: JSON.stringify(offline.database),
    goal: JSON.stringify(offline.expected),
    pass: offline.effectOk && offline.rejections.length === 0,
  });
  checks.push({
    target: 'bytes per progress save: HTTP/1.1 as sent (Node)',
    measured: `${bytes.http1.total} B (${bytes.http1.request} + ${bytes.http1.response})`,
    goal: `≤ ${TARGETS.progressSaveBytes} B`,
    pass: bytes.http1.total <= TARGETS.progressSaveBytes,
  });
  checks.push({
    target: 'bytes per progress save: HTTP/1.1 from a browser (computed)',
    measured: `${bytes.browserHttp1Estimate.total} B`,
    goal: `≤ ${TARGETS.progressSaveBytes} B`,
    pass: bytes.browserHttp1Estimate.total <= TARGETS.progressSaveBytes,
  });
  for (const b of bytes.batching) {
    checks.push({
      target: `bytes per progress save requested: HTTP/1.1 (Node), saver: ${b.savesPerWrite} saves or ${b.windowSeconds} s, a page every ${b.paceSeconds} s`,
      measured: `${b.bytesPerSave} B (${b.wireBytes} B ÷ ${b.turns} saves, ${b.requests} requests)`,
      goal: `≤ ${TARGETS.progressSaveBytes} B`,
      pass: b.bytesPerSave <= TARGETS.progressSaveBytes,
      note: 'per save requested, not per request',
    });
  }
  for (const v of bytes.http2) {
    checks.push({
      target: `bytes per progress save: HTTP/2 steady state, ${v.name}`,
      measured: `${v.steady.total} B (${v.steady.up} + ${v.steady.down})`,
      goal: `≤ ${TARGETS.progressSaveBytes} B`,
      pass: v.steady.total <= TARGETS.progressSaveBytes,
      note: `first save on a connection ${v.first.up + v.first.down} B, connection set-up ${v.setup.up + v.setup.down} B`,
    });
  }
  if (size && 'lines' in size) {
    const core = size.lines[0] as SizeLine;
    checks.push({
      target: `SDK size: ${core.name}`,
      measured: `${core.brotliKb} kB brotli`,
      goal: `≤ ${core.budgetKb} kB`,
      pass: core.ok,
    });
  } else if (size) {
    checks.push({ target: 'SDK size', measured: size.error, goal: `≤ ${TARGETS.coreBrotliKb} kB`, pass: false });
  }
  if (sql && 'results' in sql) {
    const s = sql.results['sync_reading: 500 new changes, since checkpoint'];
    if (s)
      checks.push({
        target: 'sync_reading, 500 new changes (SQL, p95)',
        measured: `${s.p95Ms} ms`,
        goal: `< ${TARGETS.sync500Ms} ms`,
        pass: s.p95Ms < TARGETS.sync500Ms,
      });
  } else if (sql) {
    checks.push({ target: 'reading-sync.ts', measured: sql.error, goal: 'runs', pass: false });
  }

  // ---- Avoidable bytes the SDK / gateway still send (measured above) --------------------------
  const jwtSaving = bytes.jwt.bytes - bytes.jwt.minimalClaimsBytes;
  const deviceIdSaving = bytes.deviceId.length - 16;
  const sdkPrefer = bytes.requestParts.some(
    (p) => p.part.includes('prefer') && p.bytes > 'prefer: resolution=merge-duplicates\r\n'.length,
  );
  const avoidable = [
    ...(bytes.returnMinimalIsDefault && sdkPrefer
      ? [
          {
            what: 'Prefer ",return=minimal": PostgREST already answers with no body without it (checked above), and echoes it back in preference-applied',
            savingBytes: 2 * ',return=minimal'.length,
            where: 'SDK (reading/context.ts direct())',
            http2: 'indexed after the first request: ≈ 0 B in steady state',
          },
        ]
      : []),
    // The SDK's device ids are 16 characters (12 random bytes) since the second bytes round; longer is an old one.
    ...(deviceIdSaving > 0
      ? [
          {
            what: `device_id is ${bytes.deviceId.length} chars (a UUID?); the SDK's own are 16 (96 random bits, base64url)`,
            savingBytes: deviceIdSaving,
            where: 'SDK (reading/device-id.ts newDeviceId(): offline queue, stamp())',
            http2: 'in the body: saved on every save, every protocol; also in every sync_reading change',
          },
        ]
      : []),
    ...(jwtSaving > 0
      ? [
          {
            what: `JWT claims nobody reads on the request path (email, phone, user_metadata, amr, aal, session_id, is_anonymous, iss, app_metadata.provider; typ in the header): ${bytes.jwt.bytes} → ${bytes.jwt.minimalClaimsBytes} B`,
            savingBytes: jwtSaving,
            where: 'API token minting (identity/tokens.ts; Supabase-compatible claim set, see supabase-compat.md)',
            http2:
              'saved on every request when Authorization is never indexed (nghttp2: Node, curl); ≈ 0 in steady state when indexed',
          },
        ]
      : []),
  ];

  // ---- Throughput improvements (measured above) ------------------------------------------------
  const sumCpu = (r?: { cpuUsPerRequest: Record<string, number> | null }) =>
    r?.cpuUsPerRequest ? Object.values(r.cpuUsPerRequest).reduce((a, b) => a + b, 0) : null;
  const improvements: { what: string; where: string; measured: string }[] = [];
  const base = upserts.runs[0];
  const cached = upserts.jwtCache[0];
  if (base && cached) {
    improvements.push({
      what: "Turn on PostgREST's JWT cache (jwt-cache-max-lifetime, e.g. 3600): partner sessions are ES256, and PostgREST 12.0.2 verifies the signature on every request",
      where:
        'packages/server/src/stack/postgrest.ts (PGRST_JWT_CACHE_MAX_LIFETIME); on Supabase hosted, its own PostgREST config',
      measured: `through the gateway at c=${base.concurrency}: ${base.rps} → ${cached.rps} req/s, p99 ${base.p99} → ${cached.p99} ms; PostgREST CPU per request ${base.cpuUsPerRequest?.postgrest ?? '?'} → ${cached.cpuUsPerRequest?.postgrest ?? '?'} µs${upserts.jwtCache
        .slice(1)
        .map(
          (r) =>
            `; c=${r.concurrency}: ${upserts.runs.find((b) => b.concurrency === r.concurrency)?.rps} → ${r.rps} req/s, p99 ${upserts.runs.find((b) => b.concurrency === r.concurrency)?.p99} → ${r.p99} ms`,
        )
        .join('')}`,
    });
  }
  const directBase = upserts.direct.find((r) => r.concurrency === base?.concurrency);
  if (base?.cpuUsPerRequest && directBase?.cpuUsPerRequest) {
    improvements.push({
      what: "The local gateway (Hono + fetch() proxy to PostgREST) costs Node CPU per request; in production `coko gateway` (the same module) fronts Supabase's, so this bounds both",
      where: 'packages/server/src/gateway/proxy.ts',
      measured: `node CPU per request ${base.cpuUsPerRequest.node} µs through the gateway vs ${directBase.cpuUsPerRequest.node} µs straight to PostgREST (load generator only), c=${base.concurrency}; ${base.rps} vs ${directBase.rps} req/s; total CPU ${sumCpu(base)} vs ${sumCpu(directBase)} µs`,
    });
  }

  // ---- Report -------------------------------------------------------------------------------
  log('\nResults');
  log('| scenario | concurrency | n | errors | p50 ms | p95 ms | p99 ms | req/s | load |');
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const labelled = [
    ...upserts.runs.map((r) => ({
      r,
      label: 'POST /rest/v1/reading_progress (upsert, SDK headers), through the gateway',
    })),
    ...upserts.direct.map((r) => ({ r, label: 'same, straight to PostgREST (diagnostic: no gateway)' })),
    ...upserts.jwtCache.map((r) => ({ r, label: 'same, through the gateway, PostgREST JWT cache on (what-if)' })),
  ];
  for (const { r, label } of labelled)
    log(
      `| ${label} | ${r.concurrency} | ${r.n} | ${r.errors} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.rps} | ${r.load} |`,
    );
  if (upserts.runs.some((r) => r.cpuUsPerRequest)) {
    log('\nCPU per progress upsert (µs, /proc; node = gateway + API + load generator thread)');
    for (const { r, label } of labelled) {
      if (!r.cpuUsPerRequest) continue;
      const total = Object.values(r.cpuUsPerRequest).reduce((a, b) => a + b, 0);
      log(
        `  ${label.startsWith('POST') ? 'gateway' : label.includes('JWT') ? 'gateway + JWT cache' : 'PostgREST direct'}, c=${r.concurrency}: ${Object.entries(
          r.cpuUsPerRequest,
        )
          .map(([k, us]) => `${k} ${us}`)
          .join(
            ', ',
          )}; total ${total} µs → at most ${Math.round((machine.cpus * 1e6) / total)} req/s on ${machine.cpus} cores`,
      );
    }
  }
  log('\nBytes of one progress save (request + response)');
  log('| measure | request B | response B | total B |');
  log('| --- | ---: | ---: | ---: |');
  log(
    `| HTTP/1.1 as sent by the SDK in Node (captured) | ${bytes.http1.request} | ${bytes.http1.response} | ${bytes.http1.total} |`,
  );
  log(
    `| HTTP/1.1 from a browser (computed: Chrome-like headers; answer captured with Origin) | ${bytes.browserHttp1Estimate.request} | ${bytes.browserHttp1Estimate.response} | ${bytes.browserHttp1Estimate.total} |`,
  );
  for (const b of bytes.batching) {
    log(
      `| HTTP/1.1 (Node) per save requested: saver ${b.savesPerWrite} saves or ${b.windowSeconds} s, a page every ${b.paceSeconds} s (${b.turns} saves → ${b.requests} requests) | | | ${b.bytesPerSave} |`,
    );
  }
  for (const v of bytes.http2) {
    log(
      `| HTTP/2 first save on a connection, ${v.name} | ${v.first.up} | ${v.first.down} | ${v.first.up + v.first.down} |`,
    );
    log(`| HTTP/2 steady state, ${v.name} | ${v.steady.up} | ${v.steady.down} | ${v.steady.total} |`);
  }
  log('\nTargets');
  log('| target | measured | goal | | note |');
  log('| --- | ---: | --- | --- | --- |');
  for (const c of checks)
    log(`| ${c.target} | ${c.measured} | ${c.goal} | ${c.pass ? 'pass' : 'FAIL'} | ${c.note ?? ''} |`);
  log('\nAvoidable bytes (not changed; measured or computed above)');
  for (const a of avoidable) log(`  - ${a.savingBytes} B: ${a.what} [${a.where}; HTTP/2: ${a.http2}]`);
  log('\nThroughput (not changed; measured above)');
  for (const i of improvements) log(`  - ${i.what} [${i.where}]: ${i.measured}`);

  const migrations = migrationChecksums();
  const output = {
    benchmark: 'reading',
    startedAt: startedAt.toISOString(),
    durationSeconds: round((Date.now() - t0) / 1000, 1),
    machine,
    migrations,
    settings,
    method: {
      loadGenerator:
        'in-repo closed loop (bench/src/load-worker.mjs) in a worker thread, node:http keep-alive, one socket per client; warm-up as a separate phase with older device clocks',
      preRequest: preRequestNote,
      upsertRequest: upserts.sdkRequest,
      bytes:
        'HTTP/1.1: raw TCP proxy between the SDK (Node fetch) and the gateway. HTTP/2: node:http2 client (nghttp2 HPACK, 4 KiB dynamic tables) → capture proxy → h2c front (node:http2 server) → gateway; steady state = median of saves 3..N on one connection. Authorization indexed = the header sent under another name (renamed back by the front), which nghttp2 indexes (its first save then carries that longer name once, ≈ +15 B). No TLS: TLS 1.3 adds ≈ 22 B per record.',
      offline:
        'createCoko({ fetch: counting, offline: createOfflineQueue({ storage: memoryStorage(), network }) }); writes made while network.online() is false; then the online event; time until a synced event with pending 0',
    },
    sql: sql ?? null,
    upserts,
    offline,
    bytes,
    size: size ?? null,
    avoidable,
    improvements,
    targets: TARGETS,
    checks,
    passed: checks.every((c) => c.pass),
  };
  const file = writeResults('reading', output);
  log(`\nWrote ${file} (${output.durationSeconds} s in all)`);
  return output.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
