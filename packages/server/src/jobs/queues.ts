// Every pg-boss queue Coko uses, with its retry, expiry and dead-letter options, and every cron
// schedule. The worker converges the database onto these declarations when it starts (creates
// missing queues, updates changed options, upserts the schedules and removes undeclared ones), so
// this file is the single source of truth. Handlers live in ./handlers (one file per queue).
import type PgBoss from 'pg-boss';

/** Queue options as pg-boss v10 stores them per queue (applied to every job sent to the queue). */
export interface QueueOptions {
  /**
   * `standard`: any number queued and active. `stately`: at most one job queued, one in retry and
   * one active — for periodic maintenance jobs, so a backlog of cron ticks never piles up and two
   * runs never overlap.
   */
  policy: PgBoss.QueuePolicy;
  /** Retries after the first attempt; when exhausted the job goes to `deadLetter`. */
  retryLimit: number;
  /** Seconds before the first retry; with `retryBackoff` it doubles each time (plus jitter). */
  retryDelay: number;
  retryBackoff: boolean;
  /**
   * How long one attempt may run. Past it the worker gives the attempt up and pg-boss's
   * maintenance moves an attempt whose worker died back to retry (this is how a crashed worker's
   * job is redelivered). Must exceed the handler's longest legitimate run.
   */
  expireInSeconds: number;
  /** Queue that receives the job (data and last error) once its retries are exhausted. */
  deadLetter?: string;
  /** How long a job waits in the queue before pg-boss drops it unprocessed (pg-boss default: 14 days). */
  retentionMinutes?: number;
}

export interface QueueDefinition {
  name: string;
  description: string;
  options: QueueOptions;
  /** Polling workers this process runs for the queue (default: the worker's `concurrency`). */
  concurrency?: number;
  /** How often an idle slot polls this queue (default: the worker's `pollingIntervalSeconds`; minimum 0.5 s). */
  pollingIntervalSeconds?: number;
}

export interface ScheduleDefinition {
  /** The queue the cron sends a job to (one schedule per queue). */
  queue: string;
  /** Five-field cron expression. */
  cron: string;
  /** IANA time zone the cron is read in. */
  tz: string;
  data?: Record<string, unknown>;
  description: string;
}

/** Jobs whose retries are exhausted land here. Nothing consumes it: inspect it in `pgboss.job`. */
export const DEAD_LETTER_QUEUE = 'coko.dead-letter';

export const QUEUE_NAMES = {
  deadLetter: DEAD_LETTER_QUEUE,
  anonymizeDueAccounts: 'accounts.anonymize-due',
  processBookUpload: 'books.process-upload',
  createAuditPartitions: 'audit.create-partitions',
  pruneJobRuns: 'jobs.prune-runs',
  processPaymentEvent: 'payments.process-event',
  reconcilePayments: 'payments.reconcile',
  renewSubscriptions: 'subscriptions.renew',
  refreshLeaderboards: 'engagement.refresh-leaderboards',
  dispatchEvents: 'events.dispatch',
  deliverWebhook: 'webhooks.deliver',
  deliverNotification: 'notifications.deliver',
} as const;

const MINUTE = 60;

/** Options for periodic, set-based maintenance jobs: one at a time, retried with backoff. */
const maintenance = (expireInSeconds: number): QueueOptions => ({
  policy: 'stately',
  retryLimit: 5,
  retryDelay: 30,
  retryBackoff: true,
  expireInSeconds,
  deadLetter: DEAD_LETTER_QUEUE,
});

