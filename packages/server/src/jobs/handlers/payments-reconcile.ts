import { withTransaction } from '../../db/transaction.ts';
import { IDEMPOTENCY_KEY_TTL_MS } from '../../middleware/idempotency-key.ts';
import {
  applyEvent,
  askProvider,
  confirmedStatus,
  loadEvent,
  moveOrder,
  type OrderToAsk,
} from '../../payments/apply-event.ts';
import { defaultPaymentProviders } from '../../payments/default-providers.ts';
import type { ProviderName } from '../../providers/payments/index.ts';
import type { JobHandler } from '../types.ts';
import type { PaymentJobDeps } from './payments-process-event.ts';

/** An order pending this long is asked about: notifications come late, or never (Orange Money never retries). */
export const RECONCILE_AFTER_MINUTES = 15;
/** An order pending this long was abandoned: it expires (money arriving later still marks it paid). */
export const EXPIRE_AFTER_HOURS = 24;
/** A stored event no job applied after this is applied here (its job was lost or exhausted). */
export const STRANDED_EVENT_MINUTES = 5;
/** Orders and events per run at most; the rest wait five minutes for the next run. */
export const RECONCILE_BATCH = 100;

/**
 * `payments.reconcile` (every 5 minutes): asks each provider about orders pending for more than 15 minutes and
 * moves them; expires orders pending for more than 24 hours or past `expires_at`; applies stored events that no
 * job applied; prunes idempotency keys older than 24 h. Naturally idempotent: every move goes through the SQL
 * functions, which refuse what was already done.
 */
export function reconcilePaymentsHandler(deps: PaymentJobDeps = {}): JobHandler {
  const providers = deps.providers ?? defaultPaymentProviders;
  return async (_job, { db, log, signal }) => {
    const counts = { asked: 0, moved: 0, expired: 0, events: 0, failures: 0, keysPruned: 0 };

    const pending = await db.query<OrderToAsk & { provider: ProviderName }>(
      `select o.id, o.provider::text as provider, o.provider_reference, o.amount, o.currency, s.secret
       from public.orders o left join private.order_secrets s on s.order_id = o.id
       where o.status = 'pending' and o.created_at < now() - make_interval(mins => $1)
       order by o.created_at limit $2`,
      [RECONCILE_AFTER_MINUTES, RECONCILE_BATCH],
    );
    for (const order of pending.rows) {
      if (signal.aborted) break;
      const adapter = providers().get(order.provider);
      if (!adapter) continue;
      try {
        counts.asked++;
        const answer = await askProvider(adapter, order);
        const outcome = await moveOrder(db, order.id, answer.status, new Date(), `${order.provider}: reconciled`);
        if (outcome !== 'unchanged') counts.moved++;
      } catch (error) {
        // One provider down must not hold back the others; the order is asked again next run.
        counts.failures++;
        log.warn('provider status check failed', { orderId: order.id, provider: order.provider, err: error });
      }
    }

    const expired = await db.query<{ id: string }>(
      'select id from private.expire_pending_orders(make_interval(hours => $1)) as id',
      [EXPIRE_AFTER_HOURS],
    );
    counts.expired = expired.rows.length;

    const stranded = await db.query<{ id: string }>(
      `select id from public.payment_events
       where processed_at is null and error is null and received_at < now() - make_interval(mins => $1)
       order by received_at limit $2`,
      [STRANDED_EVENT_MINUTES, RECONCILE_BATCH],
    );
    for (const { id } of stranded.rows) {
      if (signal.aborted) break;
      const event = await loadEvent(db, id);
      if (!event || event.processed_at) continue;
      try {
        const status = await confirmedStatus(db, providers(), event);
        await withTransaction(db, (tx) => applyEvent(tx, event, status));
        counts.events++;
      } catch (error) {
        counts.failures++;
        log.warn('stranded payment event not applied', { eventId: id, err: error });
      }
    }

    const pruned = await db.query<{ pruned: number }>(
      'select private.prune_idempotency_keys(make_interval(secs => $1)) as pruned',
      [IDEMPOTENCY_KEY_TTL_MS / 1000],
    );
    counts.keysPruned = pruned.rows[0]?.pruned ?? 0;
    if (counts.asked || counts.expired || counts.events || counts.keysPruned) log.info('payments reconciled', counts);
    return counts;
  };
}

export const reconcilePayments = reconcilePaymentsHandler();
