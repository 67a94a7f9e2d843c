// The payment flow figures of the payments bench (src/payments.ts), through the gateway of its running stack:
// webhook acknowledgement (fresh events, then the same events again), checkout, and the time from a webhook's
// 200 to the entitlement row.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type pg from 'pg';
import { cliActor, createPartner } from '../../packages/server/src/admin/index.ts';
import { QUEUE_NAMES } from '../../packages/server/src/jobs/queues.ts';
import { startWorker } from '../../packages/server/src/jobs/worker.ts';
import { createLogger } from '../../packages/server/src/observability/logger.ts';
import { sandboxEvent, signSandboxEvent } from '../../packages/server/src/providers/payments/index.ts';
import { cpuDelta, cpuSnapshot } from './lib/cpu.ts';
import { type LoadResult, runLoad, type Spec } from './lib/load.ts';
import { type Figures, figures, round } from './lib/stats.ts';

export interface FlowSettings {
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
  /** Pending orders prepared per webhook phase (the phase also stops after `seconds`). */
  webhookOrders: number;
  /** Readers minted for checkout; each buys distinct books. */
  checkoutReaders: number;
  /** Paid books inserted for checkout (readers × books orders at most). */
  checkoutBooks: number;
  /** Orders paid one at a time to time the entitlement. */
  entitlementOrders: number;
  /** Events queued at once to time how fast the worker drains them. */
  backlogOrders: number;
}

export interface FlowContext {
  url: string;
  databaseUrl: string;
  /** The API's role (jobs, partners). */
  db: pg.Pool;
  /** The superuser (fixtures, counts). */
  admin: pg.Pool;
  webhookSecret: string;
  readerId: string;
  /** A paid book: the webhook orders are for it (mark_order_paid grants one entitlement per order). */
  bookId: string;
  settings: FlowSettings;
  log: (line: string) => void;
  row: (name: string, f: Figures) => void;
}

export interface VersusBaseline {
  concurrency: number;
  measured: Figures;
  /** `GET /functions/v1/api/health`, interleaved in the same loop. */
  health: Figures;
  /** measured ÷ health, p50 and p99. */
  ratio: { p50: number; p99: number };
  /**
   * CPU ms per measured request and its health request, by process (node: the gateway, the API and the load
   * generator; postgres; postgrest), from /proc; null elsewhere.
   */
  cpuMsPerPair: Record<string, number> | null;
  load: number;
}

const RETURN_ORIGIN = 'http://localhost:5173';
const WEBHOOK_PATH = '/functions/v1/api/v1/webhooks/sandbox';
const HEALTH: Spec = { method: 'GET', path: '/functions/v1/api/health', headers: {}, tag: 'health' };

function byTag(result: LoadResult, tag: string): Figures {
  const latencies = result.latencies.filter((_, i) => result.tags[i] === tag);
  const errors = result.codes.filter((code, i) => result.tags[i] === tag && (code >= 400 || code === 0)).length;
  return figures(latencies, result.elapsedMs, errors);
}

/** Each spec followed by the health baseline, so both see the same load. */
const withHealth = (specs: Spec[]) => specs.flatMap((spec) => [spec, HEALTH]);

async function versusHealth(
  ctx: FlowContext,
  concurrency: number,
  warmup: Spec[],
  measured: Spec[],
): Promise<VersusBaseline & { result: LoadResult }> {
  const { settings } = ctx;
  if (warmup.length) await runLoad(ctx.url, withHealth(warmup), { concurrency, seconds: settings.warmupSeconds });
  const cpuBefore = cpuSnapshot();
  const result = await runLoad(ctx.url, withHealth(measured), { concurrency, seconds: settings.seconds });
  const cpu = cpuDelta(cpuBefore, cpuSnapshot());
  const tag = measured[0]?.tag ?? '';
  const measuredFigures = byTag(result, tag);
  const cpuMsPerPair =
    cpu &&
    Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, round(ms / Math.max(1, measuredFigures.n), 3)]));
  const health = byTag(result, 'health');
  return {
    concurrency,
    measured: measuredFigures,
    health,
    ratio: { p50: round(measuredFigures.p50 / health.p50), p99: round(measuredFigures.p99 / health.p99) },
    cpuMsPerPair,
    load: round(os.loadavg()[0] ?? 0, 1),
    result,
  };
}

interface PendingOrder {
  id: string;
  amount: number;
  currency: string;
}

