// Every consumer of the domain events, registered explicitly where the worker builds its handlers
// (src/jobs/handlers/index.ts calls this). Add a consumer with one line here.
import type pg from 'pg';
import { gamificationConsumer } from '../engagement/consumer.ts';
import { notificationsConsumer } from '../notifications/consumer.ts';
import { partnerWebhooksConsumer } from './partner-webhooks.ts';
import { registerEventConsumer } from './registry.ts';
import type { DomainEvent, EventConsumer } from './types.ts';

/**
 * badge.earned carries the badge's id and slug (the contract); the template names the badge
 * (`badgeName`), in the reader's language: looked up here so the reader reads « Premier livre », not
 * "first-book". Badge events are rare (a few per reader, ever): one lookup each.
 */
async function withBadgeName(event: DomainEvent, tx: pg.PoolClient): Promise<DomainEvent> {
  if (event.kind !== 'badge.earned' || typeof event.payload.badgeId !== 'string' || !event.userId) return event;
  const { rows } = await tx.query<{ name: string }>(
    `select case when p.language like 'en%' then b.name_en else b.name_fr end as name
       from public.badges b, public.profiles p where b.id = $1 and p.id = $2`,
    [event.payload.badgeId, event.userId],
  );
  return rows[0] ? { ...event, payload: { ...event.payload, badgeName: rows[0].name } } : event;
}

/** The notifications consumer, fed badge names. */
const notifications: EventConsumer = {
  ...notificationsConsumer,
  handle: async (events, tx) => {
    const named: DomainEvent[] = [];
    for (const event of events) named.push(await withBadgeName(event, tx));
    await notificationsConsumer.handle(named, tx);
  },
};

export function registerBuiltInConsumers(): void {
  registerEventConsumer(gamificationConsumer);
  registerEventConsumer(partnerWebhooksConsumer);
  registerEventConsumer(notifications);
}
