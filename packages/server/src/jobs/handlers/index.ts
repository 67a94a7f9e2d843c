import { registerBuiltInConsumers } from '../../events/consumers.ts';
import { QUEUE_NAMES } from '../queues.ts';
import type { JobHandlers } from '../types.ts';
import { anonymizeDueAccounts } from './accounts-anonymize-due.ts';
import { createAuditPartitions } from './audit-create-partitions.ts';
import { processBookUpload } from './books-process-upload.ts';
import { refreshLeaderboards } from './engagement-refresh-leaderboards.ts';
import { dispatchEventsJob } from './events-dispatch.ts';
import { pruneJobRuns } from './jobs-prune-runs.ts';
import { deliverNotification } from './notifications-deliver.ts';
import { processPaymentEvent } from './payments-process-event.ts';
import { reconcilePayments } from './payments-reconcile.ts';
import { renewSubscriptions } from './subscriptions-renew.ts';
import { deliverWebhookJob } from './webhooks-deliver.ts';

// The domain-event consumers events.dispatch serves, registered here explicitly (src/events/consumers.ts).
registerBuiltInConsumers();

/** The handler of each queue in QUEUES (the dead-letter queue has none: it waits for a human). */
export const HANDLERS: JobHandlers = {
  [QUEUE_NAMES.anonymizeDueAccounts]: anonymizeDueAccounts,
  [QUEUE_NAMES.processBookUpload]: processBookUpload,
  [QUEUE_NAMES.createAuditPartitions]: createAuditPartitions,
  [QUEUE_NAMES.pruneJobRuns]: pruneJobRuns,
  [QUEUE_NAMES.processPaymentEvent]: processPaymentEvent,
  [QUEUE_NAMES.reconcilePayments]: reconcilePayments,
  [QUEUE_NAMES.renewSubscriptions]: renewSubscriptions,
  [QUEUE_NAMES.refreshLeaderboards]: refreshLeaderboards,
  [QUEUE_NAMES.dispatchEvents]: dispatchEventsJob,
  [QUEUE_NAMES.deliverWebhook]: deliverWebhookJob,
  [QUEUE_NAMES.deliverNotification]: deliverNotification,
};

export {
  anonymizeDueAccounts,
  createAuditPartitions,
  deliverNotification,
  deliverWebhookJob,
  dispatchEventsJob,
  processBookUpload,
  processPaymentEvent,
  pruneJobRuns,
  reconcilePayments,
  refreshLeaderboards,
  renewSubscriptions,
};
