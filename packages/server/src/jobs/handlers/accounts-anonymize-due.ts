import type { JobHandler } from '../types.ts';

/** Accounts per call of private.anonymize_due_accounts (its own default). */
export const ANONYMIZE_BATCH = 1000;
/** Batches per job at most; whatever is left waits for the next hourly run. */
export const ANONYMIZE_MAX_BATCHES = 50;

/**
 * `accounts.anonymize-due` (hourly): anonymises every soft-deleted account whose retention period
 * has ended, in batches (each call is its own short transaction). Naturally idempotent: the function
 * is set-based (accounts due and not yet anonymised, rows locked by a concurrent run skipped), so a
 * redelivery finds nothing left to do.
 */
export const anonymizeDueAccounts: JobHandler = async (_job, { db, log, signal }) => {
  let anonymized = 0;
  let batches = 0;
  for (;;) {
    const { rows } = await db.query<{ anonymized: number | null }>(
      'select private.anonymize_due_accounts(now(), $1::int) as anonymized',
      [ANONYMIZE_BATCH],
    );
    const count = Number(rows[0]?.anonymized ?? 0);
    anonymized += count;
    batches += 1;
    if (count < ANONYMIZE_BATCH || batches >= ANONYMIZE_MAX_BATCHES || signal.aborted) break;
  }
  if (anonymized > 0) log.info('accounts anonymized', { anonymized, batches });
  return { anonymized };
};
