// End-to-end test of examples/reader-web: a throwaway stack (embedded Postgres, seed, PostgREST,
// gateway), a partner with the example partner backend (the readers' sign-in), the example built by
// Vite against them, served from another origin (so the browser sends real CORS preflights), and
// driven in headless Chromium through playwright-core. Run by test/e2e/run.mjs, which finds Chromium
// (CHROMIUM_PATH) or skips.
import { spawn } from 'node:child_process';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createApiFactory,
  freePort,
  loadOrCreateProjectKeys,
  makeTempDir,
  type Stack,
  startStack,
} from '@coko/server/dev';
import pg from 'pg';
import { createCoko } from '../../packages/sdk/src/index.ts';
import { attachDemoContent } from '../../packages/server/src/content/demo/attach.ts';
import { DEMO_BOOKS, seedBookId } from '../../packages/server/src/content/demo/catalog.ts';
import { QUEUE_NAMES } from '../../packages/server/src/jobs/queues.ts';
import { jobSender } from '../../packages/server/src/jobs/send.ts';
import { startWorker } from '../../packages/server/src/jobs/worker.ts';
import { createLogger } from '../../packages/server/src/observability/logger.ts';
import type { StoragePort } from '../../packages/server/src/providers/storage/port.ts';
import { readerToken, startPartner } from './partner.ts';

// playwright-core is a dev dependency of the example (the repository root does not depend on it).
type Playwright = typeof import('../../examples/reader-web/node_modules/playwright-core');
type Locator = import('../../examples/reader-web/node_modules/playwright-core').Locator;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const exampleDir = join(root, 'examples', 'reader-web');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const screenshotDir = process.env.E2E_SCREENSHOT_DIR || tmpdir();
/** Everything (stack, build, browser, tests) must be over by then. */
const OVERALL_TIMEOUT_MS = 240_000;
const TEST_TIMEOUT_MS = 20_000;

// Chromium on a closed network: no background connections (they are refused and logged), no QUIC.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const log = (line: string) => console.log(`  [${elapsed()}] ${line}`);

// ---------------------------------------------------------------------------------------------
// Cleanup: every resource registers how to release it; released in reverse order, once, on any exit.
// ---------------------------------------------------------------------------------------------
const cleanups: (() => unknown)[] = [];
let cleaning: Promise<void> | undefined;
/** Registers a release; once cleanup has begun (a signal during setup), releases at once. */
function onCleanup(release: () => unknown): void {
  if (cleaning)
    void Promise.resolve()
      .then(release)
      .catch(() => {});
  else cleanups.push(release);
}
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const release of cleanups.reverse()) {
      try {
        await release();
      } catch (error) {
        console.error('cleanup:', error);
      }
    }
  })();
  return cleaning;
}
/** Releases everything, then exits (after 20 s at most: a stuck release must not hang CI). */
let stopping = false;
let stopCode: number | undefined;
function stop(code: number): void {
  stopping = true;
  stopCode = code;
  setTimeout(() => process.exit(code), 20_000).unref();
  void cleanup().finally(() => process.exit(code));
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping…`);
    stop(signal === 'SIGINT' ? 130 : 1);
  });
}
const watchdog = setTimeout(() => {
  console.error(`✖ end-to-end: still running after ${OVERALL_TIMEOUT_MS / 1000}s, giving up`);
  console.log('0 passed, 1 failed');
  stop(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

// ---------------------------------------------------------------------------------------------
// Setup: stack and Vite build in parallel, then a static server for dist/.
// ---------------------------------------------------------------------------------------------

interface StartedStack {
  stack: Stack;
  /** The API's storage (a folder of the stack's directory): the demo books are published into it. */
  storage: StoragePort;
}

/** Starts the stack on a port chosen now, with keys created now, so the build need not wait for it. */
async function prepareStack(): Promise<{ url: string; publishableKey: string; start: Promise<StartedStack> }> {
  const dir = makeTempDir('coko-e2e-');
  onCleanup(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));
  // The directory is new, so `reset` is not needed; the stack loads these keys from keys.json.
  const keys = await loadOrCreateProjectKeys(join(dir, 'keys.json'));
  const port = await freePort();
  const lines: string[] = [];
  const createApi = createApiFactory({
    env: 'test',
    environment: { ...process.env, LOG_LEVEL: 'warn', STORAGE: 'local', STORAGE_LOCAL_ROOT: join(dir, 'storage') },
  });
  let storage: StoragePort | undefined;
  const start = startStack({
    dir,
    port,
    persistent: false,
    reset: false,
    seed: true,
    // The API's request log would drown the test's output: warnings and errors only.
    createApi: async (context) => {
      const api = await createApi(context);
      storage = api.storage;
      return api;
    },
    log: (line) => {
      lines.push(line);
      if (lines.length > 100) lines.shift();
    },
  }).then(
    (stack) => {
      onCleanup(() => stack.stop());
      if (!storage) throw new Error('the stack’s API has no storage');
      return { stack, storage };
    },
    (error) => {
      console.error(lines.slice(-30).join('\n'));
      throw error;
    },
  );
  return { url: `http://127.0.0.1:${port}`, publishableKey: keys.publishableKey, start };
}

