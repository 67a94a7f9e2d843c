// Consumer `partner-webhooks`: each event about a partner's reader becomes one `webhooks.deliver` job
// for that partner (if it has a webhook URL and is active). The jobs are sent through the dispatcher's
// transaction, so they exist exactly when the cursor moved past their events.
import { jobSender } from '../jobs/send.ts';
import type { EventConsumer } from './types.ts';

export const WEBHOOKS_DELIVER_QUEUE = 'webhooks.deliver';

/**
 * What partners receive. An explicit list: a kind added for internal use reaches partners only once it is
 * added here (and documented in the README).
 */
export const WEBHOOK_EVENT_KINDS = [
  'user.registered',
  'reading.session_finished',
  'reading.book_finished',
  'review.created',
  'order.paid',
  'group.invited',
  'post.replied',
  'subscription.expiring',
  'badge.earned',
  'challenge.completed',
  'level.reached',
] as const;

/** Data of a `webhooks.deliver` job. */
export interface WebhookDeliveryJob {
  partnerId: string;
  eventId: string;
}

export const partnerWebhooksConsumer: EventConsumer = {
  name: 'partner-webhooks',
  kinds: WEBHOOK_EVENT_KINDS,
  async handle(events, tx) {
    const partnerIds = [...new Set(events.map((event) => event.partnerId).filter((id): id is string => !!id))];
    if (!partnerIds.length) return;
    const { rows } = await tx.query<{ id: string }>(
      `select p.id from private.partners p
        where p.id = any($1::uuid[]) and p.webhook_url is not null and p.status = 'active'`,
      [partnerIds],
    );
    const listening = new Set(rows.map((row) => row.id));
    const send = jobSender(tx);
    for (const event of events) {
      if (!event.partnerId || !listening.has(event.partnerId)) continue;
      const data: WebhookDeliveryJob = { partnerId: event.partnerId, eventId: event.id };
      await send(WEBHOOKS_DELIVER_QUEUE, data, { singletonKey: `${event.partnerId}:${event.id}` });
    }
  },
};
