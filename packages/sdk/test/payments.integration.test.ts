import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentFixtures, RETURN_URL } from '../../../test/payment-fixtures.ts';
import { createCoko, isCokoError, NotFoundError, ValidationError } from '../src';

// Real-stack tests of coko.payments: the gateway, the Coko API with its sandbox provider, PostgREST
// (`can_read` under RLS) and a pg-boss worker in this process that moves orders as webhooks arrive.
// The reader's browser is played by fetch: it opens the sandbox page and posts its form.
/** Safety net only: the worker polls every 0.5 s, an order settles in about a second. */
const SETTLE_TIMEOUT = 30_000;

describe.skipIf(!process.env.COKO_TEST_URL)('payments against the real stack', () => {
  let fixtures: Awaited<ReturnType<typeof paymentFixtures>>;
  beforeAll(async () => {
    fixtures = await paymentFixtures();
  });
  afterAll(() => fixtures?.stop());

  const reader = () => fixtures.reader();
  const paidBook = () => fixtures.paidBook();
  /** Approves or declines on the sandbox page (which shows the price); returns where it redirects. */
  async function sandbox(checkoutUrl: string, outcome: 'approve' | 'decline') {
    const { html, location } = await fixtures.sandbox(checkoutUrl, outcome);
    expect(html).toMatch(/1\s500\sF\sCFA/);
    return location;
  }

  it('plans lists the active plans with their prices, for guests too', async () => {
    const slug = `mensuel-${randomUUID().slice(0, 8)}`;
    const {
      rows: [plan],
    } = await fixtures.admin.query(
      `insert into public.plans (slug, name, interval) values ($1, 'Mensuel', 'month') returning id`,
      [slug],
    );
    await fixtures.admin.query(
      `insert into public.plan_prices (plan_id, currency, amount) values ($1, 'XOF', 2000), ($1, 'EUR', 300)`,
      [plan.id],
    );
    const plans = await createCoko({ url: fixtures.url, publishableKey: fixtures.publishableKey }).payments.plans();
    expect(plans.find((p) => p.slug === slug)).toMatchObject({
      id: plan.id,
      name: 'Mensuel',
      interval: 'month',
      categoryIds: [],
      prices: expect.arrayContaining([
        { currency: 'XOF', amount: 2000 },
        { currency: 'EUR', amount: 300 },
      ]),
    });
  });

  it('sandbox checkout → approve → waitForOrder paid → entitlements, canRead, orders and receipts', async () => {
    const coko = await reader();
    const bookId = await paidBook();
    expect(await coko.payments.canRead(bookId)).toBe(false);

    const { order, checkoutUrl } = await coko.payments.checkout({ bookId, provider: 'sandbox', returnUrl: RETURN_URL });
    expect(order).toMatchObject({
      status: 'pending',
      bookId,
      planId: null,
      amount: 1500,
      currency: 'XOF',
      provider: 'sandbox',
    });
    expect(checkoutUrl.startsWith(`${fixtures.url}/functions/v1/api/v1/sandbox/checkout/${order.id}`)).toBe(true);

    expect(await sandbox(checkoutUrl, 'approve')).toBe(`${RETURN_URL}?order=${order.id}&status=paid`);
    const paid = await coko.payments.waitForOrder(order.id, { timeoutMs: SETTLE_TIMEOUT });
    expect(paid).toMatchObject({ id: order.id, status: 'paid', checkoutUrl: null, paidAt: expect.any(String) });

    expect(await coko.payments.entitlements()).toEqual([
      expect.objectContaining({ bookId, orderId: order.id, validUntil: null, revokedAt: null }),
    ]);
    expect(await coko.payments.canRead(bookId)).toBe(true);
    expect((await coko.payments.orders()).data.map((o) => [o.id, o.status])).toEqual([[order.id, 'paid']]);

    const receipts = await coko.payments.receipts();
    expect(receipts).toEqual([expect.objectContaining({ id: paid.receiptId, orderId: order.id, amount: 1500 })]);
    expect(await coko.payments.receipt(paid.receiptId as string)).toEqual(receipts[0]);
    expect(await coko.payments.receiptMarkdown(paid.receiptId as string)).toMatch(/1\s500\sF\sCFA/);
    const pdf = await coko.payments.receiptPdf(paid.receiptId as string, { lang: 'en' });
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe('%PDF-');

    // The partner's backend sees the order and which of its users placed it.
    const partnerOrders = await fixtures.server().orders.list({ limit: 100 });
    expect(partnerOrders.data.find((o) => o.id === order.id)).toMatchObject({
      status: 'paid',
      amount: 1500,
      externalUserId: expect.stringMatching(/^payer-/),
    });
    await expect(fixtures.server().orders.list({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);

    // Bought once: buying again is refused with the server's code.
    const again = await coko.payments.checkout({ bookId, provider: 'sandbox', returnUrl: RETURN_URL }).catch((e) => e);
    expect(isCokoError(again) && again.code).toBe('ALREADY_OWNED');

    // Another reader sees none of it.
    const other = await reader();
    await expect(other.payments.order(order.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await other.payments.canRead(bookId)).toBe(false);
  });

  it('decline: the order fails, no right to read; a reused key gives back the same order', async () => {
    const coko = await reader();
    const bookId = await paidBook();
    const params = { bookId, provider: 'sandbox', returnUrl: RETURN_URL } as const;
    const idempotencyKey = randomUUID();
    const first = await coko.payments.checkout(params, { idempotencyKey });
    const repeated = await coko.payments.checkout(params, { idempotencyKey });
    expect(repeated.order.id).toBe(first.order.id);
    const reused = await coko.payments
      .checkout({ ...params, returnUrl: `${RETURN_URL}/other` }, { idempotencyKey })
      .catch((e) => e);
    expect(isCokoError(reused) && [reused.status, reused.code]).toEqual([422, 'UNPROCESSABLE']);

    expect(await sandbox(first.checkoutUrl, 'decline')).toBe(`${RETURN_URL}?order=${first.order.id}&status=failed`);
    const failed = await coko.payments.waitForOrder(first.order.id, { timeoutMs: SETTLE_TIMEOUT });
    expect(failed.status).toBe('failed');
    expect(await coko.payments.entitlements()).toEqual([]);
    expect(await coko.payments.canRead(bookId)).toBe(false);
  });

  it('the server refuses what the SDK cannot check: a return URL off the partner’s origins, an unknown book', async () => {
    const coko = await reader();
    const bookId = await paidBook();
    await expect(
      coko.payments.checkout({ bookId, provider: 'sandbox', returnUrl: 'https://evil.example/' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      coko.payments.checkout({ bookId: randomUUID(), provider: 'sandbox', returnUrl: RETURN_URL }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(coko.payments.checkout({ bookId, provider: 'sandbox', returnUrl: 'ftp://x' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
