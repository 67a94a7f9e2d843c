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

interface StoredEvent extends ReceivedEvent {
  /** Why the event moves nothing (`unknown_order`, `amount_mismatch`), else null. */
  error: string | null;
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

/**
 * Stores the event once against its order (Coko's id when echoed, else the provider's reference) in one statement, so
 * the acknowledgement pays one round trip for both. An unknown order or an amount or currency that differs from the
 * order's is stored with its error and marked processed: it moves nothing. Returns no row only when a concurrent
 * duplicate committed after this statement's snapshot.
 */
const STORE_EVENT = `
  with target as (
    select o.id,
           case when ($8::bigint is not null and $8 <> o.amount) or ($9::text is not null and upper($9) <> o.currency)
                then 'amount_mismatch' end as mismatch
      from public.orders o
     where o.id = $3 or ($10::text is not null and o.provider = $1::public.payment_provider and o.provider_reference = $10)
     order by (o.id = $3) desc nulls last
     limit 1),
  verdict as (
    select t.id as order_id, case when t.id is null then 'unknown_order' else t.mismatch end as error
      from (select) as one left join target t on true),
  inserted as (
    insert into public.payment_events (provider, event_id, order_id, type, status, payload, received_at, processed_at, error)
    select $1::public.payment_provider, $2, v.order_id, $4, $5::public.order_status, $6, $7::timestamptz,
           case when v.error is null then null else $7::timestamptz end, v.error
      from verdict v
    on conflict (provider, event_id) do nothing
    returning id, error)
  select id, true as fresh, error from inserted
  union all
  select id, false, error from public.payment_events
   where provider = $1::public.payment_provider and event_id = $2 and not exists (select 1 from inserted)`;

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
  const { rows } = await db.query(STORE_EVENT, [
    provider,
    event.eventId,
    event.orderId && UUID.test(event.orderId) ? event.orderId : null,
    event.type,
    event.status,
    JSON.stringify(event.payload ?? null),
    deps.now(),
    event.amount ?? null,
    event.currency ?? null,
    event.providerReference,
  ]);
  // A concurrent duplicate that committed after this statement's snapshot is invisible to it: read it afresh.
  const stored =
    (rows[0] as StoredEvent | undefined) ??
    ((
      await db.query(
        'select id, false as fresh, error from public.payment_events where provider = $1 and event_id = $2',
        [provider, event.eventId],
      )
    ).rows[0] as StoredEvent);
  const error = stored.error;
  if (error) deps.logger?.warn('payment event not applied', { provider, eventId: event.eventId, reason: error });
  // A fresh, applicable event gets its job; if sending fails the reconcile job applies the stored event later.
  if (stored.fresh && !error) {
    await deps.sendJob(QUEUE_NAMES.processPaymentEvent, { eventId: stored.id }).catch((cause: unknown) => {
      deps.logger?.error('payment event job not sent; reconcile will apply it', { eventId: stored.id, err: cause });
    });
  }
  return { id: stored.id, fresh: stored.fresh };
}
