// Payments and the reader's rights: the GDPR export's `payments` section, and what account
// anonymisation (private.anonymize_account → private.erase_payment_data) keeps and erases.
// Financial records stay for accounting (amounts, numbers, dates); the personal text goes.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { paymentsExporter } from '../../packages/server/src/gdpr/payments.ts';
import { adminQuery } from './helpers.js';
import { markPaid, newBook, newBuyer, newOrder, newPlan } from './payments-helpers.js';

const db = { query: async (text: string, values?: unknown[]) => ({ rows: await adminQuery(text, values) }) };

async function buyerWithHistory() {
  const buyer = await newBuyer('Fatou Sow');
  const other = await newBuyer('Someone Else');
  const bookOrder = await newOrder({ userId: buyer.id, bookId: await newBook() });
  const book = await markPaid(bookOrder);
  const planOrder = await newOrder({ userId: buyer.id, planId: await newPlan() });
  const plan = await markPaid(planOrder);
  const pending = await newOrder({ userId: buyer.id, bookId: await newBook() });
  await adminQuery(`insert into private.order_secrets (order_id, secret) values ($1, 'notif-token')`, [pending]);
  await adminQuery(
    `insert into public.payment_events (provider, event_id, order_id, type, status, payload)
     values ('wave', $1, $2, 'checkout.session.completed', 'paid', '{"customer": {"phone": "+221770000000"}}')`,
    [`evt-${randomUUID()}`, bookOrder],
  );
  await adminQuery(`insert into private.idempotency_keys (scope, key, request_hash) values ($1, 'k1', 'h')`, [
    `user:${buyer.id}`,
  ]);
  const otherOrder = await newOrder({ userId: other.id, bookId: await newBook() });
  await markPaid(otherOrder);
  return { buyer, other, bookOrder, planOrder, pending, otherOrder, book, plan };
}

describe('GDPR export: payments', () => {
  it("exports the reader's orders, receipts, subscriptions and entitlements, and nobody else's", async () => {
    const history = await buyerWithHistory();
    const exported = (await paymentsExporter.export(db, history.buyer.id)) as Record<string, Record<string, unknown>[]>;

    expect(exported.orders!.map((order) => order.id).sort()).toEqual(
      [history.bookOrder, history.planOrder, history.pending].sort(),
    );
    expect(exported.orders![0]).not.toHaveProperty('checkout_url');
    expect(exported.receipts!.map((receipt) => receipt.id).sort()).toEqual(
      [history.book.receiptId, history.plan.receiptId].sort(),
    );
    expect(exported.receipts![0]).toMatchObject({ lines: { buyer: { name: 'Fatou Sow' } } });
    expect(exported.subscriptions!.map((subscription) => subscription.id)).toEqual([history.plan.subscriptionId]);
    expect(exported.entitlements!.map((entitlement) => entitlement.id).sort()).toEqual(
      [history.book.entitlementId, history.plan.entitlementId].sort(),
    );
    const text = JSON.stringify(exported);
    expect(text).not.toContain(history.otherOrder);
    expect(text).not.toContain('notif-token');
  });
});

describe('account anonymisation: payments', () => {
  it('keeps amounts, numbers and dates; erases the buyer name, URLs, payloads, secrets and keys; ends the rights', async () => {
    const history = await buyerWithHistory();
    const [before] = await adminQuery('select number, amount, currency, issued_at from public.receipts where id = $1', [
      history.book.receiptId,
    ]);

    await adminQuery('select private.anonymize_account($1)', [history.buyer.id]);

    const receipts = await adminQuery<{ id: string; lines: Record<string, unknown> }>(
      'select id, number, amount, currency, issued_at, lines from public.receipts where user_id = $1 order by issued_at',
      [history.buyer.id],
    );
    expect(receipts).toHaveLength(2);
    expect(receipts.find((receipt) => receipt.id === history.book.receiptId)).toMatchObject(before!);
    for (const receipt of receipts) {
      expect(receipt.lines.buyer).toBeNull();
      expect(receipt.lines.items).toEqual([expect.objectContaining({ amount: expect.any(Number) })]);
    }

    const orders = await adminQuery(
      'select status::text, amount, return_url, checkout_url, failure_reason from public.orders where user_id = $1',
      [history.buyer.id],
    );
    expect(orders).toHaveLength(3);
    for (const order of orders)
      expect(order).toMatchObject({ return_url: null, checkout_url: null, failure_reason: null });
    expect(orders.map((order) => order.status).sort()).toEqual(['paid', 'paid', 'pending']);

    const [event] = await adminQuery('select payload from public.payment_events where order_id = $1', [
      history.bookOrder,
    ]);
    expect(event).toEqual({ payload: { redacted: true } });
    expect(await adminQuery('select 1 from private.order_secrets where order_id = $1', [history.pending])).toEqual([]);
    expect(
      await adminQuery('select 1 from private.idempotency_keys where scope = $1', [`user:${history.buyer.id}`]),
    ).toEqual([]);

    const [subscription] = await adminQuery('select status::text from public.subscriptions where id = $1', [
      history.plan.subscriptionId,
    ]);
    expect(subscription).toEqual({ status: 'canceled' });
    const entitlements = await adminQuery(
      'select revoked_at is not null as revoked, revoke_reason from public.entitlements where user_id = $1',
      [history.buyer.id],
    );
    expect(entitlements).toEqual([
      { revoked: true, revoke_reason: 'account anonymised' },
      { revoked: true, revoke_reason: 'account anonymised' },
    ]);

    // Someone else's records are untouched.
    const [otherReceipt] = await adminQuery<{ lines: { buyer: unknown } }>(
      'select lines from public.receipts where order_id = $1',
      [history.otherOrder],
    );
    expect(otherReceipt!.lines.buyer).toEqual({ name: 'Someone Else' });
  });

  it('is registered as an anonymisation step', async () => {
    const steps = await adminQuery('select function_name from private.account_anonymizers');
    expect(steps).toContainEqual({ function_name: 'private.erase_payment_data(uuid)' });
  });
});
