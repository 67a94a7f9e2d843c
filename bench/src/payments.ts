// Payments and content delivery benchmark: one command, one throwaway stack, every figure through the
// real gateway.
//
//   npm run bench:payments          (or: pnpm --filter @coko/bench run bench:payments)
//
// 1. The cost of the right to read: `GET /functions/v1/api/v1/books/{id}/access` (reader token; the
//    check, a storage `head`, the signed URLs) for a free book and for a bought paid book, interleaved in
//    one closed loop with the plain select of the same book through PostgREST with the same token
//    (`GET /rest/v1/books?id=eq.<id>`), at c=1 and c=BENCH_CONCURRENCY (8). Also the check's SQL alone
//    (`readerAccess`: published, country, can_read; one query) timed serially over pg.
// 2. The bytes a reader downloads to open the ~300-page demo book at chapter 1 — the access answer, the
//    signed manifest, chapter 1 and the stylesheet it links — against the whole EPUB, as a browser asks
//    (gzip, deflate, br accepted; bytes counted on the wire).
// 3. The payment flow (src/payment-flow.ts): the time from a webhook's 200 to the entitlement row with a worker
//    running as `coko worker` does, and how fast it drains a backlog; webhook acknowledgement (fresh signed events
//    of distinct pending orders, then the same events again) and checkout (distinct reader × book pairs), at c=1
//    and c=BENCH_CONCURRENCY, each interleaved with `GET /api/health` as the baseline. Goal: webhook ack p99
//    ≤ 50 ms at 8 clients.
//
// Download limits are off (RATE_LIMITS=off): a closed loop of one reader would hit 10 per hour at once.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { makeTempDir, mintUserToken } from '@coko/server/dev';
import pg from 'pg';
import { attachDemoContent } from '../../packages/server/src/content/demo/attach.ts';
import { DEMO_BOOKS, seedBookId } from '../../packages/server/src/content/demo/catalog.ts';
import { BOOKS_BUCKET, manifestPath } from '../../packages/server/src/content/layout.ts';
import { resolveHref } from '../../packages/server/src/content/paths.ts';
import { readerAccess } from '../../packages/server/src/content/reader-access.ts';
import { localStorage } from '../../packages/server/src/providers/storage/local.ts';
import { createUrlSigner } from '../../packages/server/src/providers/storage/signing.ts';
import { benchDir, startBenchStack } from './bench-stack.ts';
import { intFromEnv } from './lib/env.ts';
import { type LoadResult, runLoad, type Spec } from './lib/load.ts';
import { type Figures, figures, round } from './lib/stats.ts';
import { wireGet } from './lib/wire.ts';
import { measureCheckout, measureEntitlements, measureWebhooks } from './payment-flow.ts';

const settings = {
  concurrency: intFromEnv('BENCH_CONCURRENCY', 8),
  /** Each measured phase (seconds). */
  seconds: intFromEnv('BENCH_PAYMENTS_SECONDS', 8),
  warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 3),
  /** Serial runs of the check's SQL. */
  sqlRuns: intFromEnv('BENCH_PAYMENTS_SQL_RUNS', 2000),
  /** Pending orders prepared per webhook phase (the phase also stops after BENCH_PAYMENTS_SECONDS). */
  webhookOrders: intFromEnv('BENCH_PAYMENTS_WEBHOOKS', 3000),
  checkoutReaders: intFromEnv('BENCH_PAYMENTS_READERS', 50),
  checkoutBooks: intFromEnv('BENCH_PAYMENTS_BOOKS', 80),
  /** Orders paid one at a time to time webhook → entitlement. */
  entitlementOrders: intFromEnv('BENCH_PAYMENTS_ENTITLEMENTS', 20),
  /** Events queued at once to time the worker's drain. */
  backlogOrders: intFromEnv('BENCH_PAYMENTS_BACKLOG', 30),
};

const DEMO_READER = '00000000-0000-4000-8000-000000000001';
const LONG_BOOK = 4; // free, ~300 pages (content/demo/catalog.ts)
const PAID_BOOK = 1; // paid, bought by the reader below

// The stack's API reads book files from this folder; the bench publishes the demo books into it.
const storageRoot = makeTempDir('coko-bench-storage-');
process.env.STORAGE_LOCAL_ROOT = storageRoot;
process.env.RATE_LIMITS = 'off';
// The bench signs sandbox webhooks as the checkout page would: the API must know the same secret.
const webhookSecret = `coko-bench-sandbox-webhook-${randomUUID()}`;
process.env.SANDBOX_WEBHOOK_SECRET = webhookSecret;
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';

const log = (line: string) => console.log(line);
const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

function row(name: string, f: Figures): void {
  log(
    `  ${name.padEnd(44)} n=${String(f.n).padEnd(6)} p50 ${fmt(f.p50)}  p95 ${fmt(f.p95)}  p99 ${fmt(f.p99)}  ${String(f.rps).padStart(8)} req/s${f.errors ? `  ERRORS ${f.errors}` : ''}`,
  );
}

