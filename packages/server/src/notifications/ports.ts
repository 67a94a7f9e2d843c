// The channel ports of docs/CONTRACT-engagement.md §4. The `channels` part owns the real adapters (SendGrid, SMTP,
// FCM, Twilio, Africa's Talking) in providers/notifications/; this file holds the shapes the delivery job codes
// against and the local adapters (private.dev_outbox) it uses until those land — when merging, these types are the
// same names and the local adapters can give way to providers/notifications' own.
import type { Queryable } from '../db/pool.ts';
import type { DeliveryChannel } from './kinds.ts';
import { queryRows } from './query.ts';

export interface OutgoingMessage {
  to: string;
  subject?: string;
  text: string;
  html?: string;
  data?: Record<string, string>;
  idempotencyKey: string;
  unsubscribeUrl?: string;
  from?: string;
}
export interface SendResult {
  providerMessageId: string | null;
}

/** The provider refused for good: retrying changes nothing. */
export class PermanentSendError extends Error {
  constructor(
    readonly reason: 'invalid_recipient' | 'unregistered' | 'rejected',
    message: string = reason,
  ) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

export interface MessageChannel {
  readonly name: string;
  send(message: OutgoingMessage): Promise<SendResult>;
}
export type NotificationChannels = Record<DeliveryChannel, MessageChannel | null>;

/** Local adapters: every message becomes a row of private.dev_outbox (once per idempotency key). */
export function localChannels(db: Queryable): NotificationChannels {
  const channel = (kind: DeliveryChannel): MessageChannel => ({
    name: 'local',
    async send(m) {
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
          kind,
          m.to,
          m.subject ?? null,
          m.text,
          m.html ?? null,
          m.data ?? {},
          m.unsubscribeUrl ?? null,
          m.idempotencyKey,
        ],
      );
      return { providerMessageId: rows[0] ? `local-${rows[0].id}` : null };
    },
  });
  return { email: channel('email'), push: channel('push'), sms: channel('sms') };
}
