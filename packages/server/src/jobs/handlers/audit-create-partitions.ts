import type { JobHandler } from '../types.ts';

export const DEFAULT_MONTHS_AHEAD = 3;
const MAX_MONTHS_AHEAD = 36;

/**
 * `audit.create-partitions` (daily): makes sure the monthly `audit_logs` partitions exist for the
 * current month and the coming ones. Naturally idempotent: the function creates only the
 * partitions that are missing (and returns how many it created).
 */
export const createAuditPartitions: JobHandler<{ monthsAhead?: unknown }> = async (job, { db, log }) => {
  const requested = job.data?.monthsAhead;
  const monthsAhead =
    typeof requested === 'number' && Number.isInteger(requested) && requested >= 0 && requested <= MAX_MONTHS_AHEAD
      ? requested
      : DEFAULT_MONTHS_AHEAD;
  const { rows } = await db.query<{ created: number | null }>(
    'select private.create_audit_partitions($1::int) as created',
    [monthsAhead],
  );
  const created = Number(rows[0]?.created ?? 0);
  if (created > 0) log.info('audit partitions created', { created, monthsAhead });
  return { monthsAhead, created };
};