/** `count` pending sandbox orders of the reader for the book, inserted in one statement as checkout leaves them. */
async function pendingOrders(ctx: FlowContext, count: number, label: string): Promise<PendingOrder[]> {
  const { rows } = await ctx.admin.query<PendingOrder>(
    `with ids as (select gen_random_uuid() as id, g from generate_series(1, $5::int) g)
     insert into public.orders (id, user_id, book_id, amount, currency, provider, provider_reference, idempotency_key, return_url)
     select ids.id, $1, b.id, b.price, b.currency, 'sandbox', 'sbx_' || ids.id, $3 || '-' || ids.g, $4
       from ids, public.books b
      where b.id = $2
     returning id, amount::int as amount, trim(currency) as currency`,
    [ctx.readerId, ctx.bookId, `bench-${label}`, `${RETURN_ORIGIN}/orders`, count],
  );
  return rows;
}

async function signedWebhook(ctx: FlowContext, order: PendingOrder): Promise<Spec> {
  const now = new Date();
  const body = JSON.stringify(sandboxEvent({ orderId: order.id, ...order }, 'approved', now));
  return {
    method: 'POST',
    path: WEBHOOK_PATH,
    headers: {
      'content-type': 'application/json',
      'sandbox-signature': await signSandboxEvent(ctx.webhookSecret, body, now),
    },
    body,
    tag: 'webhook',
  };
}

const signAll = (ctx: FlowContext, orders: PendingOrder[]) =>
  Promise.all(orders.map((order) => signedWebhook(ctx, order)));

/** Stored events and queued process-event jobs, to check what a phase did. */
async function stored(ctx: FlowContext): Promise<{ events: number; jobs: number }> {
  const { rows } = await ctx.admin.query<{ events: number; jobs: number }>(
    `select (select count(*)::int from public.payment_events) as events,
            (select count(*)::int from pgboss.job where name = $1) as jobs`,
    [QUEUE_NAMES.processPaymentEvent],
  );
  return rows[0] as { events: number; jobs: number };
}

const ok = (result: LoadResult, tag: string, status: number) =>
  result.codes.filter((code, i) => result.tags[i] === tag && code === status).length;

export interface WebhookFigures {
  fresh: (VersusBaseline & { stored: number; queued: number })[];
  duplicates: VersusBaseline & { stored: number; queued: number };
}

/**
 * Webhook acknowledgement at c=1 and c=N: each request a distinct, validly signed event of a distinct pending
 * order, so each stores one payment_events row and sends one job (no worker consumes them meanwhile: the API's
 * work alone). Then the last phase's events again: acknowledged, nothing stored or queued.
 */
export async function measureWebhooks(ctx: FlowContext): Promise<WebhookFigures> {
  const { settings, log, row } = ctx;
  const fresh: WebhookFigures['fresh'] = [];
  let last: Spec[] = [];
  for (const concurrency of [1, settings.concurrency]) {
    const warmupOrders = await pendingOrders(ctx, Math.ceil(settings.webhookOrders / 4), `wh-warm-c${concurrency}`);
    const orders = await pendingOrders(ctx, settings.webhookOrders, `wh-c${concurrency}`);
    const [warmup, measured] = [await signAll(ctx, warmupOrders), await signAll(ctx, orders)];
    log(`\nPOST ${WEBHOOK_PATH} (fresh signed events) vs GET /functions/v1/api/health, interleaved, c=${concurrency}`);
    const warm = await runLoad(ctx.url, withHealth(warmup), { concurrency, seconds: settings.warmupSeconds });
    const counted = await stored(ctx);
    const phase = await versusHealth(ctx, concurrency, [], measured);
    const after = await stored(ctx);
    const acknowledged = ok(phase.result, 'webhook', 200);
    const check = { stored: after.events - counted.events, queued: after.jobs - counted.jobs };
    if (check.stored !== acknowledged || check.queued !== acknowledged || warm.errors) {
      throw new Error(
        `c=${concurrency}: ${acknowledged} acknowledged, ${check.stored} events stored, ${check.queued} jobs queued; statuses ${JSON.stringify(phase.result.statuses)}`,
      );
    }
    report(row, log, 'webhook ack, fresh event', phase);
    log(`  ${acknowledged} acknowledged = ${check.stored} payment_events rows = ${check.queued} jobs queued`);
    fresh.push({ ...withoutResult(phase), ...check });
    last = measured.slice(0, acknowledged);
  }

  log(`\nThe same events again (duplicates), c=${settings.concurrency}`);
  const resent = await Promise.all(
    last.map(async (spec) => {
      const now = new Date();
      const body = spec.body as string;
      return {
        ...spec,
        headers: { ...spec.headers, 'sandbox-signature': await signSandboxEvent(ctx.webhookSecret, body, now) },
      };
    }),
  );
  const counted = await stored(ctx);
  const phase = await versusHealth(ctx, settings.concurrency, [], resent);
  const after = await stored(ctx);
  const check = { stored: after.events - counted.events, queued: after.jobs - counted.jobs };
  if (check.stored !== 0 || check.queued !== 0 || phase.measured.errors) {
    throw new Error(
      `duplicates stored ${check.stored} events and queued ${check.queued} jobs; statuses ${JSON.stringify(phase.result.statuses)}`,
    );
  }
  report(row, log, 'webhook ack, duplicate event', phase);
  log(`  ${ok(phase.result, 'webhook', 200)} acknowledged, ${check.stored} events stored, ${check.queued} jobs queued`);
  return { fresh, duplicates: { ...withoutResult(phase), ...check } };
}

