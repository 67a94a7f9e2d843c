import type { Order, OrderStatus } from '../../../sdk/src/payments/types.ts';
import type { Queryable } from '../db/pool.ts';
import type { ProviderName } from '../providers/payments/index.ts';

// The API's JSON shapes are the SDK's public types (as the error codes are): one definition.
export type { Order, OrderStatus };

/** The columns of {@link OrderRow}, for `select … from public.orders o`. */
export const ORDER_COLUMNS = `o.id, o.user_id, o.partner_id, o.status::text as status, o.book_id, o.plan_id, o.amount,
  o.currency, o.provider::text as provider, o.provider_reference, o.checkout_url, o.return_url, o.failure_reason,
  o.expires_at, o.created_at, o.paid_at, o.refunded_at,
  (select r.id from public.receipts r where r.order_id = o.id) as receipt_id`;

export interface OrderRow {
  id: string;
  user_id: string;
  partner_id: string | null;
  status: OrderStatus;
  book_id: string | null;
  plan_id: string | null;
  amount: number;
  currency: string;
  provider: ProviderName;
  provider_reference: string | null;
  checkout_url: string | null;
  return_url: string;
  failure_reason: string | null;
  expires_at: Date | null;
  created_at: Date;
  paid_at: Date | null;
  refunded_at: Date | null;
  receipt_id: string | null;
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function orderJson(row: OrderRow): Order {
  return {
    id: row.id,
    status: row.status,
    bookId: row.book_id,
    planId: row.plan_id,
    amount: Number(row.amount),
    currency: row.currency,
    provider: row.provider,
    // A settled order has nowhere left to pay.
    checkoutUrl: row.status === 'pending' ? row.checkout_url : null,
    failureReason: row.failure_reason,
    createdAt: row.created_at.toISOString(),
    paidAt: iso(row.paid_at),
    refundedAt: iso(row.refunded_at),
    receiptId: row.receipt_id,
  };
}

export async function findOrder(db: Queryable, id: string): Promise<OrderRow | undefined> {
  const { rows } = await db.query(`select ${ORDER_COLUMNS} from public.orders o where o.id = $1`, [id]);
  return rows[0] as OrderRow | undefined;
}

export interface OrderPage {
  rows: OrderRow[];
  /** Opaque cursor of the next page, or null on the last one. */
  nextCursor: string | null;
}

/** A keyset cursor: the last row's (created_at, id), so inserts between pages neither repeat nor skip rows. */
export function encodeCursor(row: Pick<OrderRow, 'created_at' | 'id'>): string {
  return btoa(JSON.stringify([row.created_at.toISOString(), row.id])).replace(/=+$/, '');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } | undefined {
  try {
    // The cursor is plain ASCII JSON (an ISO date and a uuid), so atob/btoa suffice on Node and Deno alike.
    const value: unknown = JSON.parse(atob(cursor));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [createdAt, id] = value;
    if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return undefined;
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}

/** Orders newest first, filtered by reader (`user_id`) or partner (`partner_id`). */
export async function listOrders(
  db: Queryable,
  filter: { column: 'user_id' | 'partner_id'; value: string },
  page: { limit: number; after?: { createdAt: string; id: string } | undefined },
): Promise<OrderPage> {
  const values: unknown[] = [filter.value, page.limit + 1];
  let keyset = '';
  if (page.after) {
    values.push(page.after.createdAt, page.after.id);
    keyset = 'and (o.created_at, o.id) < ($3::timestamptz, $4::uuid)';
  }
  const { rows } = await db.query(
    `select ${ORDER_COLUMNS} from public.orders o where o.${filter.column} = $1 ${keyset}
     order by o.created_at desc, o.id desc limit $2`,
    values,
  );
  const list = rows as OrderRow[];
  const more = list.length > page.limit;
  const shown = more ? list.slice(0, page.limit) : list;
  const last = shown.at(-1);
  return { rows: shown, nextCursor: more && last ? encodeCursor(last) : null };
}
