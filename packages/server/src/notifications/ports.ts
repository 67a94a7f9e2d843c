// What the delivery job needs of the channel adapters (providers/notifications, docs/CONTRACT-engagement.md §4),
// and the local outbox those adapters write to under `coko dev` and in tests: private.dev_outbox, listed by
// GET /functions/v1/api/dev/outbox.
import type { Queryable } from '../db/pool.ts';
import type { LocalOutbox } from '../providers/notifications/local.ts';
import { localEmail, localPush, localSms } from '../providers/notifications/local.ts';
import type { OutgoingMessage, SendResult } from '../providers/notifications/port.ts';
import type { DeliveryChannel } from './kinds.ts';
import { queryRows } from './query.ts';

export {
  isPermanentSendError,
  type OutgoingMessage,
  PermanentSendError,
  type SendResult,
} from '../providers/notifications/port.ts';

export interface MessageChannel {
  readonly name: string;
  send(message: OutgoingMessage): Promise<SendResult>;
}
/** The channels a delivery may use; null = off (its deliveries are skipped). `NotificationChannels` fits. */
export type DeliveryChannels = Record<DeliveryChannel, MessageChannel | null>;

/** A {@link LocalOutbox} in private.dev_outbox: the same (channel, key) written twice is one row. */
export function databaseOutbox(db: Queryable): LocalOutbox {
  return {
    async write(m) {
      const rows = await queryRows<{ id: string }>(
        db,
        `with inserted as (
           insert into private.dev_outbox (channel, recipient, subject, body, html, data, unsubscribe_url, idempotency_key)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (idempotency_key) do nothing
           returning id)
         select id::text from inserted
         union all select id::text from private.dev_outbox where idempotency_key = $8
         limit 1`,
        [
          m.channel,
          m.to,
          m.subject ?? null,
          m.text,
          m.html ?? null,
          m.data ?? {},
          m.unsubscribeUrl ?? null,
          `${m.channel}:${m.idempotencyKey}`,
        ],
      );
      return { id: `local-${rows[0]?.id ?? 'unknown'}` };
    },
  };
}

/** The local adapters on the database outbox (tests and tools that want no provider at all). */
export function localChannels(db: Queryable): DeliveryChannels {
  const outbox = databaseOutbox(db);
  return { email: localEmail(outbox), push: localPush(outbox), sms: localSms(outbox) };
}
