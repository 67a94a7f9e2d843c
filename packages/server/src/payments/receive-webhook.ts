import { ApiError } from '../app/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { QUEUE_NAMES } from '../jobs/queues.ts';
import type { SendJob } from '../jobs/send.ts';
import type { Logger } from '../observability/logger.ts';
import {
  isWebhookVerificationError,
  type PaymentProviders,
  type ProviderEvent,
  type ProviderName,
} from '../providers/payments/index.ts';

export interface ReceiveWebhookDeps {
  db: Queryable;
  providers: PaymentProviders;
  sendJob: SendJob;
  now: () => Date;
  logger?: Logger | undefined;
}

export interface ReceivedEvent {
  /** `public.payment_events.id`. */
  id: string;
  /** False when the provider sent this event before (the stored row is kept, no job is sent again). */
  fresh: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function secretFor(db: Queryable, reference: { orderId?: string; providerReference?: string }) {
  const orderId = reference.orderId && UUID.test(reference.orderId) ? reference.orderId : null;
  const { rows } = await db.query(
    `select s.secret from private.order_secrets s join public.orders o on o.id = s.order_id
     where o.id = $1 or ($2::text is not null and o.provider_reference = $2) limit 1`,
    [orderId, reference.providerReference ?? null],
  );
  return (rows[0] as { secret: string } | undefined)?.secret ?? null;
}

/** The order an event is about: Coko's id when echoed, else the provider's reference. */
async function orderOf(db: Queryable, provider: ProviderName, event: ProviderEvent) {
  const { rows } = await db.query(
    `select id, amount, currency from public.orders
     where (id = $1 or ($2::text is not null and provider = $3::public.payment_provider and provider_reference = $2))
     order by (id = $1) desc limit 1`,
    [event.orderId && UUID.test(event.orderId) ? event.orderId : null, event.providerReference, provider],
  );
  return rows[0] as { id: string; amount: number; currency: string } | undefined;
}

/**
 * Verifies a provider's webhook on its raw body and stores the event once (`payment_events`, unique per provider
 * and event id), then sends `payments.process-event`. A bad signature or stale timestamp is 400
 * `INVALID_SIGNATURE` with nothing stored. An event whose amount or currency differs from the order's is stored
 * with its error and moves nothing: money must match to the unit.
 */
export async function receiveWebhook(
  deps: ReceiveWebhookDeps,
  provider: ProviderName,
  request: { rawBody: string; headers: Headers; url: string },
): Promise<ReceivedEvent> {
  const { db } = deps;
  const adapter = deps.providers.get(provider);
  if (!adapter) throw new ApiError(404, 'NOT_FOUND', `No webhooks for ${provider} here`, { details: { provider } });
  let event: ProviderEvent;
  try {
    event = await adapter.verifyWebhook({
      rawBody: request.rawBody,
      headers: request.headers,
      url: request.url,
      now: deps.now(),
      secretFor: (reference) => secretFor(db, reference),
    });
  } catch (cause) {
    if (isWebhookVerificationError(cause)) {
      throw new ApiError(400, 'INVALID_SIGNATURE', 'The webhook signature does not verify', { cause });
    }
    throw cause;
  }
  const order = await orderOf(db, provider, event);
  const mismatch =
    order &&
    ((event.amount !== undefined && event.amount !== Number(order.amount)) ||
      (event.currency !== undefined && event.currency.toUpperCase() !== order.currency.trim()));
  const error = !order ? 'unknown_order' : mismatch ? 'amount_mismatch' : null;
  const now = deps.now();
  const { rows } = await db.query(
    `with inserted as (
       insert into public.payment_events (provider, event_id, order_id, type, status, payload, received_at, processed_at, error)
       values ($1::public.payment_provider, $2, $3, $4, $5::public.order_status, $6, $7::timestamptz,
               case when $8::text is null then null else $7::timestamptz end, $8)
       on conflict (provider, event_id) do nothing
       returning id)
     select id, true as fresh from inserted
     union all
     select id, false from public.payment_events
     where provider = $1::public.payment_provider and event_id = $2 and not exists (select 1 from inserted)`,
    [
      provider,
      event.eventId,
      order?.id ?? null,
      event.type,
      event.status,
      JSON.stringify(event.payload ?? null),
      now,
      error,
    ],
  );
  // A concurrent duplicate that committed after this statement's snapshot is invisible to it: read it afresh.
  const stored =
    (rows[0] as { id: string; fresh: boolean } | undefined) ??
    ((
      await db.query('select id, false as fresh from public.payment_events where provider = $1 and event_id = $2', [
        provider,
        event.eventId,
      ])
    ).rows[0] as { id: string; fresh: boolean });
  if (error) deps.logger?.warn('payment event not applied', { provider, eventId: event.eventId, reason: error });
  // A fresh, applicable event gets its job; if sending fails the reconcile job applies the stored event later.
  if (stored.fresh && !error) {
    await deps.sendJob(QUEUE_NAMES.processPaymentEvent, { eventId: stored.id }).catch((cause: unknown) => {
      deps.logger?.error('payment event job not sent; reconcile will apply it', { eventId: stored.id, err: cause });
    });
  }
  return stored;
}