function withoutResult<T extends { result: LoadResult }>(phase: T): Omit<T, 'result'> {
  const { result: _, ...rest } = phase;
  return rest;
}

function report(row: FlowContext['row'], log: FlowContext['log'], name: string, phase: VersusBaseline): void {
  row(name, phase.measured);
  row('GET /api/health (baseline, same loop)', phase.health);
  log(`  ÷ health: p50 ${phase.ratio.p50}×, p99 ${phase.ratio.p99}×  load ${phase.load}`);
  if (phase.cpuMsPerPair) {
    const parts = Object.entries(phase.cpuMsPerPair).map(([name, ms]) => `${name} ${ms}`);
    log(`  CPU ms per request + its health request: ${parts.join(', ')}`);
  }
}

/** Readers of a bench partner, minted through POST /v1/sessions as a partner backend does. */
async function mintReaders(ctx: FlowContext, count: number): Promise<string[]> {
  const created = await createPartner(
    { db: ctx.db, actor: cliActor() },
    { name: 'Bench shop', slug: 'bench-shop', allowedOrigins: [RETURN_ORIGIN], defaultCountry: 'SN' },
  );
  const secretKey = created.secretKey?.key as string;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await fetch(`${ctx.url}/functions/v1/api/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ externalUserId: `bench-buyer-${i}`, name: 'Awa Diop', country: 'SN', language: 'fr' }),
      });
      if (response.status !== 200) throw new Error(`session: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { accessToken: string }).accessToken;
    }),
  );
}

/** Published paid books nobody owns yet. */
async function paidBooks(ctx: FlowContext, count: number): Promise<string[]> {
  const { rows } = await ctx.admin.query<{ id: string }>(
    `insert into public.books (title, language, status, format, price, currency, is_free)
     select 'Livre de caisse ' || g, 'fr', 'published', 'epub', 1500 + g, 'XOF', false
       from generate_series(1, $1::int) g
     returning id`,
    [count],
  );
  return rows.map((book) => book.id);
}

/**
 * `POST /v1/checkout` at c=1 and c=N: distinct Idempotency-Keys, the sandbox provider, each request a distinct
 * reader × book pair so none is ALREADY_OWNED.
 */
export async function measureCheckout(ctx: FlowContext): Promise<VersusBaseline[]> {
  const { settings, log, row } = ctx;
  const [tokens, books] = await Promise.all([
    mintReaders(ctx, settings.checkoutReaders),
    paidBooks(ctx, settings.checkoutBooks),
  ]);
  // Book-major order: consecutive requests come from different readers, as real traffic does.
  const specs: Spec[] = books.flatMap((bookId) =>
    tokens.map((token) => ({
      method: 'POST' as const,
      path: '/functions/v1/api/v1/checkout',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({ bookId, provider: 'sandbox', returnUrl: `${RETURN_ORIGIN}/orders` }),
      tag: 'checkout',
    })),
  );
  const phases: VersusBaseline[] = [];
  const share = Math.floor(specs.length / 4);
  const quarter = (index: number) => specs.slice(index * share, (index + 1) * share);
  for (const [index, concurrency] of [1, settings.concurrency].entries()) {
    log(
      `\nPOST /functions/v1/api/v1/checkout (sandbox, distinct reader × book) vs health, interleaved, c=${concurrency}`,
    );
    // A quarter of the pairs each: warm-up at c=1, measured at c=1, warm-up at c=N, measured at c=N.
    const phase = await versusHealth(ctx, concurrency, quarter(2 * index), quarter(2 * index + 1));
    const created = ok(phase.result, 'checkout', 201);
    if (phase.measured.errors) throw new Error(`checkout: statuses ${JSON.stringify(phase.result.statuses)}`);
    report(row, log, 'checkout (order + sandbox session)', phase);
    log(`  ${created} orders created (201)`);
    phases.push(withoutResult(phase));
  }
  return phases;
}

