// payments.reconcile and subscriptions.renew against the real database, with Wave's status API answered by msw:
// an order whose notification never came is asked about and paid; abandoned ones expire; stranded events are
// applied; old idempotency keys go; ended subscriptions move on.
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { reconcilePaymentsHandler } from '../../src/jobs/handlers/payments-reconcile.ts';
import { renewSubscriptions } from '../../src/jobs/handlers/subscriptions-renew.ts';
import type { JobContext, JobHandler } from '../../src/jobs/types.ts';
import { paymentProvidersFromConfig, WAVE_API_URL } from '../../src/providers/payments/index.ts';
import { counts, db, logger, newBook, newPartner, newPlan, newReader, orderStatus, sql } from './helpers.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => server.close());

const waveConfig = loadConfig({
  COKO_ENV: 'test',
  COKO_JWT_SECRET: 'p'.repeat(40),
  WAVE_API_KEY: 'wave_sn_prod_test',
  WAVE_WEBHOOK_SECRET: 'wave_sn_WHS_test',
});
const providers = paymentProvidersFromConfig(waveConfig, {});

const ctx: JobContext = {
  db,
  log: logger,
  signal: new AbortController().signal,
  runOnce: () => Promise.reject(new Error('set-based jobs do not use runOnce')),
};
const run = (handler: JobHandler) =>
  handler({ id: crypto.randomUUID(), name: 'test', data: {} } as Parameters<JobHandler>[0], ctx) as Promise<
    Record<string, number>
  >;

/** A pending Wave order created `minutesAgo` (created_at is set at insert; the orders trigger keeps it). */
async function waveOrder(minutesAgo: number, reference: string) {
  const reader = await newReader(await newPartner());
  const [order] = await sql<{ id: string }>(
    `insert into public.orders (user_id, partner_id, book_id, amount, currency, provider, provider_reference,
       idempotency_key, return_url, expires_at, created_at)
     values ($1, $2, $3, 1500, 'XOF', 'wave', $4, $5, 'https://reader.partner.example/', now() + interval '1 day',
       now() - make_interval(mins => $6))
     returning id`,
    [reader.id, reader.partnerId, await newBook(), reference, crypto.randomUUID(), minutesAgo],
  );
  return order?.id as string;
}

const session = (id: string, payment: string) => ({
  id,
  amount: '1500',
  currency: 'XOF',
  checkout_status: payment === 'succeeded' ? 'complete' : 'open',
  payment_status: payment,
});