// Seed books (supabase/seed.sql) given real generated EPUBs: a free one to read, a paid one to buy; the
// declined payment needs no file.
const FREE_BOOK = 8;
const PAID_BOOK = 1;
const DECLINED_BOOK = 2;

/** Publishes the demo EPUBs of FREE_BOOK and PAID_BOOK into the stack's storage, as `coko dev` does. */
async function publishDemoBooks({ stack, storage }: StartedStack): Promise<void> {
  const cacheDir = makeTempDir('coko-e2e-demo-content-');
  onCleanup(() => rmSync(cacheDir, { recursive: true, force: true }));
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  try {
    const books = DEMO_BOOKS.filter((book) => book.seed === FREE_BOOK || book.seed === PAID_BOOK);
    const { attached } = await attachDemoContent({ db, storage, cacheDir, books });
    assert(attached.length === 2, `demo books attached: ${JSON.stringify(attached)}`);
  } finally {
    await db.end();
  }
}

/** `vite build` of the example against the stack, into a temporary folder (the example's dist/ is left alone). */
function buildExample(env: { url: string; publishableKey: string; partnerBackendUrl: string }): Promise<string> {
  const outDir = makeTempDir('coko-e2e-dist-');
  onCleanup(() => rmSync(outDir, { recursive: true, force: true }));
  const vite = join(exampleDir, 'node_modules', '.bin', 'vite');
  return new Promise((resolve, reject) => {
    const child = spawn(vite, ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: exampleDir,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        VITE_COKO_URL: env.url,
        VITE_COKO_PUBLISHABLE_KEY: env.publishableKey,
        VITE_PARTNER_BACKEND_URL: env.partnerBackendUrl,
      },
    });
    const kill = () => child.exitCode === null && child.kill('SIGTERM');
    onCleanup(kill);
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve(outDir) : reject(new Error(`vite build failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.xhtml': 'application/xhtml+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** A static server for dist/ on 127.0.0.1:`port` (unknown paths get index.html, as an SPA host would). */
async function serveStatic(dir: string, port: number): Promise<string> {
  const server: Server = createServer((request, response) => {
    let file = join(dir, normalize(new URL(request.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(dir + sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      file = join(dir, 'index.html');
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${port}`;
}

// ---------------------------------------------------------------------------------------------
// A tiny runner: tests run in order on one page; each failure is reported, the rest still runs.
// ---------------------------------------------------------------------------------------------
const results: { name: string; error?: unknown }[] = [];

async function test(name: string, body: () => Promise<void>): Promise<void> {
  const testStarted = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      body(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000}s`)), TEST_TIMEOUT_MS);
      }),
    ]);
    results.push({ name });
    console.log(`  ✔ ${name} (${Date.now() - testStarted} ms)`);
  } catch (error) {
    if (stopping) return; // the browser is going away under the test
    results.push({ name, error });
    console.log(`  ✖ ${name} (${Date.now() - testStarted} ms)`);
    console.log(
      `    ${String(error instanceof Error ? (error.stack ?? error.message) : error).replace(/\n/g, '\n    ')}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Polls `read` until `check` accepts its value (the last value is in the error otherwise). */
async function waitFor<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let value: T | undefined;
  while (Date.now() < deadline) {
    value = await read();
    if (check(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: last value ${JSON.stringify(value)}`);
}

/** ISO 4217 minor units of the seed's currencies, written out here rather than taken from the app. */
const MINOR_UNITS: Record<string, number> = { XOF: 0, EUR: 2, USD: 2 };
/** What the page should show for a price in minor units: "1 500 F CFA", "4,99 €". */
function formatMinorUnits(amount: number, currency: string): string {
  const digits = MINOR_UNITS[currency];
  if (digits === undefined) throw new Error(`no minor unit known for ${currency}`);
  return whitespace(new Intl.NumberFormat('fr-SN', { style: 'currency', currency }).format(amount / 10 ** digits));
}
const whitespace = (text: string) => text.replace(/\s+/gu, ' ').trim();
/** A locator's text, whitespace collapsed. */
const textOf = async (locator: Locator) => whitespace((await locator.textContent()) ?? '');
/** "240 livres" → 240 ("Aucun livre" → 0). */
const countOf = (status: string) => Number(/^([\d\s]+) livres?/u.exec(status)?.[1]?.replace(/\s/gu, '') ?? 0);

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const require = createRequire(join(exampleDir, 'package.json'));
  const { chromium } = require('playwright-core') as Playwright;

  const prepared = await prepareStack();
  // Ports chosen now: the build needs the partner backend's URL, the partner the app's origin.
  const [appPort, backendPort] = [await freePort(), await freePort()];
  const appUrl = `http://127.0.0.1:${appPort}`;
  const partnerBackendUrl = `http://127.0.0.1:${backendPort}`;
  log(`building the example and starting the stack at ${prepared.url}…`);
  const [outDir, stack] = await Promise.all([
    buildExample({ ...prepared, partnerBackendUrl }).then((dir) => {
      log('example built');
      return dir;
    }),
    prepared.start.then(async (started) => {
      await publishDemoBooks(started);
      log('stack ready, demo books published');
      return started.stack;
    }),
  ]);
  const backend = await startPartner({
    databaseUrl: stack.databaseUrl,
    cokoUrl: stack.url,
    appOrigin: appUrl,
    port: backendPort,
  });
  onCleanup(() => backend.close());
  // The worker moves orders once the sandbox's webhook is stored (job payments.process-event).
  const worker = await startWorker({
    databaseUrl: stack.databaseUrl,
    logger: createLogger({ level: 'warn', base: { service: 'coko-worker' } }),
    schedule: false,
    pollingIntervalSeconds: 0.5,
    stopTimeoutMs: 5000,
  });
  onCleanup(() => worker.stop());
  await serveStatic(outDir, appPort);
  log(`example served at ${appUrl}, partner backend at ${backend.url}; launching ${chromiumPath}`);

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    // Our signal handlers close the browser with everything else (Playwright's would exit at once).
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  onCleanup(() => browser.close());
  const context = await browser.newContext({ locale: 'fr-SN', viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);

  // What the browser reports: console errors, uncaught exceptions, failed requests (aborted
  // fetches are fine: TanStack Query cancels the previous search while typing).
  const problems: string[] = [];
  // The app's console, and the sandbox payment page's (served by the API, under its own CSP).
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${page.url()})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    if (!reason.includes('ERR_ABORTED')) problems.push(`request failed: ${request.url()} ${reason}`);
  });

  // Requests to the stack as Chromium's network stack sees them, preflights included (DevTools protocol).
  const network = new Map<string, { url: string; method: string; type?: string; status?: number; acao?: string }>();
  const cdp = await context.newCDPSession(page);
  cdp.on('Network.requestWillBeSent', ({ requestId, request, type }) => {
    if (request.url.startsWith(stack.url)) network.set(requestId, { url: request.url, method: request.method, type });
  });
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const entry = network.get(requestId);
    if (!entry) return;
    entry.status = response.status;
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    entry.acao = headers['access-control-allow-origin'];
  });
  await cdp.send('Network.enable');

  /** The stack's REST API from Node (no Origin: not the browser's view). */
  const rest = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${stack.url}/rest/v1/${path}`, { headers: { apikey: stack.keys.publishableKey } });
    assert(response.ok, `GET /rest/v1/${path}: ${response.status}`);
    return (await response.json()) as T;
  };

  const books = page.locator('ul[aria-label="Livres"] > li');
  const status = page.locator('section p.status');
  const search = page.getByRole('searchbox');
  const searchRequests = () =>
    [...network.values()].filter((r) => r.method === 'POST' && r.url.includes('/rpc/search_books')).length;
  const open = async () => {
    await page.goto(appUrl);
    await books.first().waitFor();
  };

  await test('the catalog lists 20 books with their authors and XOF prices', async () => {
    await open();
    await waitFor(
      'books listed',
      () => books.count(),
      (n) => n === 20,
    );
    const total = countOf(await textOf(status));
    assert(total > 20, `expected more than 20 books in the catalog, the status says ${total}`);
    const prices = (await page.locator('.book .price').allTextContents()).map(whitespace);
    const xof = prices.filter((price) => /^\d{1,3}( \d{3})* F CFA$/u.test(price));
    assert(xof.length > 0, `no XOF price among ${JSON.stringify(prices)}`);
    // Each card's price against the database: integers in the currency's minor unit (ISO 4217).
    const ids = (await books.locator('h2 a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).map(
      (href) => decodeURIComponent(String(href).replace('#/livres/', '')),
    );
    const rows = await rest<{ id: string; price: number; currency: string; is_free: boolean }[]>(
      `books?select=id,price,currency,is_free&id=in.(${ids.join(',')})`,
    );
    const expected = ids.map((id) => {
      const row = rows.find((r) => r.id === id);
      return row?.is_free ? 'Gratuit' : row ? formatMinorUnits(row.price, row.currency) : `missing ${id}`;
    });
    assert(
      JSON.stringify(prices) === JSON.stringify(expected),
      `prices shown ${JSON.stringify(prices)}, expected ${JSON.stringify(expected)}`,
    );
    const authors = await page.locator('.book .authors').allTextContents();
    assert(authors.length === 20 && authors.every((a) => a.trim().length > 0), 'every book shows its authors');
    assert(await page.getByRole('button', { name: 'Suivant →' }).isEnabled(), 'there is a next page');
    await page.screenshot({ path: join(screenshotDir, 'coko-e2e-reader-web-catalog.png') });
  });

  await test('the pager shows the next page', async () => {
    await open();
    const first = await textOf(books.first().locator('h2'));
    await page.getByRole('button', { name: 'Suivant →' }).click();
    await page.getByText(/^Page 2 sur \d+$/).waitFor();
    await waitFor(
      'page 2 listed',
      () => textOf(books.first().locator('h2')),
      (title) => title !== first,
    );
  });

  await test('typing "ecole" shows "Une École au Sénégal" (debounced: not one request per key)', async () => {
    await open();
    const before = searchRequests();
    await search.pressSequentially('ecole', { delay: 40 });
    await books.getByRole('link', { name: 'Une École au Sénégal' }).waitFor();
    await page.getByText('pour « ecole »').waitFor();
    // One request (two if the machine stalls between keystrokes), not one per keystroke.
    const sent = searchRequests() - before;
    assert(sent >= 1 && sent <= 2, `the debounced search sent ${sent} requests for 5 keystrokes`);
  });

  await test('choosing a category narrows the results', async () => {
    await open();
    const all = countOf(await textOf(status));
    await page.getByLabel('Catégorie').selectOption('manuels-scolaires');
    const narrowed = await waitFor(
      'book count after choosing a category',
      async () => countOf(await textOf(status)),
      (n) => n !== all,
    );
    assert(narrowed > 0 && narrowed < all, `expected between 1 and ${all - 1} books, got ${narrowed}`);
    // Search and category together: the book is a school book, and no poem.
    await search.fill('ecole');
    await books.getByRole('link', { name: 'Une École au Sénégal' }).waitFor();
    await page.getByLabel('Catégorie').selectOption('poesie');
    await waitFor(
      'École au Sénégal filtered out',
      () => books.getByRole('link', { name: 'Une École au Sénégal' }).count(),
      (n) => n === 0,
    );
  });

  await test('opening a book shows its detail, and going back restores the search', async () => {
    await open();
    await search.fill('ecole');
    await books.getByRole('link', { name: 'Une École au Sénégal' }).click();
    await page.getByRole('heading', { level: 1, name: 'Une École au Sénégal' }).waitFor();
    const detail = await textOf(page.locator('article.detail'));
    assert(
      detail.includes('Chronique d’une année scolaire') || detail.includes("Chronique d'une année scolaire"),
      detail,
    );
    assert(detail.includes('Manuels scolaires'), `no category in ${detail}`);
    assert(detail.includes('Éditeur'), `no publisher in ${detail}`);
    // The price the page shows is the database's, divided by the currency's minor unit.
    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/livres/', ''));
    const [row] = await rest<{ price: number; currency: string }[]>(`books?select=price,currency&id=eq.${id}`);
    assert(row?.currency === 'XOF', `expected an XOF book, got ${JSON.stringify(row)}`);
    const expected = formatMinorUnits(row.price, row.currency);
    const shown = await textOf(page.locator('article.detail .price'));
    assert(shown === expected, `price shown "${shown}", expected "${expected}"`);
    await page.screenshot({ path: join(screenshotDir, 'coko-e2e-reader-web-book.png') });
    await page.getByRole('link', { name: '← Retour au catalogue' }).click();
    await books.getByRole('link', { name: 'Une École au Sénégal' }).waitFor();
    assert((await search.inputValue()) === 'ecole', 'the search is kept');
  });

  await test('an unknown book shows a "not found" message', async () => {
    await page.goto(`${appUrl}/#/livres/00000000-0000-4000-8000-00000000dead`);
    await page.getByText('Ce livre n’existe pas ou n’est plus disponible.').waitFor();
    // PostgREST answers 406 for `.single()` without a row: Chromium logs it, the app handles it.
    const expected = problems.findIndex((line) => /status of 406/.test(line));
    if (expected >= 0) problems.splice(expected, 1);
  });

  // ---------------------------------------------------------------------------------------------
  // The reader: sign-in through the partner backend, a book opened with Readium's navigator,
  // progress, highlights and reading minutes through the real reading API.
  // ---------------------------------------------------------------------------------------------
  const [readBook] = await rest<{ id: string; title: string; is_free: boolean; format: string }[]>(
    `books?select=id,title,is_free,format&id=eq.${seedBookId(FREE_BOOK)}`,
  );
  assert(readBook?.is_free && readBook.format === 'epub', `seed book ${FREE_BOOK}: ${JSON.stringify(readBook)}`);
  /** The reader's accesses to the real access route (each one hands out new signatures). */
  const accesses = () =>
    [...network.values()].filter((r) => r.method === 'GET' && /\/v1\/books\/[^/]+\/access$/.test(r.url)).length;
  const position = page.locator('.reader-position');
  const positionText = () => textOf(position);
  /** The book's text frames (Readium loads each chapter as a blob: document). */
  const bookFrames = () => page.frames().filter((frame) => frame.url().startsWith('blob:'));
  const awaToken = await readerToken(backend.url, 'awa');
  /** The reader's data through the REST API, with Awa's token (as the SDK sends it). */
  const restAsAwa = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${stack.url}/rest/v1/${path}`, {
      headers: { apikey: stack.keys.publishableKey, authorization: `Bearer ${awaToken}` },
    });
    assert(response.ok, `GET /rest/v1/${path}: ${response.status}`);
    return (await response.json()) as T;
  };

  await test('a demo reader signs in through the partner backend', async () => {
    await page.goto(`${appUrl}/#/connexion`);
    await page.getByLabel('Awa Diop (Sénégal)').check();
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('navigation', { name: 'Compte' }).getByText('Awa Diop').waitFor();
  });

  /** The `h1` of each of the book's frames (Readium may keep the neighbouring chapters loaded). */
  const headings = async () =>
    Promise.all(
      bookFrames().map((frame) =>
        frame.evaluate(() => document.querySelector('h1')?.textContent ?? null).catch(() => null),
      ),
    );
  /** Waits until a frame shows `title` as its heading. */
  const chapterShown = (title: string) =>
    waitFor(`a frame showing "${title}"`, headings, (titles) => titles.includes(title));
  /** Readium's reading order: the cover page, then the chapters. */
  const readingOrderOf = (seed: number) => 1 + (DEMO_BOOKS.find((book) => book.seed === seed)?.chapters ?? 0);
  /** The path inside the EPUB of the reading order's `position`-th resource (demo EPUB layout). */
  const pathAt = (position: number) =>
    position === 1 ? 'OEBPS/text/cover.xhtml' : `OEBPS/text/chapter-${String(position - 1).padStart(3, '0')}.xhtml`;

  let shownBeforeReload = '';
  await test('a free demo EPUB opens in the reader; buttons and arrow keys turn pages', async () => {
    await page.goto(`${appUrl}/#/livres/${readBook.id}/lire`);
    await page.getByText(`Chapitre 1 sur ${readingOrderOf(FREE_BOOK)} · 0 %`).waitFor();
    // The cover page's image is a relative reference (../images/cover.jpg) under the manifest's token.
    await waitFor(
      'the cover image loaded',
      () =>
        Promise.all(
          bookFrames().map((frame) =>
            frame
              .evaluate(() => {
                const image = document.querySelector<HTMLImageElement>('img.cover');
                return Boolean(image?.complete && image.naturalWidth > 0);
              })
              .catch(() => false),
          ),
        ),
      (loaded) => loaded.includes(true),
    );
    const first = await positionText();
    await page.getByRole('button', { name: 'Page suivante →' }).click();
    const second = await waitFor('the position after "Page suivante"', positionText, (text) => text !== first);
    await chapterShown('Chapitre 1');
    await page.locator('body').press('ArrowRight');
    const third = await waitFor('the position after →', positionText, (text) => text !== second);
    await page.locator('body').press('ArrowLeft');
    await waitFor('the position after ←', positionText, (text) => text === second);
    await page.getByRole('button', { name: 'Page suivante →' }).click();
    shownBeforeReload = await waitFor('back to the third page', positionText, (text) => text === third);
    await page.screenshot({ path: join(screenshotDir, 'coko-e2e-reader-web-reader.png') });
  });

  await test('the position is saved through the reading API and restored on reload', async () => {
    // The hook writes when its 60 s window closes, or at once when the page is hidden (the reader
    // switches tab or app): hide it as the browser does, wait for the stored row, then reload.
    const percent = Number(/· (\d+) %/.exec(shownBeforeReload)?.[1]);
    const chapter = Number(/^Chapitre (\d+) sur/.exec(shownBeforeReload)?.[1]);
    assert(percent > 0 && chapter > 0, `no progress shown: ${shownBeforeReload}`);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const [saved] = await waitFor(
      'the saved progress',
      () =>
        restAsAwa<{ percentage: number; locator: { href: string } }[]>(
          `reading_progress?select=percentage,locator&book_id=eq.${readBook.id}`,
        ),
      (rows) => rows.length === 1 && Math.round(rows[0]?.percentage ?? 0) === percent,
    );
    // The path inside the EPUB, not this access's URL (whose token the next access changes).
    assert(saved?.locator.href === pathAt(chapter), `saved href ${saved?.locator.href}, expected ${pathAt(chapter)}`);
    const before = accesses();
    await page.reload();
    await page.getByText(shownBeforeReload).waitFor();
    assert(accesses() > before, 'the reload asked for a new access (new signatures)');
  });

  await test('a highlight made from a selection is saved and listed', async () => {
    // The first sentence of chapter 1, selected in its frame as a reader's finger would.
    const selected = await waitFor(
      'a sentence of chapter 1 selected',
      () =>
        Promise.all(
          bookFrames().map((frame) =>
            frame
              .evaluate(() => {
                const text = document.querySelector('h1 ~ p')?.firstChild;
                if (document.querySelector('h1')?.textContent !== 'Chapitre 1' || !text?.textContent) return null;
                const range = document.createRange();
                range.setStart(text, 0);
                range.setEnd(text, text.textContent.indexOf('.') + 1 || text.textContent.length);
                document.getSelection()?.removeAllRanges();
                document.getSelection()?.addRange(range);
                return range.toString().trim();
              })
              .catch(() => null),
          ),
        ),
      (sentences) => sentences.some(Boolean),
    );
    const sentence = selected.find(Boolean) as string;
    await page.getByRole('button', { name: 'Surligner la sélection' }).click();
    await page.getByRole('list', { name: 'Mes surlignages' }).getByText(sentence).waitFor();
    await waitFor(
      'the stored highlight',
      () => restAsAwa<{ selected_text: string }[]>(`annotations?select=selected_text&book_id=eq.${readBook.id}`),
      (rows) => rows.some((row) => row.selected_text === sentence),
    );
    await page.reload();
    await page.getByRole('list', { name: 'Mes surlignages' }).getByText(sentence).waitFor();
  });
  await test("writing a review moves the book's rating, and editing it moves it again", async () => {
    await page.goto(`${appUrl}/#/livres/${readBook.id}`);
    await page.getByText('Pas encore d’avis.').waitFor();
    const form = page.getByRole('form', { name: 'Votre avis' });
    await form.getByLabel('4 ★').check();
    await form.getByLabel('Votre avis (facultatif)').fill('Une belle histoire, <b>pas</b> du HTML.');
    await form.getByRole('button', { name: 'Publier mon avis' }).click();
    await page.getByTestId('rating-count').getByText('1 avis').waitFor();
    await page.getByTestId('rating-average').getByText('4,0 / 5').waitFor();
    // Shown as typed: text, never markup.
    const review = page.getByTestId('review').first();
    await review.getByText('Une belle histoire, <b>pas</b> du HTML.').waitFor();
    assert((await review.locator('b').count()) === 0, 'the review body was rendered as HTML');

    await form.getByLabel('2 ★').check();
    await form.getByRole('button', { name: 'Mettre à jour mon avis' }).click();
    await page.getByTestId('rating-average').getByText('2,0 / 5').waitFor();
    const [book] = await restAsAwa<{ rating_count: number; rating_average: number }[]>(
      `books?select=rating_count,rating_average&id=eq.${readBook.id}`,
    );
    assert(book?.rating_count === 1 && book.rating_average === 2, `stored aggregate ${JSON.stringify(book)}`);
    await page.screenshot({ path: join(screenshotDir, 'coko-e2e-reader-web-reviews.png') });
  });

  await test('the activity page charts the reading minutes', async () => {
    // Yesterday, 25 minutes of reading on another device (the SDK's device-clock option).
    const coko = createCoko({ url: stack.url, publishableKey: stack.keys.publishableKey, accessToken: awaToken });
    const yesterday = new Date();
    yesterday.setDate(yesterday.getDate() - 1);
    yesterday.setHours(10, 0, 0, 0);
    const session = await coko.reading.sessions.start(
      readBook.id,
      { deviceType: 'android', startProgression: 0 },
      { deviceUpdatedAt: yesterday },
    );
    await coko.reading.sessions.end(
      session.id,
      { endProgression: 0.2, pagesRead: 12 },
      { deviceUpdatedAt: new Date(yesterday.getTime() + 25 * 60_000) },
    );
    await page.goto(`${appUrl}/#/activite`);
    const chart = page.getByRole('img', { name: /Minutes de lecture par jour/ });
    await chart.waitFor();
    const day = `${yesterday.getFullYear()}-${String(yesterday.getMonth() + 1).padStart(2, '0')}-${String(yesterday.getDate()).padStart(2, '0')}`;
    const minutes = Number(await chart.locator(`g[data-date="${day}"]`).getAttribute('data-minutes'));
    assert(minutes === 25, `yesterday shows ${minutes} minutes`);
    const bar = Number(await chart.locator(`g[data-date="${day}"] rect`).getAttribute('height'));
    assert(bar > 0, 'yesterday has no bar');
    assert((await chart.locator('rect').count()) === 14, 'one bar per day of two weeks');
    await page.screenshot({ path: join(screenshotDir, 'coko-e2e-reader-web-activity.png') });
  });

  await test('the profile shows the points of that session, the badges to earn, and the leaderboard opt-out', async () => {
    // What the events.dispatch cron does every minute (the worker here runs no schedules): the session
    // above becomes points (a session and a reading day) through the worker's gamification consumer.
    const awaId = JSON.parse(Buffer.from(awaToken.split('.')[1] ?? '', 'base64url').toString()).sub as string;
    const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 1 });
    try {
      await jobSender(db)(QUEUE_NAMES.dispatchEvents, {});
      const deadline = Date.now() + 15_000;
      let points = 0;
      for (;;) {
        const { rows } = await db.query('select points from public.reader_scores where user_id = $1', [awaId]);
        points = rows[0]?.points ?? 0;
        if (points >= 15) break;
        assert(Date.now() < deadline, `Awa's points: ${JSON.stringify(rows)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await page.goto(`${appUrl}/#/profil`);
      const score = page.getByTestId('score');
      await score.waitFor();
      const shown = (await score.textContent()) ?? '';
      assert(shown.startsWith(`${points.toLocaleString('fr')} points`), `score: ${shown} (stored ${points})`);
      await page.getByRole('heading', { name: 'À obtenir' }).waitFor();
      assert((await page.locator('.badge').count()) >= 6, 'every badge is listed');
      const toggle = page.getByRole('checkbox', { name: 'Apparaître dans les classements publics' });
      await toggle.waitFor();
      assert(await toggle.isChecked(), 'visible on leaderboards by default');
      await toggle.uncheck();
      const until = Date.now() + 10_000;
      for (;;) {
        const { rows } = await db.query(`select preferences->'leaderboards' as v from public.profiles where id = $1`, [
          awaId,
        ]);
        if (rows[0]?.v === false) break;
        assert(Date.now() < until, `preferences.leaderboards: ${JSON.stringify(rows)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await page.screenshot({ path: join(screenshotDir, 'coko-e2e-reader-web-profile.png') });
    } finally {
      await db.end();
    }
  });

  await test('the inbox lists the welcome message under an unread badge, and marks it read', async () => {
    // The same dispatch made Awa's welcome notification (user.registered → notifications consumer) and
    // her first-review badge's; opening the inbox refreshes the header's count.
    await page.goto(`${appUrl}/#/notifications`);
    const badge = page.locator('.masthead .unread-badge');
    await badge.waitFor({ timeout: 15_000 });
    assert(Number.parseInt((await badge.textContent()) ?? '', 10) >= 1, `unread badge: ${await badge.textContent()}`);
    await page.locator('.notification.unread').first().waitFor();
    await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
    await badge.waitFor({ state: 'detached' });
    assert((await page.locator('.notification.unread').count()) === 0, 'every notification is read');
    await page.screenshot({ path: join(screenshotDir, 'coko-e2e-reader-web-inbox.png') });
  });

  // ---------------------------------------------------------------------------------------------
  // Payments: a paid book bought in the sandbox (the real checkout, sandbox page, webhook, worker and
  // order), then opened; a declined payment.
  // ---------------------------------------------------------------------------------------------
  const forSale = await rest<{ id: string; title: string; price: number; currency: string }[]>(
    `books?select=id,title,price,currency&is_free=eq.false&currency=eq.XOF&available_countries=eq.{}&id=in.(${seedBookId(PAID_BOOK)},${seedBookId(DECLINED_BOOK)})`,
  );
  const toBuy = forSale.find((book) => book.id === seedBookId(PAID_BOOK));
  const toDecline = forSale.find((book) => book.id === seedBookId(DECLINED_BOOK));
  assert(
    toBuy && toDecline,
    `seed books ${PAID_BOOK} and ${DECLINED_BOOK} paid in XOF, sold everywhere: ${JSON.stringify(forSale)}`,
  );

  await test('buying a paid demo EPUB in the sandbox opens it, its chapter styled by its own stylesheet', async () => {
    await page.goto(`${appUrl}/#/livres/${toBuy.id}`);
    const buy = page.getByRole('button', { name: `Acheter — ${formatMinorUnits(toBuy.price, toBuy.currency)}` });
    await buy.click();
    await page.waitForURL((url) => url.href.startsWith(`${stack.url}/functions/v1/api/v1/sandbox/checkout/`));
    await page.getByRole('button', { name: 'Approuver le paiement' }).click();
    await page.waitForURL((url) => url.origin === appUrl && url.searchParams.get('status') === 'paid');
    // The order is paid once the worker has processed the webhook; then the book opens.
    await page.getByText(`Chapitre 1 sur ${readingOrderOf(PAID_BOOK)}`).waitFor({ timeout: 15_000 });
    assert(new URL(page.url()).hash === `#/livres/${toBuy.id}/lire`, `at ${page.url()}`);
    assert(new URL(page.url()).search === '', `the order stays in the address: ${page.url()}`);
    const orders = await restAsAwa<{ status: string }[]>(`orders?select=status&book_id=eq.${toBuy.id}`);
    assert(orders.length === 1 && orders[0]?.status === 'paid', `orders: ${JSON.stringify(orders)}`);

    await page.getByRole('button', { name: 'Page suivante →' }).click();
    await waitFor('chapter 1 on screen', positionText, (text) =>
      text.startsWith(`Chapitre 2 sur ${readingOrderOf(PAID_BOOK)}`),
    );
    await chapterShown('Chapitre 1');
    // styles/book.css, a relative reference of the chapter: centred headings, indented paragraphs.
    const styles = await waitFor(
      'the chapter styled by book.css',
      () =>
        Promise.all(
          bookFrames().map((frame) =>
            frame
              .evaluate(() => {
                const heading = document.querySelector('h1');
                const paragraph = document.querySelector('h1 ~ p');
                if (heading?.textContent !== 'Chapitre 1' || !paragraph) return null;
                return {
                  text: paragraph.textContent?.length ?? 0,
                  headingAlign: getComputedStyle(heading).textAlign,
                  indent: getComputedStyle(paragraph).textIndent,
                };
              })
              .catch(() => null),
          ),
        ),
      (found) => found.some((style) => style?.headingAlign === 'center'),
    );
    const chapter = styles.find((style) => style?.headingAlign === 'center');
    assert(chapter && chapter.text > 100, `chapter 1's text: ${JSON.stringify(styles)}`);
    assert(Number.parseFloat(chapter.indent) > 0, `paragraphs not indented: ${JSON.stringify(chapter)}`);
    await page.screenshot({ path: join(screenshotDir, 'coko-e2e-reader-web-bought.png') });
    await page.goto(`${appUrl}/#/livres/${toBuy.id}`);
    await page.getByRole('link', { name: 'Lire', exact: true }).waitFor();
  });
  await test('a declined payment says so, and the book stays for sale', async () => {
    await page.goto(`${appUrl}/#/livres/${toDecline.id}`);
    const buy = page.getByRole('button', {
      name: `Acheter — ${formatMinorUnits(toDecline.price, toDecline.currency)}`,
    });
    await buy.click();
    await page.waitForURL((url) => url.href.startsWith(`${stack.url}/functions/v1/api/v1/sandbox/checkout/`));
    await page.getByRole('button', { name: 'Refuser' }).click();
    await page.waitForURL((url) => url.origin === appUrl && url.searchParams.get('status') === 'failed');
    await page.getByText('Paiement refusé : vous n’avez pas été débité. Vous pouvez réessayer.').waitFor({
      timeout: 15_000,
    });
    await buy.waitFor();
    const orders = await restAsAwa<{ status: string }[]>(`orders?select=status&book_id=eq.${toDecline.id}`);
    assert(orders.length === 1 && orders[0]?.status === 'failed', `orders: ${JSON.stringify(orders)}`);
  });

  await test('the app calls the stack cross-origin, with CORS preflights answered', async () => {
    assert(new URL(appUrl).origin !== new URL(stack.url).origin, 'the page and the stack share an origin');
    const requests = [...network.values()];
    const preflights = requests.filter((r) => r.type === 'Preflight' || r.method === 'OPTIONS');
    // Navigations to the provider's page (the sandbox) are documents, not cross-origin calls.
    const calls = requests.filter((r) => r.method !== 'OPTIONS' && r.type !== 'Preflight' && r.type !== 'Document');
    assert(calls.length > 0, 'no request reached the stack');
    assert(preflights.length > 0, `no preflight among ${requests.length} requests to the stack`);
    // A preflight still in flight when a test moved on (an order being awaited) has no answer; a
    // refused one has a status, and a failed one is a `requestfailed` problem (last test).
    const answeredPreflights = preflights.filter((r) => r.status !== undefined);
    assert(answeredPreflights.length > 0, 'no preflight answered');
    for (const preflight of answeredPreflights) {
      assert(
        preflight.status !== undefined && preflight.status >= 200 && preflight.status < 300,
        `preflight ${preflight.url} answered ${preflight.status}`,
      );
    }
    const answered = calls.filter((r) => r.status !== undefined);
    const withoutCors = answered.filter((r) => r.acao !== '*' && r.acao !== new URL(appUrl).origin);
    assert(withoutCors.length === 0, `responses without Access-Control-Allow-Origin: ${JSON.stringify(withoutCors)}`);
    log(`${calls.length} requests to the stack, ${preflights.length} preflights`);
  });

  await test('the browser console shows no errors', async () => {
    assert(problems.length === 0, problems.join('\n'));
  });

  log(
    `screenshots: ${join(screenshotDir, 'coko-e2e-reader-web-catalog.png')}, …-book.png, …-reader.png, …-activity.png`,
  );
}

try {
  await main();
} catch (error) {
  // After a signal, setup steps fail because their processes got it too: nothing to report.
  if (!stopping) {
    console.error('✖ end-to-end setup failed:', error);
    results.push({ name: 'setup', error });
  }
} finally {
  await cleanup();
}
clearTimeout(watchdog);
const failures = results.filter((r) => r.error).length;
console.log(`\nend-to-end (reader-web): ${elapsed()}`);
console.log(`${results.length - failures} passed, ${failures} failed`);
if (process.env.COKO_E2E_RESULTS) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.COKO_E2E_RESULTS, JSON.stringify({ passed: results.length - failures, failed: failures }));
}
process.exit(stopCode ?? (failures > 0 ? 1 : 0));
