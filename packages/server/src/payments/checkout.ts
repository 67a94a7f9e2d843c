import { ApiError } from '../app/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { getPartner } from '../identity/partners.ts';
import { isPaymentProviderError, type PaymentProviders, type ProviderName } from '../providers/payments/index.ts';
import { findOrder, type OrderRow } from './orders.ts';
import { isAllowedReturnUrl } from './return-url.ts';

/** How long an unpaid order stays open when the provider gives no expiry of its own. */
export const ORDER_TTL_MS = 24 * 60 * 60_000;

export type CheckoutItem = { bookId: string; planId?: undefined } | { planId: string; bookId?: undefined };

export interface CheckoutInput {
  user: { id: string; partnerId: string | undefined };
  item: CheckoutItem;
  provider: ProviderName;
  phone?: string | undefined;
  currency?: string | undefined;
  returnUrl: string;
  idempotencyKey: string;
}

export interface CheckoutDeps {
  db: Queryable;
  providers: PaymentProviders;
  /** `POST /v1/webhooks/{provider}` of this deployment, as the provider must call it. */
  webhookUrl: (provider: ProviderName) => string;
  /** Origins a reader without a partner may return to (the API's CORS origins). */
  firstPartyOrigins: readonly string[];
  now: () => Date;
}

interface Priced {
  amount: number;
  currency: string;
  description: string;
}

interface Buyer {
  country: string | null;
  name: string | null;
  email: string | null;
}

async function buyer(db: Queryable, userId: string): Promise<Buyer> {
  const { rows } = await db.query(
    `select p.country, p.display_name as name, u.email
     from public.profiles p left join auth.users u on u.id = p.id where p.id = $1`,
    [userId],
  );
  const row = rows[0] as { country: string | null; name: string | null; email: string | null } | undefined;
  return { country: row?.country?.trim() ?? null, name: row?.name ?? null, email: row?.email ?? null };
}

async function priceBook(db: Queryable, userId: string, bookId: string, country: string | null): Promise<Priced> {
  const { rows } = await db.query(
    `select b.title, b.price, b.currency, b.is_free, private.book_available_in(b.id, $3) as available,
       private.can_read($2, b.id) as right
     from public.books b where b.id = $1 and b.is_published`,
    [bookId, userId, country],
  );
  const book = rows[0] as
    | { title: string; price: number; currency: string; is_free: boolean; available: boolean; right: string | null }
    | undefined;
  if (!book) throw new ApiError(404, 'NOT_FOUND', 'Book not found', { details: { bookId } });
  if (book.is_free || Number(book.price) === 0) {
    throw new ApiError(409, 'ALREADY_OWNED', 'This book is free: open it without paying', {
      details: { bookId, right: 'free' },
    });
  }
  if (book.right) {
    throw new ApiError(409, 'ALREADY_OWNED', 'You can already read this book', {
      details: { bookId, right: book.right },
    });
  }
  if (!book.available) {
    throw new ApiError(403, 'NOT_AVAILABLE_IN_COUNTRY', 'This book is not sold in your country', {
      details: { bookId, country },
    });
  }
  return { amount: Number(book.price), currency: book.currency.trim(), description: book.title };
}

async function pricePlan(db: Queryable, input: CheckoutInput, accepted: readonly string[], now: Date): Promise<Priced> {
  const planId = input.item.planId as string;
  const { rows } = await db.query(
    `select p.name, coalesce(jsonb_agg(jsonb_build_object('currency', pp.currency, 'amount', pp.amount))
              filter (where pp.plan_id is not null), '[]') as prices,
       exists (select 1 from public.entitlements e
               where e.user_id = $3 and e.plan_id = p.id and e.revoked_at is null
                 and (e.valid_until is null or e.valid_until > $4)) as owned
     from public.plans p left join public.plan_prices pp on pp.plan_id = p.id
     where p.id = $1 and p.is_active and (p.partner_id is null or p.partner_id = $2)
     group by p.id`,
    [planId, input.user.partnerId ?? null, input.user.id, now],
  );
  const plan = rows[0] as { name: string; prices: { currency: string; amount: number }[]; owned: boolean } | undefined;
  if (!plan) throw new ApiError(404, 'NOT_FOUND', 'Plan not found', { details: { planId } });
  if (plan.owned) {
    throw new ApiError(409, 'ALREADY_OWNED', 'Your subscription to this plan is already active', {
      details: { planId },
    });
  }
  const prices = plan.prices.map((price) => ({ currency: price.currency.trim(), amount: Number(price.amount) }));
  // The currency asked for, else the first one the provider takes in which the plan is priced.
  const price = input.currency
    ? prices.find((candidate) => candidate.currency === input.currency)
    : prices.find((candidate) => accepted.includes(candidate.currency));
  if (!price) {
    throw new ApiError(422, 'PROVIDER_UNAVAILABLE', 'This plan is not sold in a currency this provider takes', {
      details: { planId, provider: input.provider, currencies: prices.map((candidate) => candidate.currency) },
    });
  }
  return { amount: price.amount, currency: price.currency, description: plan.name };
}