function byTag(result: LoadResult, tag: string): Figures {
  const latencies = result.latencies.filter((_, i) => result.tags[i] === tag);
  const errors = result.codes.filter((code, i) => result.tags[i] === tag && code >= 400).length;
  return figures(latencies, result.elapsedMs, errors);
}

interface AccessAnswer {
  file: { url: string; size: number };
  manifest: { url: string } | null;
}
interface ManifestLink {
  href: string;
  title?: string;
  type?: string;
}
interface Manifest {
  readingOrder: ManifestLink[];
  resources: ManifestLink[];
}

async function main() {
  const t0 = Date.now();
  log(
    `Coko payments bench: right-to-read cost and bytes to open a 300-page book; webhook → entitlement; webhook ack and checkout at c=1 and c=${settings.concurrency}`,
  );
  log(
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}, ${round(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, load ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );
  log('\nStarting a throwaway stack…');
  const bench = await startBenchStack();
  const { stack } = bench;
  const cacheDir = makeTempDir('coko-bench-demo-');
  process.once('SIGINT', () => {
    void bench.stop().then(() => process.exit(130));
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 1 });
  try {
    // ---- Books with files, a reader who bought one ------------------------------------------------
    // Writes only: the signer of this adapter never signs a URL the API serves.
    const storage = localStorage({ root: storageRoot, signer: createUrlSigner('bench-writes-only'), filesUrl: '/' });
    const attachStarted = Date.now();
    await attachDemoContent({
      db,
      storage,
      cacheDir,
      books: DEMO_BOOKS.filter((book) => book.seed === LONG_BOOK || book.seed === PAID_BOOK),
    });
    log(`  demo books generated and published in ${((Date.now() - attachStarted) / 1000).toFixed(1)} s`);
    const [longId, paidId] = [seedBookId(LONG_BOOK), seedBookId(PAID_BOOK)];
    const { rows } = await admin.query<{ id: string }>(
      `insert into public.orders (user_id, book_id, amount, currency, provider, idempotency_key, return_url)
       select $1, b.id, b.price, b.currency, 'sandbox', 'bench-' || b.id, 'http://localhost:5173/'
         from public.books b where b.id = $2
       returning id`,
      [DEMO_READER, paidId],
    );
    await admin.query(`select private.mark_order_paid($1, 'bench', now())`, [rows[0]?.id]);
    const token = await mintUserToken(stack.keys, { id: DEMO_READER }, { expiresInSeconds: 3600 });
    const auth = { authorization: `Bearer ${token}` };
    for (const id of [longId, paidId]) {
      const res = await fetch(`${stack.url}/functions/v1/api/v1/books/${id}/access`, { headers: auth });
      if (res.status !== 200) throw new Error(`access to ${id} answers ${res.status}: ${await res.text()}`);
    }

    // ---- 1. The cost of the right to read ----------------------------------------------------------
    log('\nThe check alone (readerAccess SQL over pg, serial)');
    const sqlLatencies: number[] = [];
    const sqlStarted = performance.now();
    for (let i = 0; i < settings.sqlRuns; i++) {
      const started = performance.now();
      await readerAccess(db, DEMO_READER, i % 2 ? paidId : longId);
      sqlLatencies.push(performance.now() - started);
    }
    const sql = figures(sqlLatencies, performance.now() - sqlStarted, 0);
    row('published + country + can_read, one query', sql);

    const accessSpec = (id: string, tag: string): Spec => ({
      method: 'GET',
      path: `/functions/v1/api/v1/books/${id}/access`,
      headers: { ...auth, 'accept-encoding': 'gzip, deflate, br' },
      tag,
    });
    const selectSpec: Spec = {
      method: 'GET',
      path: `/rest/v1/books?select=id,title,format,file_path,cover_path,is_free,price,currency&id=eq.${longId}`,
      headers: {
        ...auth,
        apikey: stack.keys.publishableKey,
        accept: 'application/vnd.pgrst.object+json',
        'accept-encoding': 'gzip, deflate, br',
      },
      tag: 'select',
    };
    const interleaved = [accessSpec(longId, 'free'), selectSpec, accessSpec(paidId, 'purchase'), selectSpec];
    const http: Record<string, { free: Figures; purchase: Figures; select: Figures; load: number }> = {};
    for (const concurrency of [1, settings.concurrency]) {
      log(`\nGET …/v1/books/{id}/access vs GET /rest/v1/books?id=eq.<id>, interleaved, c=${concurrency}`);
      await runLoad(stack.url, interleaved, { concurrency, requests: 1_000_000, seconds: settings.warmupSeconds });
      const result = await runLoad(stack.url, interleaved, {
        concurrency,
        requests: 1_000_000,
        seconds: settings.seconds,
      });
      const phase = {
        free: byTag(result, 'free'),
        purchase: byTag(result, 'purchase'),
        select: byTag(result, 'select'),
        load: round(os.loadavg()[0] ?? 0, 1),
      };
      row('access, free book', phase.free);
      row('access, bought book', phase.purchase);
      row('plain select of the book (PostgREST)', phase.select);
      log(
        `  access − select, p50: +${round(phase.free.p50 - phase.select.p50)} ms (free) / +${round(phase.purchase.p50 - phase.select.p50)} ms (bought)  load ${phase.load}`,
      );
      http[`c${concurrency}`] = phase;
    }

    // ---- 2. Bytes to open the 300-page book at chapter 1 --------------------------------------------
    log('\nBytes to open the ~300-page demo book at chapter 1 (on the wire, gzip/br accepted)');
    const accessAnswer = await wireGet(`${stack.url}/functions/v1/api/v1/books/${longId}/access`, auth);
    const opened = JSON.parse(accessAnswer.body.toString('utf8')) as AccessAnswer;
    if (!opened.manifest) throw new Error('the demo book has no manifest');
    const manifestAnswer = await wireGet(opened.manifest.url);
    const manifest = JSON.parse(manifestAnswer.body.toString('utf8')) as Manifest;
    const stored = JSON.parse(
      await new Response((await storage.get(BOOKS_BUCKET, manifestPath(longId)))?.body).text(),
    ) as Manifest;
    const chapterIndex = manifest.readingOrder.findIndex((link) => /^(Chapitre|Chapter) 1$/.test(link.title ?? ''));
    const chapterLink = manifest.readingOrder[chapterIndex];
    const chapterPath = stored.readingOrder[chapterIndex]?.href;
    if (!chapterLink || !chapterPath) throw new Error('no "Chapitre 1" in the reading order');
    const chapter = await wireGet(chapterLink.href);
    // The stylesheets the chapter links, as the navigator would fetch them.
    const styles = [...chapter.body.toString('utf8').matchAll(/<link\b[^>]*\bhref="([^"]+\.css)"/g)].map((match) =>
      resolveHref(chapterPath, match[1] as string),
    );
    const css = await Promise.all(
      styles.map((path) => {
        const index = stored.resources.findIndex((link) => link.href === path);
        const href = manifest.resources[index]?.href;
        if (!href) throw new Error(`stylesheet ${path} is not in the manifest`);
        return wireGet(href);
      }),
    );
    const whole = await wireGet(opened.file.url);
    const parts = [
      { part: 'access answer (JSON)', wire: accessAnswer.wireBytes, decoded: accessAnswer.body.length },
      { part: 'manifest (WebPub)', wire: manifestAnswer.wireBytes, decoded: manifestAnswer.body.length },
      { part: `chapter 1 (${chapterPath})`, wire: chapter.wireBytes, decoded: chapter.body.length },
      ...css.map((res, i) => ({ part: `stylesheet (${styles[i]})`, wire: res.wireBytes, decoded: res.body.length })),
    ];
    const openBytes = parts.reduce((sum, part) => sum + part.wire, 0);
    for (const part of parts)
      log(`  ${part.part.padEnd(44)} ${kb(part.wire).padStart(10)} (${kb(part.decoded)} decoded)`);
    log(`  ${'to open at chapter 1'.padEnd(44)} ${kb(openBytes).padStart(10)}`);
    log(`  ${'the whole EPUB'.padEnd(44)} ${kb(whole.wireBytes).padStart(10)} (${opened.file.size} B)`);
    const ratio = round(whole.wireBytes / openBytes, 1);
    log(`  whole file ÷ chapter 1: ${ratio}×`);

    // ---- 3. The payment flow ---------------------------------------------------------------------
    const flow = {
      url: stack.url,
      databaseUrl: stack.databaseUrl,
      db,
      admin,
      webhookSecret,
      readerId: DEMO_READER,
      bookId: paidId,
      settings,
      log,
      row,
    };
    // First: the worker declares the queues, which the webhook route needs to send its jobs.
    const entitlement = await measureEntitlements(flow);
    const webhooks = await measureWebhooks(flow);
    const checkout = await measureCheckout(flow);

    const summary = {
      settings,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
      rightToRead: { sql, http },
      openAtChapterOne: { parts, openBytes, wholeFileBytes: whole.wireBytes, ratio },
      entitlement,
      webhooks,
      checkout,
      seconds: round((Date.now() - t0) / 1000, 1),
    };
    const resultsDir = join(benchDir, 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'payments.json'), `${JSON.stringify(summary, null, 2)}\n`);
    log(`\nWrote bench/results/payments.json. Done in ${summary.seconds} s.`);
    const errors = Object.values(http).some((phase) => phase.free.errors + phase.purchase.errors + phase.select.errors);
    return errors ? 1 : 0;
  } catch (error) {
    const tail = bench.logTail();
    if (tail.length) console.error(tail.slice(-30).join('\n'));
    throw error;
  } finally {
    await db.end();
    await admin.end();
    await bench.stop();
    rmSync(storageRoot, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
