import type { JobHandler } from '../types.ts';

/**
 * `engagement.refresh-leaderboards` (every 5 minutes): recomputes the weekly and all-time boards,
 * global, per partner and per reading group (private.refresh_leaderboards), writing only the entries
 * whose points or rank changed. Naturally idempotent: a second run with nothing new writes nothing.
 */
export const refreshLeaderboards: JobHandler = async (_job, { db, log }) => {
  const { rows } = await db.query<{ result: { entries: number; written: number; removed: number; weekStart: string } }>(
    'select private.refresh_leaderboards() as result',
  );
  const result = rows[0]!.result;
  if (result.written > 0 || result.removed > 0) log.info('leaderboards refreshed', result);
  return result;
};