export const QUEUES: readonly QueueDefinition[] = [
  {
    name: DEAD_LETTER_QUEUE,
    description:
      'Jobs of every queue whose retries are exhausted (data and last error as `output`). pg-boss keeps a dead letter twice as long as the source job (≈ 28 days by default), then archives it.',
    // Never consumed by the worker: dead letters wait for a human (Studio: pgboss.job where name = 'coko.dead-letter').
    options: { policy: 'standard', retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 15 * MINUTE },
  },
  {
    name: QUEUE_NAMES.anonymizeDueAccounts,
    description: 'Anonymises soft-deleted accounts whose retention period has ended (private.anonymize_due_accounts).',
    options: maintenance(15 * MINUTE),
    concurrency: 1,
  },
  {
    name: QUEUE_NAMES.processBookUpload,
    description:
      'Turns one complete upload (public.book_uploads) into a draft book: joins the stored chunks, reads the EPUB or PDF, finds or creates authors and publisher, stores the files and WebP covers. A bad file ends the upload failed with its reason; other failures are retried.',
    // Storage or the database may be briefly down: retried for ~30 minutes in all (20 s, 40 s … with jitter). A
    // 50 MiB EPUB with hundreds of files takes well under a minute; ten minutes leaves room on a small machine.
    options: {
      policy: 'standard',
      retryLimit: 6,
      retryDelay: 20,
      retryBackoff: true,
      expireInSeconds: 10 * MINUTE,
      deadLetter: DEAD_LETTER_QUEUE,
    },
    // Each run holds the file (≤ 50 MiB) and its exploded parts in memory: one at a time per worker process.
    concurrency: 1,
    // An editor waits for the draft: an idle slot polls every second.
    pollingIntervalSeconds: 1,
  },
  {
    name: QUEUE_NAMES.createAuditPartitions,
    description: 'Creates the monthly audit_logs partitions ahead of time (private.create_audit_partitions).',
    options: maintenance(5 * MINUTE),
    concurrency: 1,
  },
  {
    name: QUEUE_NAMES.pruneJobRuns,
    description: 'Deletes private.job_runs rows older than 30 days (long after any redelivery is possible).',
    options: maintenance(5 * MINUTE),
    concurrency: 1,
  },
  {
    name: QUEUE_NAMES.processPaymentEvent,
    description:
      'Applies one stored provider event (public.payment_events) to its order: paid, failed, expired or refunded, through the private.mark_order_* functions, exactly once (runOnce).',
    // Money waits on this queue: retried quickly at first (a database blip), for about an hour in all; past that,
    // payments.reconcile picks the event up again from payment_events.
    options: {
      policy: 'standard',
      retryLimit: 8,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: 2 * MINUTE,
      deadLetter: DEAD_LETTER_QUEUE,
    },
    // A reader waits on this queue for the right to read: an idle slot polls every 0.5 s rather than 2 s (four cheap
    // queries a second for two slots), so a paid order is entitled ~0.25 s after its webhook on average instead of ~1 s.
    pollingIntervalSeconds: 0.5,
  },
  {
    name: QUEUE_NAMES.reconcilePayments,
    description:
      'Asks providers about orders pending for more than 15 minutes, expires abandoned ones, re-applies stored events no job processed, prunes idempotency keys older than 24 h.',
    options: maintenance(10 * MINUTE),
    concurrency: 1,
  },
  {
    name: QUEUE_NAMES.renewSubscriptions,
    description:
      'Moves subscriptions whose period ended: past_due, canceled (cancel_at_period_end) or expired; their entitlements follow.',
    options: maintenance(10 * MINUTE),
    concurrency: 1,
  },
  {
    name: QUEUE_NAMES.refreshLeaderboards,
    description:
      'Recomputes the weekly and all-time leaderboards (global, per partner, per reading group) from reader_scores and writes the entries that changed (private.refresh_leaderboards).',
    // A few seconds at 100 000 readers; stately, so cron ticks never pile up behind a slow run.
    options: maintenance(5 * MINUTE),
    concurrency: 1,
  },
  {
    name: QUEUE_NAMES.dispatchEvents,
    description:
      'Offers each domain-event consumer (gamification, notifications, partner-webhooks) its next batch of private.domain_events, its work and its cursor move in one transaction (src/events/).',
    // Stately: one run at a time per queue, and at most one queued (the cron tick or the follow-up a run sends
    // when it had work). The cron retries a failing consumer every minute: no retries of its own.
    options: { policy: 'stately', retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 5 * MINUTE },
    concurrency: 1,
    // Readers wait on this queue for their points and notifications.
    pollingIntervalSeconds: 1,
  },
  {
    name: QUEUE_NAMES.deliverWebhook,
    description:
      "POSTs one domain event to one partner's webhook_url, signed (Coko-Signature). 2xx: done; 410: stopped; anything else retried with exponential backoff, then dead-lettered.",
    // 8 retries from 30 s, doubling: the last one about 2 h after the first attempt, so a partner's deploy or
    // short outage loses nothing. Short policy: one queued job per (partner, event).
    options: {
      policy: 'short',
      retryLimit: 8,
      retryDelay: 30,
      retryBackoff: true,
      expireInSeconds: 2 * MINUTE,
      deadLetter: DEAD_LETTER_QUEUE,
    },
  },
  {
    name: QUEUE_NAMES.deliverNotification,
    description:
      'Sends one notification on one channel (email, push, SMS) through its provider, once: private.notification_deliveries is the idempotency record (queued → sent | failed | skipped). Permanent provider errors fail the delivery without retrying; unregistered push tokens are pruned.',
    // Providers have outages of minutes to hours: 8 retries from 30 s doubling (≈ 2 h in all), then the dead letter
    // and the delivery marked failed. One attempt is one HTTP call per device; a minute is plenty.
    options: {
      policy: 'standard',
      retryLimit: 8,
      retryDelay: 30,
      retryBackoff: true,
      expireInSeconds: 1 * MINUTE,
      deadLetter: DEAD_LETTER_QUEUE,
    },
  },
];

export const SCHEDULES: readonly ScheduleDefinition[] = [
  {
    queue: QUEUE_NAMES.anonymizeDueAccounts,
    cron: '0 * * * *',
    tz: 'UTC',
    description: 'Hourly, on the hour.',
  },
  {
    queue: QUEUE_NAMES.createAuditPartitions,
    cron: '30 2 * * *',
    tz: 'UTC',
    data: { monthsAhead: 3 },
    description: 'Daily at 02:30 UTC; keeps three months of partitions ahead.',
  },
  {
    queue: QUEUE_NAMES.pruneJobRuns,
    cron: '45 2 * * *',
    tz: 'UTC',
    description: 'Daily at 02:45 UTC.',
  },
  {
    queue: QUEUE_NAMES.reconcilePayments,
    cron: '*/5 * * * *',
    tz: 'UTC',
    description: 'Every 5 minutes: a reader who paid waits at most that long when a notification is lost.',
  },
  {
    queue: QUEUE_NAMES.renewSubscriptions,
    cron: '10 * * * *',
    tz: 'UTC',
    description: 'Hourly, at 10 past.',
  },
  {
    queue: QUEUE_NAMES.refreshLeaderboards,
    cron: '*/5 * * * *',
    tz: 'UTC',
    description: 'Every 5 minutes: new points reach the boards within that time.',
  },
  {
    queue: QUEUE_NAMES.dispatchEvents,
    cron: '* * * * *',
    tz: 'UTC',
    description: 'Every minute (runs that had work also send the next one at once).',
  },
];
