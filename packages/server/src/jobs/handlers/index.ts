import { QUEUE_NAMES } from '../queues.ts';
import type { JobHandlers } from '../types.ts';
import { anonymizeDueAccounts } from './accounts-anonymize-due.ts';
import { createAuditPartitions } from './audit-create-partitions.ts';
import { processBookUpload } from './books-process-upload.ts';
import { refreshLeaderboards } from './engagement-refresh-leaderboards.ts';
import { pruneJobRuns } from './jobs-prune-runs.ts';
import { processPaymentEvent } from './payments-process-event.ts';
import { reconcilePayments } from './payments-reconcile.ts';
import { renewSubscriptions } from './subscriptions-renew.ts';

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
};

export {
  anonymizeDueAccounts,
  createAuditPartitions,
  processBookUpload,
  processPaymentEvent,
  pruneJobRuns,
  reconcilePayments,
  refreshLeaderboards,
  renewSubscriptions,
};
