import type { JobHandler } from '../types.ts';

/** How long a `private.job_runs` row is kept: far beyond any redelivery (pg-boss retains a job ≤ 14 days). */
export const JOB_RUNS_RETENTION_DAYS = 30;

/** `jobs.prune-runs` (daily): deletes old ledger rows. Naturally idempotent (a set-based delete). */
export const pruneJobRuns: JobHandler = async (_job, { db, log }) => {
  const { rowCount } = await db.query(
    'delete from private.job_runs where finished_at < now() - make_interval(days => $1)',
    [JOB_RUNS_RETENTION_DAYS],
  );
  if (rowCount) log.info('job runs pruned', { deleted: rowCount });
  return { deleted: rowCount ?? 0 };
};
