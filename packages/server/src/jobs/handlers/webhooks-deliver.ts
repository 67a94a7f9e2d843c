import { z } from 'zod';
import { deliverWebhook, type WebhookDeliveryDeps } from '../../events/deliver-webhook.ts';
import type { JobHandler } from '../types.ts';

const jobData = z.object({ partnerId: z.uuid(), eventId: z.string().regex(/^[1-9][0-9]{0,18}$/) });

/**
 * `webhooks.deliver`: POSTs one domain event to one partner, signed (src/events/deliver-webhook.ts).
 * Throws on anything but 2xx and 410, so pg-boss retries with exponential backoff and dead-letters the
 * job after the last attempt. At-least-once by nature (an answer can be lost after the partner got the
 * request): partners drop duplicates by the event id.
 */
export function deliverWebhookHandler(deps: WebhookDeliveryDeps = {}): JobHandler<unknown> {
  return async (job, { db, log }) => {
    const parsed = jobData.safeParse(job.data);
    if (!parsed.success) {
      // Nothing a retry could fix.
      log.error('webhooks.deliver job with bad data, dropped', { data: job.data });
      return { outcome: 'invalid' };
    }
    const result = await deliverWebhook(db, parsed.data, deps);
    if (result.outcome === 'gone') log.warn('partner webhook answered 410 Gone: delivery stopped', parsed.data);
    return result;
  };
}

export const deliverWebhookJob = deliverWebhookHandler();
