import type { Queryable } from '../db/pool.ts';
import type { PaymentProvider, PaymentProviders, PaymentStatus, ProviderName } from '../providers/payments/index.ts';

export interface StoredEvent {
  id: string;
  provider: ProviderName;
  order_id: string | null;
  status: PaymentStatus | null;
  received_at: Date;
  processed_at: Date | null;
}

export type EventOutcome = 'paid' | 'failed' | 'expired' | 'refunded' | 'unchanged' | 'already-processed' | 'no-order';

export async function loadEvent(db: Queryable, id: string): Promise<StoredEvent | undefined> {
  const { rows } = await db.query(
    `select id, provider::text as provider, order_id, status::text as status, received_at, processed_at
     from public.payment_events where id = $1`,
    [id],
  );
  return rows[0] as StoredEvent | undefined;
}

/**
 * The status an event asks for. For providers that only hint (Orange Money signs nothing), the provider is asked
 * first and its answer wins. Called outside any transaction: it may wait on the network.
 */
export async function confirmedStatus(
  db: Queryable,
  providers: PaymentProviders,
  event: StoredEvent,
): Promise<PaymentStatus | null> {
  const adapter = providers.get(event.provider);
  if (!event.order_id || !adapter?.confirmsByPolling) return event.status;
  const { rows } = await db.query(
    `select o.id, o.provider_reference, o.amount, o.currency, s.secret
     from public.orders o left join private.order_secrets s on s.order_id = o.id where o.id = $1`,
    [event.order_id],
  );
  const order = rows[0] as OrderToAsk | undefined;
  if (!order) return null;
  return (await askProvider(adapter, order)).status;
}

/** An order with its secret (`private.order_secrets`), as a provider's status check needs it. */
export interface OrderToAsk {
  id: string;
  provider_reference: string | null;
  amount: number;
  currency: string;
  secret: string | null;
}

/** Asks the order's provider where its payment stands. */
export function askProvider(adapter: PaymentProvider, order: OrderToAsk) {
  return adapter.fetchStatus({
    orderId: order.id,
    providerReference: order.provider_reference,
    amount: Number(order.amount),
    currency: order.currency.trim(),
    secret: order.secret,
  });
}

/**
 * Moves an order to `status` through the SQL functions, which refuse every transition the order may not make
 * (paid never goes back to pending, failed or expired): a refused move is "nothing to do", not an error, which is
 * what makes late and duplicated events harmless.
 */
export async function moveOrder(
  db: Queryable,
  orderId: string,
  status: PaymentStatus | null,
  at: Date,
  reason: string,
): Promise<EventOutcome> {
  switch (status) {
    case 'paid': {
      const { rows } = await db.query('select private.mark_order_paid($1, null, $2) as result', [orderId, at]);
      return (rows[0] as { result: { changed: boolean } }).result.changed ? 'paid' : 'unchanged';
    }
    case 'failed':
    case 'expired': {
      const { rows } = await db.query('select private.mark_order_failed($1, $2::public.order_status, $3) as moved', [
        orderId,
        status,
        reason,
      ]);
      return (rows[0] as { moved: boolean }).moved ? status : 'unchanged';
    }
    case 'refunded': {
      // Only a paid order can be refunded (refund_order raises otherwise): a refund notice for anything else is noise.
      const { rows } = await db.query(
        `select case when o.status = 'paid' then private.refund_order(o.id, $2, null) else false end as moved
         from public.orders o where o.id = $1`,
        [orderId, reason],
      );
      return (rows[0] as { moved: boolean } | undefined)?.moved ? 'refunded' : 'unchanged';
    }
    default:
      return 'unchanged';
  }
}

/**
 * Applies a stored event to its order, inside the caller's transaction (the job's runOnce): locks the event row,
 * skips it if an earlier run processed it, moves the order, marks the event processed.
 */
export async function applyEvent(
  tx: Queryable,
  event: StoredEvent,
  status: PaymentStatus | null,
): Promise<EventOutcome> {
  const { rows } = await tx.query('select processed_at from public.payment_events where id = $1 for update', [
    event.id,
  ]);
  if ((rows[0] as { processed_at: Date | null } | undefined)?.processed_at) return 'already-processed';
  const outcome = event.order_id
    ? await moveOrder(tx, event.order_id, status, event.received_at, `${event.provider}: ${status ?? 'no status'}`)
    : 'no-order';
  await tx.query('update public.payment_events set processed_at = clock_timestamp(), error = null where id = $1', [
    event.id,
  ]);
  return outcome;
}
