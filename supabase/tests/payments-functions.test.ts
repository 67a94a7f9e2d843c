// The SQL functions that move money (supabase/migrations/*_payments.sql), called as the server
// calls them (its pool owns the tables): paying exactly once under concurrency, gapless receipt
// numbers per partner, the order state machine, refunds, the right to read, immutable receipts and
// the reconciliation helpers (expiry of pending orders and subscriptions, idempotency key pruning).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminQuery, sqlError } from './helpers.js';
import {
  canRead,
  connections,
  daysFromNow,
  markPaid,
  newBook,
  newBuyer,
  newCategory,
  newOrder,
  newPartner,
  newPlan,
  type PaidResult,
  statusOf,
  waitForLockWaiters,
} from './payments-helpers.js';

const count = async (sql: string, params: unknown[]) => {
  const [row] = await adminQuery<{ n: number }>(`select count(*)::int as n from ${sql}`, params);
  return row!.n;
};

async function receiptNumbers(partnerId: string | null): Promise<number[]> {
  const rows = await adminQuery<{ number: number }>(
    'select number from public.receipts where partner_id is not distinct from $1 order by number',
    [partnerId],
  );
  return rows.map((row) => row.number);
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

// =============================================================================================
// mark_order_paid
// =============================================================================================
describe('mark_order_paid', () => {
  it('pays a book order: entitlement forever, receipt with the buyer, the item and the reference', async () => {
    const buyer = await newBuyer('Moussa Traoré', 'en');
    const bookId = await newBook({ price: 2500 });
    const orderId = await newOrder({ userId: buyer.id, bookId, amount: 2500 });

    const result = await markPaid(orderId, '2026-03-01T10:00:00Z', 'wave-ref-1');
    expect(result).toEqual({
      orderId,
      status: 'paid',
      changed: true,
      entitlementId: expect.any(String),
      receiptId: expect.any(String),
      subscriptionId: null,
    });

    const [order] = await adminQuery(
      'select status::text, paid_at, provider_reference from public.orders where id = $1',
      [orderId],
    );
    expect(order).toEqual({
      status: 'paid',
      paid_at: new Date('2026-03-01T10:00:00Z'),
      provider_reference: 'wave-ref-1',
    });
    const [entitlement] = await adminQuery('select * from public.entitlements where order_id = $1', [orderId]);
    expect(entitlement).toMatchObject({
      id: result.entitlementId,
      user_id: buyer.id,
      book_id: bookId,
      plan_id: null,
      valid_from: new Date('2026-03-01T10:00:00Z'),
      valid_until: null,
      revoked_at: null,
    });
    const [receipt] = await adminQuery('select * from public.receipts where order_id = $1', [orderId]);
    const [book] = await adminQuery<{ title: string }>('select title from public.books where id = $1', [bookId]);
    expect(receipt).toMatchObject({
      id: result.receiptId,
      user_id: buyer.id,
      partner_id: null,
      issued_at: new Date('2026-03-01T10:00:00Z'),
      amount: 2500,
      currency: 'XOF',
      language: 'en',
      lines: {
        items: [{ label: book!.title, amount: 2500 }],
        buyer: { name: 'Moussa Traoré' },
        provider: 'sandbox',
        providerReference: 'wave-ref-1',
      },
    });
    expect(await canRead(buyer.id, bookId)).toBe('purchase');
  });

  it('is a no-op the second time (changed: false, the same entitlement and receipt)', async () => {
    const buyer = await newBuyer();
    const orderId = await newOrder({ userId: buyer.id, bookId: await newBook() });
    const first = await markPaid(orderId);
    const second = await markPaid(orderId, daysFromNow(1), 'another-ref');
    expect(second).toEqual({ ...first, changed: false });
    expect(await count('public.entitlements where order_id = $1', [orderId])).toBe(1);
    expect(await count('public.receipts where order_id = $1', [orderId])).toBe(1);
    const [order] = await adminQuery('select provider_reference from public.orders where id = $1', [orderId]);
    expect(order).toEqual({ provider_reference: `ref-${orderId}` });
  });

  it('called 10× concurrently on separate connections: one entitlement, one receipt, one number', async () => {
    const partnerId = await newPartner();
    const buyer = await newBuyer();
    const orderId = await newOrder({ userId: buyer.id, bookId: await newBook(), partnerId });
    const [holder, ...racers] = await connections(11);

    // The holder locks the order so that all ten calls are waiting when it lets go.
    await holder!.query('begin');
    await holder!.query('select 1 from public.orders where id = $1 for update', [orderId]);
    const calls = racers.map((client) =>
      client
        .query<{ result: PaidResult }>('select private.mark_order_paid($1, $2, null) as result', [orderId, 'ref-race'])
        .then((r) => r.rows[0]!.result),
    );
    await waitForLockWaiters(10);
    await holder!.query('commit');
    const results = await Promise.all(calls);

    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entitlementId)).size).toBe(1);
    expect(new Set(results.map((r) => r.receiptId)).size).toBe(1);
    expect(await count('public.entitlements where order_id = $1', [orderId])).toBe(1);
    expect(await count('public.receipts where order_id = $1', [orderId])).toBe(1);
    expect(await receiptNumbers(partnerId)).toEqual([1]);
  });

  it('numbers receipts per partner without gaps, across concurrent payments and a rolled-back one', async () => {
    const [partnerA, partnerB] = [await newPartner(), await newPartner()];
    const buyer = await newBuyer();
    const orders: { id: string; partnerId: string | null }[] = [];
    for (const partnerId of [partnerA, partnerB, partnerA, null, partnerA, partnerB, null, partnerA]) {
      orders.push({ id: await newOrder({ userId: buyer.id, bookId: await newBook(), partnerId }), partnerId });
    }

    // A payment that rolls back gives its number back.
    const [rolledBack, ...clients] = await connections(1 + orders.length);
    const abandoned = await newOrder({ userId: buyer.id, bookId: await newBook(), partnerId: partnerA });
    await rolledBack!.query('begin');
    await rolledBack!.query('select private.mark_order_paid($1, null, null)', [abandoned]);
    await rolledBack!.query('rollback');

    await Promise.all(
      orders.map((order, i) => clients[i]!.query('select private.mark_order_paid($1, null, null)', [order.id])),
    );

    expect(await receiptNumbers(partnerA)).toEqual([1, 2, 3, 4]);
    expect(await receiptNumbers(partnerB)).toEqual([1, 2]);
    const withoutPartner = await receiptNumbers(null);
    expect(withoutPartner).toEqual(oneToN(withoutPartner.length));
    expect(await statusOf(abandoned)).toBe('pending');
  });

  it('a plan order starts a subscription for one period; the next one extends it from the end of the period', async () => {
    const buyer = await newBuyer();
    const planId = await newPlan({ interval: 'month' });
    const first = await newOrder({ userId: buyer.id, planId });
    const paid = await markPaid(first, '2026-01-10T08:00:00Z');
    expect(paid.subscriptionId).toEqual(expect.any(String));

    const [subscription] = await adminQuery('select * from public.subscriptions where id = $1', [paid.subscriptionId]);
    expect(subscription).toMatchObject({
      user_id: buyer.id,
      plan_id: planId,
      status: 'active',
      current_period_start: new Date('2026-01-10T08:00:00Z'),
      current_period_end: new Date('2026-02-10T08:00:00Z'),
      cancel_at_period_end: false,
    });

    const second = await newOrder({ userId: buyer.id, planId });
    const renewed = await markPaid(second, '2026-02-05T08:00:00Z');
    expect(renewed.subscriptionId).toBe(paid.subscriptionId);
    const [extended] = await adminQuery(
      'select current_period_start, current_period_end from public.subscriptions where id = $1',
      [paid.subscriptionId],
    );
    expect(extended).toEqual({
      current_period_start: new Date('2026-01-10T08:00:00Z'),
      current_period_end: new Date('2026-03-10T08:00:00Z'),
    });
    const entitlements = await adminQuery(
      'select order_id, valid_from, valid_until from public.entitlements where subscription_id = $1 order by valid_from',
      [paid.subscriptionId],
    );
    expect(entitlements).toEqual([
      {
        order_id: first,
        valid_from: new Date('2026-01-10T08:00:00Z'),
        valid_until: new Date('2026-02-10T08:00:00Z'),
      },
      {
        order_id: second,
        valid_from: new Date('2026-02-10T08:00:00Z'),
        valid_until: new Date('2026-03-10T08:00:00Z'),
      },
    ]);
  });

  it('a yearly plan paid after the period lapsed starts a new period at the payment', async () => {
    const buyer = await newBuyer();
    const planId = await newPlan({ interval: 'year', prices: { XOF: 20000 } });
    const old = await markPaid(await newOrder({ userId: buyer.id, planId, amount: 20000 }), '2024-01-01T00:00:00Z');
    const again = await markPaid(await newOrder({ userId: buyer.id, planId, amount: 20000 }), '2025-06-01T00:00:00Z');
    expect(again.subscriptionId).toBe(old.subscriptionId);
    const [subscription] = await adminQuery(
      'select status::text, current_period_start, current_period_end from public.subscriptions where id = $1',
      [old.subscriptionId],
    );
    expect(subscription).toEqual({
      status: 'active',
      current_period_start: new Date('2025-06-01T00:00:00Z'),
      current_period_end: new Date('2026-06-01T00:00:00Z'),
    });
  });

  it('an unknown order is P0002', async () => {
    const error = await sqlError(markPaid(randomUUID()));
    expect(error.code).toBe('P0002');
    expect(error.message).toBe('order not found');
  });
});

