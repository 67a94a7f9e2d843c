import { applyEvent, confirmedStatus, loadEvent } from '../../payments/apply-event.ts';
import { defaultPaymentProviders } from '../../payments/default-providers.ts';
import type { PaymentProviders } from '../../providers/payments/index.ts';
import type { JobHandler } from '../types.ts';

export interface PaymentJobDeps {
  /** Default: built from the worker's environment on first use. */
  providers?: () => PaymentProviders;
}

/**
 * `payments.process-event`: applies one stored provider event to its order (paid, failed, expired, refunded)
 * exactly once: the order's move, the event's `processed_at` and the job's completion commit together (runOnce),
 * and the SQL functions grant the entitlement and issue the receipt once per order whatever the delivery count.
 */
export function processPaymentEventHandler(deps: PaymentJobDeps = {}): JobHandler<{ eventId?: unknown }> {
  const providers = deps.providers ?? defaultPaymentProviders;
  return async (job, { db, log, runOnce }) => {
    const eventId = job.data?.eventId;
    if (typeof eventId !== 'string') throw new Error('payments.process-event needs data.eventId');
    const event = await loadEvent(db, eventId);
    if (!event) {
      log.warn('payment event not found', { eventId });
      return { outcome: 'no-event' };
    }
    if (event.processed_at) return { outcome: 'already-processed' };
    const status = await confirmedStatus(db, providers(), event);
    const result = await runOnce((client) => applyEvent(client, event, status));
    const outcome = result.ran ? result.result : 'already-processed';
    log.info('payment event applied', { eventId, orderId: event.order_id, status, outcome });
    return { outcome };
  };
}

export const processPaymentEvent = processPaymentEventHandler();
