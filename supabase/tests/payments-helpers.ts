// Fixtures for the payments tests (buyers, books, plans, partners, orders), on top of helpers.ts.
// Rows are written as the superuser in the test file's own database, as the server's pool writes
// them: orders are inserted pending, and every other move goes through the SQL functions.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { testStack } from '../../test/stack.js';
import { adminQuery, createUser, type TestUser } from './helpers.js';

// =============================================================================================
// People and things to sell
// =============================================================================================

/** A fresh reader (own auth.users row and profile) with a display name, for receipts. */
export async function newBuyer(name = 'Awa Diop', language = 'fr'): Promise<TestUser> {
  const id = randomUUID();
  const user: TestUser = { id, email: `buyer-${id.slice(0, 8)}@payments.test`, roles: [] };
  await createUser(user);
  await adminQuery('update public.profiles set display_name = $2, language = $3 where id = $1', [id, name, language]);
  return user;
}

export interface BookOptions {
  price?: number;
  currency?: string;
  free?: boolean;
  status?: 'published' | 'draft';
  countries?: string[];
  categoryIds?: string[];
}

/** A book (published, 1500 XOF by default) and its category links; returns its id. */
export async function newBook(options: BookOptions = {}): Promise<string> {
  const id = randomUUID();
  const status = options.status ?? 'published';
  const free = options.free ?? false;
  await adminQuery(
    `insert into public.books (id, title, language, status, format, price, currency, is_free, available_countries, published_at)
     values ($1, $2, 'fr', $3, 'epub', $4, $5, $6, $7, case when $3::public.book_status = 'published' then now() end)`,
    [
      id,
      `Payments test book ${id.slice(0, 8)}`,
      status,
      free ? 0 : (options.price ?? 1500),
      options.currency ?? 'XOF',
      free,
      options.countries ?? [],
    ],
  );
  for (const categoryId of options.categoryIds ?? []) {
    await adminQuery('insert into public.book_categories (book_id, category_id) values ($1, $2)', [id, categoryId]);
  }
  return id;
}

/** A category (top level unless a parent is given); returns its id. */
export async function newCategory(parentId: string | null = null): Promise<string> {
  const id = randomUUID();
  await adminQuery('insert into public.categories (id, parent_id, name) values ($1, $2, $3)', [
    id,
    parentId,
    `Payments category ${id.slice(0, 8)}`,
  ]);
  return id;
}

export interface PlanOptions {
  interval?: 'month' | 'year';
  categoryIds?: string[];
  active?: boolean;
  prices?: Record<string, number>;
}

/** A plan with its prices (2000 XOF a month over the whole catalog by default); returns its id. */
export async function newPlan(options: PlanOptions = {}): Promise<string> {
  const id = randomUUID();
  await adminQuery(
    `insert into public.plans (id, slug, name, interval, category_ids, is_active) values ($1, $2, $3, $4, $5, $6)`,
    [
      id,
      `plan-${id.slice(0, 8)}`,
      `Plan ${id.slice(0, 8)}`,
      options.interval ?? 'month',
      options.categoryIds ?? [],
      options.active ?? true,
    ],
  );
  for (const [currency, amount] of Object.entries(options.prices ?? { XOF: 2000 })) {
    await adminQuery('insert into public.plan_prices (plan_id, currency, amount) values ($1, $2, $3)', [
      id,
      currency,
      amount,
    ]);
  }
  return id;
}

/** A partner (private.partners); returns its id. */
export async function newPartner(): Promise<string> {
  const id = randomUUID();
  await adminQuery('insert into private.partners (id, name, slug) values ($1, $2, $3)', [
    id,
    `Partner ${id.slice(0, 8)}`,
    `partner-${id.slice(0, 8)}`,
  ]);
  return id;
}

// =============================================================================================
// Orders
// =============================================================================================

export interface OrderInput {
  userId: string;
  bookId?: string;
  planId?: string;
  partnerId?: string | null;
  amount?: number;
  currency?: string;
  provider?: string;
  createdAt?: string;
  expiresAt?: string | null;
}

/** A pending order, as checkout creates it; returns its id. */
export async function newOrder(input: OrderInput): Promise<string> {
  const id = randomUUID();
  await adminQuery(
    `insert into public.orders (id, user_id, partner_id, book_id, plan_id, amount, currency, provider, idempotency_key,
       return_url, checkout_url, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'https://reader.example/return', $10, coalesce($11::timestamptz, now()), $12)`,
    [
      id,
      input.userId,
      input.partnerId ?? null,
      input.bookId ?? null,
      input.planId ?? null,
      input.amount ?? (input.planId ? 2000 : 1500),
      input.currency ?? 'XOF',
      input.provider ?? 'sandbox',
      `key-${id}`,
      `https://pay.example/checkout/${id}`,
      input.createdAt ?? null,
      input.expiresAt ?? null,
    ],
  );
  return id;
}

export interface PaidResult {
  orderId: string;
  status: string;
  changed: boolean;
  entitlementId: string | null;
  receiptId: string | null;
  subscriptionId: string | null;
}

/** private.mark_order_paid as the server calls it. */
export async function markPaid(orderId: string, paidAt: string | null = null, reference?: string): Promise<PaidResult> {
  const [row] = await adminQuery<{ result: PaidResult }>('select private.mark_order_paid($1, $2, $3) as result', [
    orderId,
    reference ?? `ref-${orderId}`,
    paidAt,
  ]);
  return row!.result;
}

/** The order's status. */
export async function statusOf(orderId: string): Promise<string> {
  const [row] = await adminQuery<{ status: string }>('select status::text from public.orders where id = $1', [orderId]);
  return row!.status;
}

/** private.can_read for a user and a book. */
export async function canRead(userId: string | null, bookId: string): Promise<string | null> {
  const [row] = await adminQuery<{ right: string | null }>('select private.can_read($1, $2) as right', [
    userId,
    bookId,
  ]);
  return row!.right;
}

/** An ISO timestamp `days` from now (negative: in the past). */
export const daysFromNow = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString();

// =============================================================================================
// Raw connections (concurrency)
// =============================================================================================
const openClients = new Set<pg.Client>();

afterAll(async () => {
  await Promise.all([...openClients].map((client) => client.end().catch(() => undefined)));
  openClients.clear();
});

/** `count` separate connections as the superuser (like the server's pool, which owns the tables), closed after the file. */
export async function connections(count: number): Promise<pg.Client[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const client = new pg.Client({ connectionString: testStack().adminDatabaseUrl });
      await client.connect();
      openClients.add(client);
      return client;
    }),
  );
}

/** Waits until `count` backends wait on a lock (fails after ~10 s): the racers are lined up. */
export async function waitForLockWaiters(count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await adminQuery<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
    );
    if (row!.n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${count} backends never waited on a lock`);
}