// =============================================================================================
// Order transitions
// =============================================================================================
describe('order transitions', () => {
  const setStatus = (orderId: string, status: string) =>
    adminQuery(
      `update public.orders set status = $2::public.order_status,
         refunded_at = case when $2 = 'refunded' then now() end where id = $1`,
      [orderId, status],
    );

  async function paidOrder(): Promise<string> {
    const buyer = await newBuyer();
    const orderId = await newOrder({ userId: buyer.id, bookId: await newBook() });
    await markPaid(orderId);
    return orderId;
  }

  it.each(['pending', 'failed', 'expired'])('paid → %s is refused (55000)', async (status) => {
    const orderId = await paidOrder();
    const error = await sqlError(setStatus(orderId, status));
    expect(error.code).toBe('55000');
    expect(error.message).toBe(`order ${orderId} cannot go from paid to ${status}`);
    expect(await statusOf(orderId)).toBe('paid');
  });

  it('a late failure or expiry of a paid order is nothing to do (mark_order_failed returns false)', async () => {
    const orderId = await paidOrder();
    for (const status of ['failed', 'expired']) {
      const [row] = await adminQuery('select private.mark_order_failed($1, $2, $3) as moved', [
        orderId,
        status,
        'late',
      ]);
      expect(row).toEqual({ moved: false });
    }
    expect(await statusOf(orderId)).toBe('paid');
  });

  it.each(['failed', 'expired'])('pending → %s, then → paid when the money arrives late', async (status) => {
    const buyer = await newBuyer();
    const bookId = await newBook();
    const orderId = await newOrder({ userId: buyer.id, bookId });
    const [row] = await adminQuery('select private.mark_order_failed($1, $2, $3) as moved', [
      orderId,
      status,
      'timed out',
    ]);
    expect(row).toEqual({ moved: true });
    const [failed] = await adminQuery('select status::text, failure_reason from public.orders where id = $1', [
      orderId,
    ]);
    expect(failed).toEqual({ status, failure_reason: 'timed out' });
    expect(await canRead(buyer.id, bookId)).toBeNull();

    expect(await markPaid(orderId)).toMatchObject({ status: 'paid', changed: true });
    const [paid] = await adminQuery('select status::text, failure_reason from public.orders where id = $1', [orderId]);
    expect(paid).toEqual({ status: 'paid', failure_reason: null });
    expect(await canRead(buyer.id, bookId)).toBe('purchase');
  });

  it('refunded is terminal: no way back to paid or pending, and paying again changes nothing', async () => {
    const orderId = await paidOrder();
    await adminQuery('select private.refund_order($1, $2, null)', [orderId, 'customer request']);
    for (const status of ['paid', 'pending', 'failed']) {
      const error = await sqlError(setStatus(orderId, status));
      expect(error.code).toBe('55000');
    }
    expect(await markPaid(orderId)).toMatchObject({ status: 'refunded', changed: false });
    expect(await statusOf(orderId)).toBe('refunded');
  });

  it('mark_order_failed takes failed or expired only (22023)', async () => {
    const buyer = await newBuyer();
    const orderId = await newOrder({ userId: buyer.id, bookId: await newBook() });
    const error = await sqlError(adminQuery("select private.mark_order_failed($1, 'paid', 'x')", [orderId]));
    expect(error.code).toBe('22023');
    expect(await statusOf(orderId)).toBe('pending');
  });

  it('an order starts pending, and what it sells and for how much never changes (55000)', async () => {
    const buyer = await newBuyer();
    const bookId = await newBook();
    const inserted = await sqlError(
      adminQuery(
        `insert into public.orders (user_id, book_id, amount, currency, provider, status, paid_at)
         values ($1, $2, 1500, 'XOF', 'sandbox', 'paid', now())`,
        [buyer.id, bookId],
      ),
    );
    expect(inserted.code).toBe('55000');
    const orderId = await newOrder({ userId: buyer.id, bookId });
    const repriced = await sqlError(adminQuery('update public.orders set amount = 1 where id = $1', [orderId]));
    expect(repriced.code).toBe('55000');
  });

  it('an order sells a book or a plan, never both nor neither (check violation)', async () => {
    const buyer = await newBuyer();
    const error = await sqlError(
      adminQuery(
        `insert into public.orders (user_id, book_id, plan_id, amount, currency, provider)
         values ($1, $2, $3, 1500, 'XOF', 'sandbox')`,
        [buyer.id, await newBook(), await newPlan()],
      ),
    );
    expect(error.code).toBe('23514');
    expect(error.constraint).toBe('orders_book_or_plan');
  });
});