async function insertOrder(db: Queryable, values: unknown[]): Promise<void> {
  try {
    await db.query(
      `insert into public.orders (id, user_id, partner_id, book_id, plan_id, amount, currency, provider, status,
         country, idempotency_key, return_url, expires_at, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $11, $12, $13, $13)`,
      values,
    );
  } catch (cause) {
    // Only when a request died between its order and its stored response, and the client retried after the
    // key's takeover delay: that order is the answer, under GET /v1/orders.
    if ((cause as { constraint?: string }).constraint === 'orders_idempotency_key_key') {
      throw new ApiError(409, 'CONFLICT', 'An order was already opened with this Idempotency-Key; see GET /v1/orders', {
        details: { reason: 'order_exists' },
        cause,
      });
    }
    throw cause;
  }
}

/**
 * Opens an order and the provider's checkout: the price comes from the database, never from the client; the
 * reader's country, what they already own, the provider's availability and currencies and the return URL are
 * checked first (each refusal is an {@link ApiError}). The order is written before the provider is called, so a
 * webhook that arrives fast always finds it.
 */
export async function startCheckout(deps: CheckoutDeps, input: CheckoutInput): Promise<OrderRow> {
  const { db, providers } = deps;
  const now = deps.now();
  const provider = providers.get(input.provider);
  if (!provider) {
    throw new ApiError(422, 'PROVIDER_UNAVAILABLE', `Payments with ${input.provider} are not available`, {
      details: { provider: input.provider, status: providers.status()[input.provider] ?? 'off' },
    });
  }
  const allowedOrigins = input.user.partnerId
    ? ((await getPartner(db, input.user.partnerId))?.allowedOrigins ?? [])
    : deps.firstPartyOrigins;
  if (!isAllowedReturnUrl(input.returnUrl, allowedOrigins)) {
    throw new ApiError(
      400,
      'VALIDATION_ERROR',
      "returnUrl must be an http(s) URL on one of the app's allowed origins",
      {
        details: { issues: [{ path: 'returnUrl', code: 'origin_not_allowed', message: 'origin not allowed' }] },
      },
    );
  }
  const who = await buyer(db, input.user.id);
  const priced = input.item.bookId
    ? await priceBook(db, input.user.id, input.item.bookId, who.country)
    : await pricePlan(db, input, provider.currencies, now);
  if (input.currency && input.currency !== priced.currency) {
    throw new ApiError(422, 'PROVIDER_UNAVAILABLE', `This book is sold in ${priced.currency} only`, {
      details: { currency: input.currency, priced: priced.currency },
    });
  }
  if (!provider.currencies.includes(priced.currency)) {
    throw new ApiError(422, 'PROVIDER_UNAVAILABLE', `${input.provider} does not take ${priced.currency}`, {
      details: { provider: input.provider, currency: priced.currency, currencies: provider.currencies },
    });
  }

  const orderId = crypto.randomUUID();
  await insertOrder(db, [
    orderId,
    input.user.id,
    input.user.partnerId ?? null,
    input.item.bookId ?? null,
    input.item.planId ?? null,
    priced.amount,
    priced.currency,
    input.provider,
    who.country,
    input.idempotencyKey,
    input.returnUrl,
    new Date(now.getTime() + ORDER_TTL_MS),
    now,
  ]);
  let session: Awaited<ReturnType<typeof provider.createCheckout>>;
  try {
    session = await provider.createCheckout({
      orderId,
      amount: priced.amount,
      currency: priced.currency,
      description: priced.description,
      customer: { phone: input.phone, email: who.email ?? undefined, name: who.name ?? undefined },
      returnUrl: input.returnUrl,
      webhookUrl: deps.webhookUrl(input.provider),
    });
  } catch (cause) {
    const rejected = isPaymentProviderError(cause) && cause.name === 'ProviderRejectedError' ? cause : undefined;
    await db.query(`select private.mark_order_failed($1, 'failed', $2)`, [
      orderId,
      rejected ? `refused by ${input.provider}: ${rejected.message}` : `${input.provider} unreachable`,
    ]);
    // The key is released with this refusal (see idempotencyKey): the reader's retry opens a new order.
    await db.query('update public.orders set idempotency_key = null where id = $1', [orderId]);
    if (rejected) {
      throw new ApiError(422, 'UNPROCESSABLE', `${input.provider} refused this payment: ${rejected.message}`, {
        details: { provider: input.provider, orderId, providerCode: rejected.providerCode },
        cause,
      });
    }
    throw new ApiError(
      503,
      'SERVICE_UNAVAILABLE',
      `${input.provider} did not answer; try again or pick another way to pay`,
      {
        details: { provider: input.provider, orderId },
        headers: { 'Retry-After': '5' },
        cause,
      },
    );
  }
  if (session.secret) {
    await db.query(
      'insert into private.order_secrets (order_id, secret) values ($1, $2) on conflict (order_id) do update set secret = excluded.secret',
      [orderId, session.secret],
    );
  }
  await db.query(
    `update public.orders set provider_reference = $2, checkout_url = $3, expires_at = coalesce($4, expires_at)
     where id = $1`,
    [orderId, session.providerReference, session.checkoutUrl, session.expiresAt ?? null],
  );
  const order = await findOrder(db, orderId);
  if (!order) throw new Error(`order ${orderId} vanished after its insert`);
  return order;
}
