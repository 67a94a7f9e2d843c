import type { JobHandler } from '../types.ts';

/** Days a subscription stays past_due (entitlement lapsed, renewal welcome) before it expires. */
export const RENEWAL_GRACE_DAYS = 3;

/** Days before a period ends that its subscriber hears about it (`subscription.expiring`). */
export const EXPIRY_NOTICE_DAYS = 3;

/**
 * `subscriptions.renew` (hourly): subscriptions whose period ended move on (private.expire_subscriptions):
 * `cancel_at_period_end` → canceled, otherwise past_due, then expired after the grace period. Their entitlements
 * need no change: a plan entitlement ends with its period (`valid_until`), and paying a plan order renews.
 * Then active subscriptions ending within EXPIRY_NOTICE_DAYS get their `subscription.expiring` domain event
 * (private.emit_expiring_subscriptions; once per subscription and period, whatever the number of runs).
 * Naturally idempotent: set-based updates of what is due.
 */
export const renewSubscriptions: JobHandler = async (_job, { db, log }) => {
  const { rows } = await db.query<{ subscription_id: string; status: string }>(
    'select subscription_id, status::text as status from private.expire_subscriptions(now(), make_interval(days => $1))',
    [RENEWAL_GRACE_DAYS],
  );
  const moved: Record<string, number> = {};
  for (const row of rows) moved[row.status] = (moved[row.status] ?? 0) + 1;
  if (rows.length) log.info('subscriptions moved', moved);
  const { rows: notified } = await db.query<{ count: number }>(
    'select private.emit_expiring_subscriptions(now(), make_interval(days => $1)) as count',
    [EXPIRY_NOTICE_DAYS],
  );
  const expiring = notified[0]?.count ?? 0;
  if (expiring) log.info('subscriptions expiring soon', { expiring });
  return { moved, expiring };
};
