// POST /v1/webhooks/{provider} through the real API and database, with a worker applying the events: duplicates
// and concurrency, bad signatures, stale timestamps, events out of order, events Coko cannot apply.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { jobSender } from '../../src/jobs/send.ts';
import { paymentProvidersFromConfig, sandboxEvent, signSandboxEvent } from '../../src/providers/payments/index.ts';
import { signTimestamped } from '../../src/providers/payments/signature.ts';
import { waitFor } from '../jobs/helpers.ts';
import {
  app,
  config,
  counts,
  db,
  logger,
  newBook,
  newPartner,
  newReader,
  openOrder,
  orderStatus,
  type Partner,
  paymentWorker,
  providers,
  sql,
} from './helpers.ts';

let partner: Partner;
const secret = config.payments.sandbox.webhookSecret;

beforeAll(async () => {
  partner = await newPartner();
  await paymentWorker();
});

async function deliver(body: string, signature?: string) {
  return app.request('/api/v1/webhooks/sandbox', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'sandbox-signature': signature ?? (await signSandboxEvent(secret, body, new Date())),
    },
    body,
  });
}

async function pendingOrder(price = 1500) {
  const reader = await newReader(partner);
  const { order } = await openOrder(reader, await newBook({ price }));
  return order;
}

const eventBody = (order: { id: string; amount: number; currency: string }, outcome: 'approved' | 'declined') =>
  JSON.stringify(
    sandboxEvent({ orderId: order.id, amount: order.amount, currency: order.currency }, outcome, new Date()),
  );

/** Waits until every event of the order has been processed. */
const settled = (orderId: string) =>
  waitFor(
    async () => {
      const [row] = await sql<{ open: number }>(
        'select count(*)::int as open from public.payment_events where order_id = $1 and processed_at is null',
        [orderId],
      );
      return row?.open === 0;
    },
    { timeoutMs: 30_000, what: 'events processed' },
  );

async function processEventJobs(): Promise<number | undefined> {
  const [row] = await sql<{ jobs: number }>(
    `select count(*)::int as jobs from pgboss.job where name = 'payments.process-event'`,
  );
  return row?.jobs;
}

