// Every consumer of the domain events, registered explicitly where the worker builds its handlers
// (src/jobs/handlers/index.ts calls this). Add a consumer with one line here.
import { gamificationConsumer } from '../engagement/consumer.ts';
import { notificationsConsumer } from '../notifications/consumer.ts';
import { partnerWebhooksConsumer } from './partner-webhooks.ts';
import { registerEventConsumer } from './registry.ts';

export function registerBuiltInConsumers(): void {
  registerEventConsumer(gamificationConsumer);
  registerEventConsumer(partnerWebhooksConsumer);
  registerEventConsumer(notificationsConsumer);
}