describe('payments.reconcile', () => {
  it('asks Wave about orders pending for more than 15 minutes and pays the ones it confirms', async () => {
    const paid = await waveOrder(20, `cos-paid-${crypto.randomUUID()}`);
    const open = await waveOrder(20, `cos-open-${crypto.randomUUID()}`);
    const recent = await waveOrder(5, `cos-recent-${crypto.randomUUID()}`);
    const asked: string[] = [];
    server.use(
      http.get(`${WAVE_API_URL}/v1/checkout/sessions/:id`, ({ params }) => {
        const id = String(params.id);
        asked.push(id);
        return HttpResponse.json(session(id, id.startsWith('cos-paid') ? 'succeeded' : 'processing'));
      }),
    );
    const result = await run(reconcilePaymentsHandler({ providers: () => providers }));
    expect(result.moved).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(paid)).toBe('paid');
    expect(await counts(paid)).toMatchObject({ entitlements: 1, receipts: 1 });
    expect(await orderStatus(open)).toBe('pending');
    expect(await orderStatus(recent)).toBe('pending');
    expect(asked.some((id) => id.startsWith('cos-recent'))).toBe(false);
  });

  it('keeps going when a provider is down, and expires orders past their deadline', async () => {
    const down = await waveOrder(30, `cos-down-${crypto.randomUUID()}`);
    const abandoned = await waveOrder(25 * 60, `cos-old-${crypto.randomUUID()}`);
    server.use(http.get(`${WAVE_API_URL}/v1/checkout/sessions/:id`, () => new HttpResponse(null, { status: 503 })));
    const result = await run(reconcilePaymentsHandler({ providers: () => providers }));
    expect(result.failures).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(down)).toBe('pending');
    expect(await orderStatus(abandoned)).toBe('expired');
  });

  it('applies a stored event that no job applied, and prunes idempotency keys older than 24 h', async () => {
    const order = await waveOrder(1, `cos-event-${crypto.randomUUID()}`);
    await sql(
      `insert into public.payment_events (provider, event_id, order_id, type, status, payload, received_at)
       values ('wave', $1, $2, 'checkout.session.completed', 'paid', '{}', now() - interval '10 minutes')`,
      [`evt-${order}`, order],
    );
    const scope = `user:${crypto.randomUUID()}`;
    await sql(
      `insert into private.idempotency_keys (scope, key, request_hash, created_at)
       values ($1, 'old', 'h', now() - interval '25 hours'), ($1, 'new', 'h', now())`,
      [scope],
    );
    server.use(
      http.get(`${WAVE_API_URL}/v1/checkout/sessions/:id`, ({ params }) =>
        HttpResponse.json(session(String(params.id), 'processing')),
      ),
    );
    const result = await run(reconcilePaymentsHandler({ providers: () => providers }));
    expect(result.events).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(order)).toBe('paid');
    const keys = await sql<{ key: string }>('select key from private.idempotency_keys where scope = $1', [scope]);
    expect(keys.map((row) => row.key)).toEqual(['new']);
  });
});

describe('subscriptions.renew', () => {
  it('moves an ended subscription to past_due, and one set to cancel at period end to canceled', async () => {
    const planId = await newPlan({ XOF: 2000 });
    const partner = await newPartner();
    const [lapsing, canceling] = [await newReader(partner), await newReader(partner)];
    const ids: string[] = [];
    for (const [reader, cancel] of [
      [lapsing, false],
      [canceling, true],
    ] as const) {
      const [row] = await sql<{ id: string }>(
        `insert into public.subscriptions (user_id, plan_id, partner_id, status, current_period_start,
           current_period_end, cancel_at_period_end)
         values ($1, $2, $3, 'active', now() - interval '31 days', now() - interval '1 hour', $4) returning id`,
        [reader.id, planId, partner.id, cancel],
      );
      ids.push(row?.id as string);
    }
    const result = (await run(renewSubscriptions)) as unknown as { moved: Record<string, number> };
    expect(result.moved.past_due).toBeGreaterThanOrEqual(1);
    const rows = await sql<{ id: string; status: string }>(
      'select id, status::text as status from public.subscriptions where id = any($1::uuid[])',
      [ids],
    );
    expect(Object.fromEntries(rows.map((row) => [row.id, row.status]))).toEqual({
      [ids[0] as string]: 'past_due',
      [ids[1] as string]: 'canceled',
    });
  });

  it('logs subscription.expiring 3 days before a period ends, once per period however often it runs', async () => {
    const planId = await newPlan({ XOF: 2000 });
    const partner = await newPartner();
    const reader = await newReader(partner);
    const [row] = await sql<{ id: string }>(
      `insert into public.subscriptions (user_id, plan_id, partner_id, status, current_period_start, current_period_end)
       values ($1, $2, $3, 'active', now() - interval '28 days', now() + interval '2 days') returning id`,
      [reader.id, planId, partner.id],
    );
    const first = (await run(renewSubscriptions)) as unknown as { expiring: number };
    expect(first.expiring).toBeGreaterThanOrEqual(1);
    await run(renewSubscriptions);
    const events = await sql<{ partner_id: string; payload: Record<string, unknown> }>(
      `select partner_id, payload from private.domain_events where kind = 'subscription.expiring' and user_id = $1`,
      [reader.id],
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.partner_id).toBe(partner.id);
    expect(events[0]?.payload).toMatchObject({ subscriptionId: row?.id, planId, cancelAtPeriodEnd: false });
  });
});