describe('POST /v1/webhooks/{provider}', () => {
  it('the same webhook 10× at once: one event, one entitlement, one receipt', async () => {
    const order = await pendingOrder();
    const body = eventBody(order, 'approved');
    const signature = await signSandboxEvent(secret, body, new Date());
    const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(body, signature)));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(await responses[0]?.json()).toEqual({ received: true });
    await waitFor(async () => (await orderStatus(order.id)) === 'paid', { timeoutMs: 30_000, what: 'paid' });
    await settled(order.id);
    expect(await counts(order.id)).toEqual({ events: 1, entitlements: 1, receipts: 1 });
  });

  it('a tampered body or a stale timestamp is 400 INVALID_SIGNATURE and changes nothing', async () => {
    const order = await pendingOrder();
    const body = eventBody(order, 'approved');
    const signature = await signSandboxEvent(secret, body, new Date());
    const tampered = await deliver(body.replace('"amount":1500', '"amount":1'), signature);
    expect(tampered.status).toBe(400);
    expect(((await tampered.json()) as { error: { code: string } }).error.code).toBe('INVALID_SIGNATURE');

    const stale = await signSandboxEvent(secret, body, new Date(Date.now() - 301_000));
    expect((await deliver(body, stale)).status).toBe(400);
    expect((await deliver(body, 't=1,v1=00')).status).toBe(400);
    expect((await deliver(body, '')).status).toBe(400);

    expect(await counts(order.id)).toEqual({ events: 0, entitlements: 0, receipts: 0 });
    expect(await orderStatus(order.id)).toBe('pending');
  });

  it('is outside the anonymous request budget: a burst of notifications is never throttled', async () => {
    const limited = createApp({
      config: loadConfig({
        COKO_ENV: 'test',
        LOG_LEVEL: 'silent',
        COKO_JWT_SECRET: 'p'.repeat(40),
        RATE_LIMITS: 'anonymous=2/1h',
      }),
      db,
      logger,
      payments: providers,
    });
    const order = await pendingOrder();
    const body = eventBody(order, 'declined');
    const signature = await signSandboxEvent(secret, body, new Date());
    const post = (path: string) =>
      limited.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sandbox-signature': signature, 'x-real-ip': '203.0.113.9' },
        body,
      });
    for (let i = 0; i < 5; i++) expect((await post('/api/v1/webhooks/sandbox')).status).toBe(200);
    // The same address elsewhere in the API is counted.
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('/api/v1/checkout')).status);
    expect(statuses).toContain(429);
  });

  it('an unknown provider is 404', async () => {
    const response = await app.request('/api/v1/webhooks/moneygram', { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('paid, then a late decline: the order stays paid', async () => {
    const order = await pendingOrder();
    await deliver(eventBody(order, 'approved'));
    await waitFor(async () => (await orderStatus(order.id)) === 'paid', { timeoutMs: 30_000, what: 'paid' });
    expect((await deliver(eventBody(order, 'declined'))).status).toBe(200);
    await settled(order.id);
    expect(await orderStatus(order.id)).toBe('paid');
    expect(await counts(order.id)).toEqual({ events: 2, entitlements: 1, receipts: 1 });
  });

  it('paid, then a late "pending" event: the order stays paid', async () => {
    const order = await pendingOrder();
    await deliver(eventBody(order, 'approved'));
    await waitFor(async () => (await orderStatus(order.id)) === 'paid', { timeoutMs: 30_000, what: 'paid' });
    // The sandbox never says "pending"; Wave and Orange Money do. The stored event goes through the same job.
    const [event] = await sql<{ id: string }>(
      `insert into public.payment_events (provider, event_id, order_id, type, status, payload)
       values ('sandbox', $1, $2, 'checkout.pending', 'pending', '{}') returning id`,
      [`late-${order.id}`, order.id],
    );
    await jobSender(db)('payments.process-event', { eventId: event?.id });
    await settled(order.id);
    expect(await orderStatus(order.id)).toBe('paid');
    expect(await counts(order.id)).toEqual({ events: 2, entitlements: 1, receipts: 1 });
  });

  it('failed, then paid (money arrived late): the order is paid and entitled', async () => {
    const order = await pendingOrder();
    await deliver(eventBody(order, 'declined'));
    await waitFor(async () => (await orderStatus(order.id)) === 'failed', { timeoutMs: 30_000, what: 'failed' });
    await deliver(eventBody(order, 'approved'));
    await waitFor(async () => (await orderStatus(order.id)) === 'paid', { timeoutMs: 30_000, what: 'paid' });
    expect(await counts(order.id)).toEqual({ events: 2, entitlements: 1, receipts: 1 });
  });

  it('an amount that differs from the order is stored with its error and moves nothing', async () => {
    const order = await pendingOrder(3000);
    const body = eventBody({ ...order, amount: 300 }, 'approved');
    expect((await deliver(body)).status).toBe(200);
    const [event] = await sql<{ error: string; processed_at: Date | null }>(
      'select error, processed_at from public.payment_events where order_id = $1',
      [order.id],
    );
    expect(event).toMatchObject({ error: 'amount_mismatch', processed_at: expect.any(Date) });
    expect(await orderStatus(order.id)).toBe('pending');
  });
  it('an event for an order Coko does not know, or in another currency, is stored with its error and queues nothing', async () => {
    const unknown = randomUUID();
    const jobsBefore = await processEventJobs();
    expect((await deliver(eventBody({ id: unknown, amount: 1500, currency: 'XOF' }, 'approved'))).status).toBe(200);
    const order = await pendingOrder(1500);
    expect((await deliver(eventBody({ ...order, currency: 'EUR' }, 'approved'))).status).toBe(200);

    const events = await sql<{ order_id: string | null; error: string; processed: boolean }>(
      `select order_id, error, processed_at is not null as processed from public.payment_events
        where event_id in ($1, $2) order by error desc`,
      [`evt_${unknown}_approved`, `evt_${order.id}_approved`],
    );
    expect(events).toEqual([
      { order_id: null, error: 'unknown_order', processed: true },
      { order_id: order.id, error: 'amount_mismatch', processed: true },
    ]);
    expect(await processEventJobs()).toBe(jobsBefore);
    expect(await orderStatus(order.id)).toBe('pending');
  });

  it("an event that names the order only by the provider's reference (Wave without client_reference) finds it", async () => {
    const waveSecret = 'w'.repeat(40);
    const waveApp = createApp({
      config,
      db,
      logger,
      limits: false,
      payments: paymentProvidersFromConfig(
        loadConfig({
          COKO_ENV: 'test',
          LOG_LEVEL: 'silent',
          COKO_JWT_SECRET: 'p'.repeat(40),
          WAVE_API_KEY: 'wave-test-key',
          WAVE_WEBHOOK_SECRET: waveSecret,
        }),
        {},
      ),
    });
    const reader = await newReader(partner);
    const bookId = await newBook({ price: 2500 });
    const reference = `cos-${randomUUID()}`;
    const [order] = await sql<{ id: string }>(
      `insert into public.orders (user_id, book_id, amount, currency, provider, provider_reference, idempotency_key, return_url)
       values ($1, $2, 2500, 'XOF', 'wave', $3, $4, 'https://reader.partner.example/orders') returning id`,
      [reader.id, bookId, reference, randomUUID()],
    );
    const body = JSON.stringify({
      id: `EV_${randomUUID()}`,
      type: 'checkout.session.completed',
      data: {
        id: reference,
        amount: '2500',
        currency: 'XOF',
        checkout_status: 'complete',
        payment_status: 'succeeded',
      },
    });
    const response = await waveApp.request('/api/v1/webhooks/wave', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'wave-signature': await signTimestamped(waveSecret, (timestamp) => `${timestamp}${body}`, new Date()),
      },
      body,
    });
    expect(response.status).toBe(200);
    const [event] = await sql<{ order_id: string; error: string | null }>(
      'select order_id, error from public.payment_events where provider = $1 and payload->>$2 = $3',
      ['wave', 'id', JSON.parse(body).id],
    );
    expect(event).toEqual({ order_id: order?.id, error: null });
  });
});
