// The whole sandbox flow through the real API (app.request), the real database and a real pg-boss worker:
// checkout → sandbox page → signed webhook (in-process) → job → order paid → entitlement → receipt; decline;
// abandon (reconcile expires).
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { reconcilePaymentsHandler } from '../../src/jobs/handlers/payments-reconcile.ts';
import { waitFor } from '../jobs/helpers.ts';
import {
  app,
  counts,
  db,
  get,
  logger,
  newBook,
  newPartner,
  newReader,
  openOrder,
  orderStatus,
  type Partner,
  paymentWorker,
  providers,
  RETURN_URL,
  sql,
  submitSandbox,
} from './helpers.ts';

let partner: Partner;

beforeAll(async () => {
  partner = await newPartner();
  await paymentWorker();
});

const paidOrFailed = (orderId: string) =>
  waitFor(
    async () => {
      const status = await orderStatus(orderId);
      return status !== 'pending' && status;
    },
    { timeoutMs: 30_000, what: `order ${orderId} to settle` },
  );

describe('the sandbox flow', () => {
  it('approve: the order is paid, the book entitled, a receipt issued, all listed for the reader', async () => {
    const reader = await newReader(partner);
    const bookId = await newBook({ price: 1500 });
    const { order, checkoutUrl } = await openOrder(reader, bookId);
    expect(order).toMatchObject({ status: 'pending', amount: 1500, currency: 'XOF', provider: 'sandbox' });
    expect(checkoutUrl).toMatch(/^https:\/\/coko\.test\/functions\/v1\/api\/v1\/sandbox\/checkout\//);

    const page = await app.request(
      `${new URL(checkoutUrl).pathname.replace(/^\/functions\/v1/, '')}${new URL(checkoutUrl).search}`,
    );
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toMatch(/1\s500\sF\sCFA/);
    // The CSP allows the page's inline style by its hash, and nothing else.
    const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(page.headers.get('content-security-policy')).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; frame-ancestors 'none'; base-uri 'none'`,
    );

    const back = await submitSandbox(checkoutUrl, 'approve');
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${RETURN_URL}?order=${order.id}&status=paid`);

    expect(await paidOrFailed(order.id)).toBe('paid');
    expect(await counts(order.id)).toEqual({ events: 1, entitlements: 1, receipts: 1 });

    const shown = (await (await get(reader, `/v1/orders/${order.id}`)).json()) as Record<string, unknown>;
    expect(shown).toMatchObject({ id: order.id, status: 'paid', checkoutUrl: null });
    expect(shown.receiptId).toEqual(expect.any(String));

    const entitlements = (await (await get(reader, '/v1/entitlements')).json()) as { data: Record<string, unknown>[] };
    expect(entitlements.data).toEqual([expect.objectContaining({ bookId, orderId: order.id, validUntil: null })]);

    const receipts = (await (await get(reader, '/v1/receipts')).json()) as { data: Record<string, unknown>[] };
    expect(receipts.data).toEqual([
      expect.objectContaining({ id: shown.receiptId, orderId: order.id, amount: 1500, currency: 'XOF', number: 1 }),
    ]);
    const receipt = (await (await get(reader, `/v1/receipts/${shown.receiptId}`)).json()) as {
      lines: { label: string; amount: number }[];
    };
    expect(receipt.lines).toEqual([{ label: expect.stringMatching(/^Livre /), amount: 1500 }]);
    const markdown = await get(reader, `/v1/receipts/${shown.receiptId}/receipt.md`);
    expect(markdown.headers.get('content-type')).toMatch(/text\/markdown/);
    const text = await markdown.text();
    expect(text).toMatch(/1\s500\sF\sCFA/);
    expect(text).toContain('Awa Diop');
    expect(await (await get(reader, `/v1/receipts/${shown.receiptId}/receipt.md?lang=en`)).text()).toMatch(
      /F\sCFA\s1,500/,
    );
    const pdf = await get(reader, `/v1/receipts/${shown.receiptId}/receipt.pdf`);
    expect(pdf.status).toBe(200);
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe('%PDF-');

    // Bought once: a second checkout is refused.
    const again = await app.request('/api/v1/checkout', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${reader.token}`,
        'content-type': 'application/json',
        'idempotency-key': 'again',
      },
      body: JSON.stringify({ provider: 'sandbox', returnUrl: RETURN_URL, bookId }),
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('ALREADY_OWNED');

    // Another reader sees none of it.
    const other = await newReader(partner);
    expect((await get(other, `/v1/orders/${order.id}`)).status).toBe(404);
    expect((await get(other, `/v1/receipts/${shown.receiptId}`)).status).toBe(404);
    expect((await get(other, `/v1/receipts/${shown.receiptId}/receipt.pdf`)).status).toBe(404);
    expect(((await (await get(other, '/v1/entitlements')).json()) as { data: unknown[] }).data).toEqual([]);

    // The partner sees its reader's order.
    const partnerOrders = await app.request('/api/v1/partner/orders', {
      headers: { authorization: `Bearer ${partner.secretKey}` },
    });
    expect(partnerOrders.status).toBe(200);
    const listed = (await partnerOrders.json()) as { data: { id: string; externalUserId: string }[] };
    expect(listed.data.find((row) => row.id === order.id)?.externalUserId).toBe(reader.externalUserId);
  });

  it('decline: the order fails, nothing is granted, and the page says it is done', async () => {
    const reader = await newReader(partner);
    const bookId = await newBook({ price: 2500 });
    const { order, checkoutUrl } = await openOrder(reader, bookId);
    const back = await submitSandbox(checkoutUrl, 'decline');
    expect(back.headers.get('location')).toBe(`${RETURN_URL}?order=${order.id}&status=failed`);
    expect(await paidOrFailed(order.id)).toBe('failed');
    expect(await counts(order.id)).toEqual({ events: 1, entitlements: 0, receipts: 0 });
    const url = new URL(checkoutUrl);
    const page = await app.request(`${url.pathname.replace(/^\/functions\/v1/, '')}${url.search}`);
    expect(await page.text()).toContain('failed');
  });

  it('a wrong token opens no page', async () => {
    const reader = await newReader(partner);
    const { checkoutUrl } = await openOrder(reader, await newBook());
    const url = new URL(checkoutUrl);
    const response = await app.request(`${url.pathname.replace(/^\/functions\/v1/, '')}?token=${'0'.repeat(64)}`);
    expect(response.status).toBe(403);
  });

  it('abandon: reconcile expires an order pending for more than 24 hours', async () => {
    const reader = await newReader(partner);
    const { order } = await openOrder(reader, await newBook());
    // created_at never changes (the orders trigger): a deadline in the past is the abandonment.
    await sql(`update public.orders set expires_at = now() - interval '1 hour' where id = $1`, [order.id]);
    const reconcile = reconcilePaymentsHandler({ providers: () => providers });
    const result = (await reconcile({ id: crypto.randomUUID(), name: 'payments.reconcile', data: {} } as never, {
      db,
      log: logger,
      signal: new AbortController().signal,
      runOnce: () => Promise.reject(new Error('not used')),
    })) as { expired: number };
    expect(result.expired).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(order.id)).toBe('expired');
    const shown = (await (await get(reader, `/v1/orders/${order.id}`)).json()) as Record<string, unknown>;
    expect(shown).toMatchObject({ status: 'expired', checkoutUrl: null });
  });
});
