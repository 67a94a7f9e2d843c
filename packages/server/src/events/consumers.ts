// Every consumer of the domain events, registered explicitly where the worker builds its handlers
// (src/jobs/handlers/index.ts calls this). Add a consumer with one line here.
import { gamificationConsumer } from '../engagement/consumer.ts';
import { handleNotificationEvents, NOTIFYING_EVENT_KINDS } from '../notifications/consumer.ts';
import { partnerWebhooksConsumer } from './partner-webhooks.ts';
import { registerEventConsumer } from './registry.ts';
import type { DomainEvent, EventConsumer } from './types.ts';

/**
 * The notifications consumer reads rows as stored (snake_case); the dispatcher hands out camelCase
 * events. One mapping here keeps both modules as their owners wrote them.
 */
const notifications: EventConsumer = {
  name: 'notifications',
  kinds: NOTIFYING_EVENT_KINDS,
  handle: async (events: DomainEvent[], tx) => {
    await handleNotificationEvents(
      events.map((e) => ({
        id: e.id,
        kind: e.kind,
        user_id: e.userId,
        partner_id: e.partnerId,
        subject_id: e.subjectId,
        payload: e.payload,
        occurred_at: e.occurredAt,
      })),
      tx,
    );
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