export interface EntitlementFigures {
  /** One order at a time: webhook 200 → the entitlement row visible, ms. */
  latency: Figures & { pollMs: number };
  /** `backlogOrders` events acknowledged at once, then drained by the worker. */
  backlog: { events: number; drainSeconds: number; perSecond: number };
}

const POLL_MS = 5;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls (every POLL_MS) until every order has its entitlement; returns when each was first seen (performance.now()). */
async function entitlementsSeen(ctx: FlowContext, orderIds: string[], timeoutMs: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const deadline = performance.now() + timeoutMs;
  while (seen.size < orderIds.length) {
    if (performance.now() > deadline) {
      throw new Error(
        `${orderIds.length - seen.size} of ${orderIds.length} entitlements missing after ${timeoutMs} ms`,
      );
    }
    const waiting = orderIds.filter((id) => !seen.has(id));
    const { rows } = await ctx.admin.query<{ order_id: string }>(
      'select order_id from public.entitlements where order_id = any($1::uuid[])',
      [waiting],
    );
    const at = performance.now();
    for (const { order_id } of rows) seen.set(order_id, at);
    if (seen.size < orderIds.length) await sleep(POLL_MS);
  }
  return seen;
}

async function post(ctx: FlowContext, spec: Spec): Promise<number> {
  const response = await fetch(`${ctx.url}${spec.path}`, { method: 'POST', headers: spec.headers, body: spec.body });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  return performance.now();
}

/**
 * With a worker consuming as `coko worker` does (its defaults: 2 slots, polling every 2 s; no cron here), the time
 * from a webhook's 200 to its entitlement row, one order at a time; then how fast it drains a backlog.
 */
export async function measureEntitlements(ctx: FlowContext): Promise<EntitlementFigures> {
  const { settings, log, row } = ctx;
  const worker = await startWorker({
    databaseUrl: ctx.databaseUrl,
    schedules: [],
    logger: createLogger({ level: 'warn', base: { service: 'coko-worker' } }),
  });
  try {
    log(
      `\nWebhook 200 → entitlement row, one order at a time, worker as \`coko worker\` (${settings.entitlementOrders} orders)`,
    );
    const orders = await pendingOrders(ctx, settings.entitlementOrders, 'entitle');
    const latencies: number[] = [];
    const started = performance.now();
    for (const order of orders) {
      const acknowledged = await post(ctx, await signedWebhook(ctx, order));
      const seen = await entitlementsSeen(ctx, [order.id], 60_000);
      latencies.push((seen.get(order.id) as number) - acknowledged);
    }
    const latency = { ...figures(latencies, performance.now() - started, 0), pollMs: POLL_MS };
    row('webhook 200 → entitlement visible', latency);

    log(`\nA backlog: ${settings.backlogOrders} events acknowledged at once, then drained by the worker`);
    const backlogOrders = await pendingOrders(ctx, settings.backlogOrders, 'backlog');
    const specs = await signAll(ctx, backlogOrders);
    const sent = await runLoad(ctx.url, specs, { concurrency: settings.concurrency, seconds: 60 });
    if (ok(sent, 'webhook', 200) !== specs.length) throw new Error(`backlog: ${JSON.stringify(sent.statuses)}`);
    const drainStarted = performance.now();
    const seen = await entitlementsSeen(
      ctx,
      backlogOrders.map((order) => order.id),
      600_000,
    );
    const drainSeconds = round((Math.max(...seen.values()) - drainStarted) / 1000);
    const backlog = { events: specs.length, drainSeconds, perSecond: round(specs.length / drainSeconds, 1) };
    log(`  ${backlog.events} entitlements in ${drainSeconds} s after the last 200: ${backlog.perSecond} events/s`);
    return { latency, backlog };
  } finally {
    await worker.stop({ timeoutMs: 5000 });
  }
}
