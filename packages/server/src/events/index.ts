// Domain events (docs/CONTRACT-engagement.md §1): consumers, the dispatcher, partner webhooks.
export { registerBuiltInConsumers } from './consumers.ts';
export { deliverWebhook, type DeliveryOutcome, type WebhookDeliveryDeps, WebhookDeliveryError, type WebhookPayload } from './deliver-webhook.ts';
export { type ConsumerRun, dispatchConsumer, dispatchEvents, EVENT_BATCH_SIZE } from './dispatch.ts';
export { partnerWebhooksConsumer, WEBHOOK_EVENT_KINDS, WEBHOOKS_DELIVER_QUEUE, type WebhookDeliveryJob } from './partner-webhooks.ts';
export { eventConsumers, registerEventConsumer, unregisterEventConsumer } from './registry.ts';
export type { DomainEvent, EventConsumer } from './types.ts';
export { SIGNATURE_HEADER, signWebhook } from './webhook-signature.ts';
