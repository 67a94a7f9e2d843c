// Notifications (issue 13 §2): the event consumer, the delivery job, templates, unsubscribe links, channel ports.
export {
  type DomainEvent,
  handleNotificationEvents,
  NOTIFYING_EVENT_KINDS,
  notificationsConsumer,
} from './consumer.ts';
export { deliverNotificationHandler } from './deliver.ts';
export { listDevOutbox } from './dev-outbox.ts';
export * from './kinds.ts';
export * from './ports.ts';
export { allowedDeliveryChannels, allows, parseNotificationPreferences } from './preferences.ts';
export { sendAfter } from './quiet-hours.ts';
export { unsubscribeSecret, unsubscribeTokens } from './unsubscribe-token.ts';
