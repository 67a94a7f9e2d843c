import type pg from 'pg';
import type { RunOnceResult } from './types.ts';

export interface RunOnceOptions<T> {
  /**
   * Runs inside the transaction after `fn`, just before COMMIT (the worker uses it to mark the
   * pg-boss job completed in the same transaction). A throw rolls everything back.
   */
  beforeCommit?: (client: pg.PoolClient, result: T) => Promise<void>;
}

/**
 * Applies a job's effect at most once per job id, atomically with its record in `private.job_runs`:
 *
 * 1. BEGIN; insert the job id into `private.job_runs` (`on conflict do nothing`). A concurrent
 *    delivery of the same job blocks on that primary key until the first one commits or rolls back.
 * 2. No row inserted → an earlier delivery already committed the effect: ROLLBACK, `{ ran: false }`.
 * 3. Otherwise run `fn(client)` — every statement of the effect must use `client` — then COMMIT.
 *
 * A crash anywhere before COMMIT rolls back both the effect and the record, so the redelivered job
 * runs again; a crash after COMMIT leaves both, so the redelivered job is skipped.
 *
 * @example
 * ```ts
 * await runOnce(pool, job, (client) =>
 *   client.query('insert into public.points_ledger (user_id, points) values ($1, $2)', [userId, 10]))
 * ```
 */
export async function runOnce<T>(
  db: pg.Pool,
  job: { id: string; name: string },
  fn: (client: pg.PoolClient) => Promise<T>,
  options: RunOnceOptions<T> = {},
): Promise<RunOnceResult<T>> {
  const client = await db.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    try {
      const claimed = await client.query(
        'insert into private.job_runs (job_id, queue) values ($1, $2) on conflict (job_id) do nothing',
        [job.id, job.name],
      );
      if (!claimed.rowCount) {
        await client.query('rollback');
        return { ran: false };
      }
      const result = await fn(client);
      await client.query('update private.job_runs set finished_at = clock_timestamp() where job_id = $1', [job.id]);
      await options.beforeCommit?.(client, result);
      await client.query('commit');
      return { ran: true, result };
    } catch (error) {
      await client.query('rollback').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    }
  } finally {
    // A client whose rollback failed is in an unknown state: destroy it rather than reuse it.
    client.release(broken);
  }
}
