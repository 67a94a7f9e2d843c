// The `notifications` event consumer (docs/CONTRACT-engagement.md §3): each domain event of a notifying kind becomes
// one notification (the inbox row, rendered in the reader's language with their partner's name) and one delivery
// per channel the reader allows, each with its `notifications.deliver` job — all in the dispatcher's transaction,
// so the work and the consumer's cursor commit together. A replayed event finds its notification (event_id is
// unique) and does nothing; the jobs carry singleton keys, so a delivery is never queued twice.
import PgBoss from 'pg-boss';
import type { Queryable } from '../db/pool.ts';
import { PGBOSS_SCHEMA } from '../jobs/constants.ts';
import { QUEUE_NAMES } from '../jobs/queues.ts';
import { type DeliveryChannel, KIND_OF_EVENT, type NotificationKind } from './kinds.ts';
import { allowedDeliveryChannels, allows, parseNotificationPreferences } from './preferences.ts';
import { queryRows } from './query.ts';
import { INTRUSIVE_CHANNELS, sendAfter } from './quiet-hours.ts';
import { languageOf, renderText } from './templates/index.ts';

/** A row of private.domain_events as consumers receive it. */
export interface DomainEvent {
  id: number | string;
  kind: string;
  user_id: string | null;
  partner_id: string | null;
  subject_id: string;
  payload: Record<string, unknown>;
  occurred_at: Date | string;
}

/** Queues `notifications.deliver` for a delivery, not before `startAfter`, through the consumer's transaction. */
export type EnqueueDelivery = (tx: Queryable, deliveryId: string, startAfter: Date) => Promise<void>;

export const enqueueDeliveryJob: EnqueueDelivery = async (tx, deliveryId, startAfter) => {
  const boss = new PgBoss({
    schema: PGBOSS_SCHEMA,
    db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) },
  } as PgBoss.ConstructorOptions);
  await boss.send(
    QUEUE_NAMES.deliverNotification,
    { deliveryId },
    { startAfter, singletonKey: `delivery:${deliveryId}` },
  );
};

export interface NotificationsConsumerDeps {
  /** Wall clock for quiet hours (default `new Date()`). */
  now?: () => Date;
  enqueue?: EnqueueDelivery;
}

export const NOTIFYING_EVENT_KINDS = Object.keys(KIND_OF_EVENT);

interface Recipient {
  language: string;
  preferences: unknown;
  display_name: string | null;
  partner_name: string | null;
  email: string | null;
  phone: string | null;
  devices: number;
  deleted: boolean;
}

async function recipientOf(tx: Queryable, userId: string): Promise<Recipient | undefined> {
  const rows = await queryRows<Recipient>(
    tx,
    `select p.language, p.preferences, p.display_name, pa.name as partner_name,
            nullif(u.email, '') as email, nullif(u.phone, '') as phone,
            (select count(*)::int from public.push_devices d where d.user_id = p.id) as devices,
            p.deleted_at is not null as deleted
       from public.profiles p
       join auth.users u on u.id = p.id
       left join private.partners pa on pa.id = p.partner_id
      where p.id = $1`,
    [userId],
  );
  return rows[0];
}

/** What the app links to, from the event's payload (ids only: the text is in title and body). */
function dataOf(event: DomainEvent): Record<string, unknown> {
  return { ...event.payload, eventKind: event.kind, subjectId: event.subject_id };
}

/**
 * Handles a batch of events (any kinds: others are ignored). Returns how many notifications it created.
 *
 * @example
 * ```ts
 * registerEventConsumer({ name: 'notifications', kinds: NOTIFYING_EVENT_KINDS, handle: (events, tx) => handleNotificationEvents(events, tx) })
 * ```
 */
export async function handleNotificationEvents(
  events: readonly DomainEvent[],
  tx: Queryable,
  deps: NotificationsConsumerDeps = {},
): Promise<number> {
  const now = deps.now ?? (() => new Date());
  const enqueue = deps.enqueue ?? enqueueDeliveryJob;
  let created = 0;
  for (const event of events) {
    const kind: NotificationKind | undefined = KIND_OF_EVENT[event.kind];
    if (!kind || !event.user_id) continue;
    const reader = await recipientOf(tx, event.user_id);
    if (!reader || reader.deleted) continue;
    const prefs = parseNotificationPreferences(reader.preferences);
    const language = languageOf(reader.language);
    const text = renderText(kind, language, {
      partnerName: reader.partner_name ?? 'Coko',
      displayName: reader.display_name,
      data: event.payload,
    });
    const rows = await queryRows<{ id: string }>(
      tx,
      `insert into public.notifications (user_id, kind, title, body, data, event_id, in_app)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (event_id) do nothing
       returning id`,
      [event.user_id, kind, text.title, text.body, dataOf(event), event.id, allows(prefs, kind, 'inApp')],
    );
    const notificationId = rows[0]?.id;
    if (!notificationId) continue; // this event was already handled
    created += 1;
    const reachable: Record<DeliveryChannel, boolean> = {
      email: reader.email !== null,
      push: reader.devices > 0,
      sms: reader.phone !== null,
    };
    const at = now();
    for (const channel of allowedDeliveryChannels(prefs, kind)) {
      if (!reachable[channel]) continue;
      const after = INTRUSIVE_CHANNELS.has(channel) ? sendAfter(at, prefs.quietHours, prefs.timeZone) : at;
      const delivery = await queryRows<{ id: string }>(
        tx,
        `insert into private.notification_deliveries (notification_id, channel, send_after)
         values ($1, $2, $3) returning id::text`,
        [notificationId, channel, after],
      );
      await enqueue(tx, delivery[0]!.id, after);
    }
  }
  return created;
}

/** The consumer as `registerEventConsumer` (packages/server/src/events/) takes it. */
export const notificationsConsumer = {
  name: 'notifications',
  kinds: NOTIFYING_EVENT_KINDS,
  handle: (events: readonly DomainEvent[], tx: Queryable) => handleNotificationEvents(events, tx),
};