// =============================================================================================
// Refunds
// =============================================================================================
describe('refund_order', () => {
  it('revokes the entitlement, and the audit log has the order, the entitlement and the refund by its actor', async () => {
    const admin = await newBuyer('Admin');
    const buyer = await newBuyer();
    const bookId = await newBook();
    const orderId = await newOrder({ userId: buyer.id, bookId });
    const { entitlementId } = await markPaid(orderId);
    expect(await canRead(buyer.id, bookId)).toBe('purchase');

    const [row] = await adminQuery('select private.refund_order($1, $2, $3) as refunded', [
      orderId,
      'duplicate payment',
      admin.id,
    ]);
    expect(row).toEqual({ refunded: true });
    const [order] = await adminQuery(
      'select status::text, refunded_at is not null as stamped from public.orders where id = $1',
      [orderId],
    );
    expect(order).toEqual({ status: 'refunded', stamped: true });
    const [entitlement] = await adminQuery(
      'select revoked_at is not null as revoked, revoke_reason from public.entitlements where id = $1',
      [entitlementId],
    );
    expect(entitlement).toEqual({ revoked: true, revoke_reason: 'refund: duplicate payment' });
    expect(await canRead(buyer.id, bookId)).toBeNull();

    const audit = await adminQuery<{
      action: string;
      actor_id: string | null;
      old_values: unknown;
      new_values: unknown;
    }>(
      `select action, actor_id, old_values, new_values from public.audit_logs
        where (resource_type = 'order' and resource_id = $1) or (resource_type = 'entitlement' and resource_id = $2)
        order by created_at, action`,
      [orderId, entitlementId],
    );
    expect(audit.map((entry) => entry.action).sort()).toEqual(
      [
        'entitlement.insert',
        'entitlement.update',
        'order.insert',
        'order.refund',
        'order.update',
        'order.update',
      ].sort(),
    );
    const refundEntries = audit.filter(
      (entry) => entry.action === 'order.refund' || (entry.action === 'order.update' && entry.actor_id === admin.id),
    );
    expect(refundEntries).toEqual(
      expect.arrayContaining([
        {
          action: 'order.refund',
          actor_id: admin.id,
          old_values: null,
          new_values: { reason: 'duplicate payment', amount: 1500, currency: 'XOF' },
        },
        expect.objectContaining({
          action: 'order.update',
          actor_id: admin.id,
          old_values: expect.objectContaining({ status: 'paid' }),
          new_values: expect.objectContaining({ status: 'refunded' }),
        }),
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain('pay.example/checkout');
  });

  it('a second refund returns false; a pending order cannot be refunded (55000); a reason is required (22023)', async () => {
    const buyer = await newBuyer();
    const orderId = await newOrder({ userId: buyer.id, bookId: await newBook() });
    const pending = await sqlError(adminQuery("select private.refund_order($1, 'x', null)", [orderId]));
    expect(pending.code).toBe('55000');
    await markPaid(orderId);
    const noReason = await sqlError(adminQuery("select private.refund_order($1, ' ', null)", [orderId]));
    expect(noReason.code).toBe('22023');
    const results = [];
    for (let i = 0; i < 2; i++) {
      const [row] = await adminQuery("select private.refund_order($1, 'x', null) as refunded", [orderId]);
      results.push(row!.refunded);
    }
    expect(results).toEqual([true, false]);
  });

  it('refunding the only period of a subscription cancels it; refunding the renewal shortens it', async () => {
    const buyer = await newBuyer();
    const planId = await newPlan();
    const first = await newOrder({ userId: buyer.id, planId });
    const { subscriptionId } = await markPaid(first, daysFromNow(-1));
    const renewal = await newOrder({ userId: buyer.id, planId });
    await markPaid(renewal, daysFromNow(0));
    const [before] = await adminQuery<{ end: Date }>(
      'select valid_until as end from public.entitlements where order_id = $1',
      [first],
    );

    await adminQuery("select private.refund_order($1, 'renewal by mistake', null)", [renewal]);
    const [shortened] = await adminQuery(
      'select status::text, current_period_end from public.subscriptions where id = $1',
      [subscriptionId],
    );
    expect(shortened).toEqual({ status: 'active', current_period_end: before!.end });

    await adminQuery("select private.refund_order($1, 'changed my mind', null)", [first]);
    const [canceled] = await adminQuery(
      'select status::text, canceled_at is not null as stamped from public.subscriptions where id = $1',
      [subscriptionId],
    );
    expect(canceled).toEqual({ status: 'canceled', stamped: true });
  });
});

// =============================================================================================
// The right to read
// =============================================================================================
describe('can_read', () => {
  it('free book: free for everyone, guests included', async () => {
    const buyer = await newBuyer();
    const bookId = await newBook({ free: true });
    expect(await canRead(buyer.id, bookId)).toBe('free');
    expect(await canRead(null, bookId)).toBe('free');
  });

  it('paid book: nothing without an order, nothing while pending, purchase once paid, nothing once refunded', async () => {
    const buyer = await newBuyer();
    const other = await newBuyer();
    const bookId = await newBook();
    expect(await canRead(buyer.id, bookId)).toBeNull();
    const orderId = await newOrder({ userId: buyer.id, bookId });
    expect(await canRead(buyer.id, bookId)).toBeNull();
    await markPaid(orderId);
    expect(await canRead(buyer.id, bookId)).toBe('purchase');
    expect(await canRead(other.id, bookId)).toBeNull();
    expect(await canRead(null, bookId)).toBeNull();
    await adminQuery("select private.refund_order($1, 'refund', null)", [orderId]);
    expect(await canRead(buyer.id, bookId)).toBeNull();
  });

  it('subscription: active period reads every paid book; an ended period reads nothing', async () => {
    const active = await newBuyer();
    const lapsed = await newBuyer();
    const planId = await newPlan();
    const bookId = await newBook();
    await markPaid(await newOrder({ userId: active.id, planId }), daysFromNow(-3));
    await markPaid(await newOrder({ userId: lapsed.id, planId }), daysFromNow(-65));
    expect(await canRead(active.id, bookId)).toBe('subscription');
    expect(await canRead(lapsed.id, bookId)).toBeNull();
  });

  it('a plan restricted to categories covers their books and their subcategories, not the others', async () => {
    const reader = await newBuyer();
    const category = await newCategory();
    const subcategory = await newCategory(category);
    const elsewhere = await newCategory();
    const planId = await newPlan({ categoryIds: [category] });
    await markPaid(await newOrder({ userId: reader.id, planId }), daysFromNow(-1));

    expect(await canRead(reader.id, await newBook({ categoryIds: [category] }))).toBe('subscription');
    expect(await canRead(reader.id, await newBook({ categoryIds: [subcategory] }))).toBe('subscription');
    expect(await canRead(reader.id, await newBook({ categoryIds: [elsewhere] }))).toBeNull();
    expect(await canRead(reader.id, await newBook())).toBeNull();
  });

  it('a purchase wins over a subscription (the reader keeps the book when the plan ends)', async () => {
    const reader = await newBuyer();
    const bookId = await newBook();
    await markPaid(await newOrder({ userId: reader.id, planId: await newPlan() }));
    await markPaid(await newOrder({ userId: reader.id, bookId }));
    expect(await canRead(reader.id, bookId)).toBe('purchase');
  });

  it('a draft book is never readable, free or bought; an unknown book neither', async () => {
    const reader = await newBuyer();
    const bookId = await newBook();
    await markPaid(await newOrder({ userId: reader.id, bookId }));
    await adminQuery("update public.books set status = 'draft' where id = $1", [bookId]);
    expect(await canRead(reader.id, bookId)).toBeNull();
    expect(await canRead(reader.id, await newBook({ free: true, status: 'draft' }))).toBeNull();
    expect(await canRead(reader.id, randomUUID())).toBeNull();
  });

  it('book_available_in: everywhere when the list is empty, else only its countries', async () => {
    const everywhere = await newBook();
    const restricted = await newBook({ countries: ['SN', 'CI'] });
    const check = async (bookId: string, country: string | null) => {
      const [row] = await adminQuery<{ ok: boolean }>('select private.book_available_in($1, $2) as ok', [
        bookId,
        country,
      ]);
      return row!.ok;
    };
    expect(await check(everywhere, 'BF')).toBe(true);
    expect(await check(everywhere, null)).toBe(true);
    expect(await check(restricted, 'SN')).toBe(true);
    expect(await check(restricted, 'BF')).toBe(false);
    expect(await check(restricted, null)).toBe(false);
    expect(await check(randomUUID(), 'SN')).toBe(false);
  });
});

// =============================================================================================
// Receipts are immutable
// =============================================================================================
describe('receipts', () => {
  async function issuedReceipt(): Promise<string> {
    const buyer = await newBuyer();
    const { receiptId } = await markPaid(await newOrder({ userId: buyer.id, bookId: await newBook() }));
    return receiptId!;
  }

  it.each([
    ['the amount', 'amount = 1'],
    ['the number', 'number = number + 1000'],
    ['the lines', `lines = jsonb_set(lines, '{items,0,amount}', '1')`],
    ['the issue date', 'issued_at = now()'],
  ])('changing %s is refused (55000)', async (_, set) => {
    const receiptId = await issuedReceipt();
    const error = await sqlError(adminQuery(`update public.receipts set ${set} where id = $1`, [receiptId]));
    expect(error.code).toBe('55000');
    expect(error.message).toBe(`receipt ${receiptId} is immutable`);
  });

  it('deleting one is refused (55000)', async () => {
    const receiptId = await issuedReceipt();
    const error = await sqlError(adminQuery('delete from public.receipts where id = $1', [receiptId]));
    expect(error.code).toBe('55000');
    expect(await count('public.receipts where id = $1', [receiptId])).toBe(1);
  });

  it('the one change allowed: erasing the buyer (account anonymisation)', async () => {
    const receiptId = await issuedReceipt();
    await adminQuery(`update public.receipts set lines = lines || '{"buyer": null}' where id = $1`, [receiptId]);
    const [row] = await adminQuery<{ buyer: unknown }>(
      "select lines -> 'buyer' as buyer from public.receipts where id = $1",
      [receiptId],
    );
    expect(row).toEqual({ buyer: null });
  });
});

// =============================================================================================
// Reconciliation helpers
// =============================================================================================
describe('expire_pending_orders', () => {
  it('expires orders pending past the threshold or past expires_at, and nothing else', async () => {
    const buyer = await newBuyer();
    const old = await newOrder({ userId: buyer.id, bookId: await newBook(), createdAt: daysFromNow(-2) });
    const pastDeadline = await newOrder({ userId: buyer.id, bookId: await newBook(), expiresAt: daysFromNow(-0.01) });
    const fresh = await newOrder({ userId: buyer.id, bookId: await newBook(), expiresAt: daysFromNow(1) });
    const oldButPaid = await newOrder({ userId: buyer.id, bookId: await newBook(), createdAt: daysFromNow(-2) });
    await markPaid(oldButPaid);

    const rows = await adminQuery<{ id: string }>("select private.expire_pending_orders(interval '24 hours') as id");
    const expired = rows.map((row) => row.id);
    expect(expired).toEqual(expect.arrayContaining([old, pastDeadline]));
    expect(expired).not.toContain(fresh);
    expect(expired).not.toContain(oldButPaid);
    expect([
      await statusOf(old),
      await statusOf(pastDeadline),
      await statusOf(fresh),
      await statusOf(oldButPaid),
    ]).toEqual(['expired', 'expired', 'pending', 'paid']);
  });
});

describe('expire_subscriptions', () => {
  it('an ended period: past_due during the grace, expired after it; canceled when cancel_at_period_end', async () => {
    const planId = await newPlan();
    const [lapsing, canceling] = [await newBuyer(), await newBuyer()];
    const paidAt = '2026-01-01T00:00:00Z';
    const { subscriptionId: lapsingId } = await markPaid(await newOrder({ userId: lapsing.id, planId }), paidAt);
    const { subscriptionId: cancelingId } = await markPaid(await newOrder({ userId: canceling.id, planId }), paidAt);
    await adminQuery('update public.subscriptions set cancel_at_period_end = true where id = $1', [cancelingId]);

    const run = async (at: string) => {
      const rows = await adminQuery<{ subscription_id: string; status: string }>(
        "select subscription_id, status::text from private.expire_subscriptions($1, interval '3 days')",
        [at],
      );
      return Object.fromEntries(
        rows
          .filter((r) => [lapsingId, cancelingId].includes(r.subscription_id))
          .map((r) => [r.subscription_id, r.status]),
      );
    };
    expect(await run('2026-01-31T00:00:00Z')).toEqual({});
    expect(await run('2026-02-02T00:00:00Z')).toEqual({ [lapsingId!]: 'past_due', [cancelingId!]: 'canceled' });
    expect(await run('2026-02-03T00:00:00Z')).toEqual({});
    expect(await run('2026-02-04T00:00:00Z')).toEqual({ [lapsingId!]: 'expired' });
    const [canceled] = await adminQuery<{ canceled_at: Date }>(
      'select canceled_at from public.subscriptions where id = $1',
      [cancelingId],
    );
    expect(canceled!.canceled_at).toEqual(new Date('2026-02-02T00:00:00Z'));
  });
});

describe('prune_idempotency_keys', () => {
  it('deletes the keys older than 24 hours and keeps the others', async () => {
    const scope = `user:${randomUUID()}`;
    await adminQuery(
      `insert into private.idempotency_keys (scope, key, request_hash, created_at)
       values ($1, 'old', 'h', now() - interval '25 hours'), ($1, 'recent', 'h', now() - interval '23 hours')`,
      [scope],
    );
    const [row] = await adminQuery<{ pruned: number }>('select private.prune_idempotency_keys() as pruned');
    expect(row!.pruned).toBeGreaterThanOrEqual(1);
    const left = await adminQuery<{ key: string }>('select key from private.idempotency_keys where scope = $1', [
      scope,
    ]);
    expect(left).toEqual([{ key: 'recent' }]);
  });

  it('refuses a malformed scope or key (check violation)', async () => {
    const error = await sqlError(
      adminQuery(`insert into private.idempotency_keys (scope, key, request_hash) values ('someone', 'k', 'h')`),
    );
    expect(error.code).toBe('23514');
    const spaces = await sqlError(
      adminQuery(`insert into private.idempotency_keys (scope, key, request_hash) values ($1, 'a key', 'h')`, [
        `user:${randomUUID()}`,
      ]),
    );
    expect(spaces.code).toBe('23514');
  });
});
