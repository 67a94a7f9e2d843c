// Every consumer of the domain events, registered explicitly where the worker builds its handlers
// (src/jobs/handlers/index.ts calls this). Add a consumer with one line here.
import type pg from 'pg';
import { gamificationConsumer } from '../engagement/consumer.ts';
import { handleNotificationEvents, NOTIFYING_EVENT_KINDS } from '../notifications/consumer.ts';
import { partnerWebhooksConsumer } from './partner-webhooks.ts';
import { registerEventConsumer } from './registry.ts';
import type { DomainEvent, EventConsumer } from './types.ts';

/**
 * badge.earned carries the badge's id and slug (the contract); the template names the badge
 * (`badgeName`), in the reader's language: looked up here so the reader reads « Premier livre », not
 * "first-book". Badge events are rare (a few per reader, ever): one lookup each.
 */
async function withBadgeName(event: DomainEvent, tx: pg.PoolClient): Promise<Record<string, unknown>> {
  if (event.kind !== 'badge.earned' || typeof event.payload.badgeId !== 'string' || !event.userId) return event.payload;
  const { rows } = await tx.query<{ name: string }>(
    `select case when p.language like 'en%' then b.name_en else b.name_fr end as name
       from public.badges b, public.profiles p where b.id = $1 and p.id = $2`,
    [event.payload.badgeId, event.userId],
  );
  return rows[0] ? { ...event.payload, badgeName: rows[0].name } : event.payload;
}

/**
 * The notifications consumer reads rows as stored (snake_case); the dispatcher hands out camelCase
 * events. One mapping here keeps both modules as their owners wrote them.
 */
const notifications: EventConsumer = {
  name: 'notifications',
  kinds: NOTIFYING_EVENT_KINDS,
  handle: async (events: DomainEvent[], tx) => {
    const rows = [];
    for (const e of events) {
      rows.push({
        id: e.id,
        kind: e.kind,
        user_id: e.userId,
        partner_id: e.partnerId,
        subject_id: e.subjectId,
        payload: await withBadgeName(e, tx),
        occurred_at: e.occurredAt,
      });
    }
    await handleNotificationEvents(rows, tx);
  },
};

/** The gamification consumer returns counts (for its tests); the dispatcher wants nothing back. */
const gamification: EventConsumer = {
  name: gamificationConsumer.name,
  kinds: gamificationConsumer.kinds,
  handle: async (events, tx) => {
    await gamificationConsumer.handle(events, tx);
  },
};

export function registerBuiltInConsumers(): void {
  registerEventConsumer(gamification);
  registerEventConsumer(notifications);
  registerEventConsumer(partnerWebhooksConsumer);
}
