import PgBoss from 'pg-boss';
import type { Queryable } from '../db/pool.ts';
import { PGBOSS_SCHEMA } from './constants.ts';

/**
 * Sends a job to a queue; resolves to its id, or null when the queue does not exist yet (no worker ever
 * ran) or a singleton (`singletonKey`, a `stately` queue) is already queued.
 */
export type SendJob = (queue: string, data: object, options?: PgBoss.SendOptions) => Promise<string | null>;

/**
 * Sends jobs through `db` without starting pg-boss (no polling, no maintenance, no pool of its own): the API
 * enqueues on its existing connections, the worker consumes. pg-boss copies the queue's retry and expiry
 * options onto the job, so nothing is duplicated here. Given a transaction's client, the job commits with it.
 *
 * @example
 * ```ts
 * const send = jobSender(pool)
 * await send('payments.process-event', { eventId })
 * ```
 */
export function jobSender(db: Queryable): SendJob {
  const boss = new PgBoss({
    schema: PGBOSS_SCHEMA,
    db: { executeSql: (text: string, values: unknown[]) => db.query(text, values) },
  } as PgBoss.ConstructorOptions);
  return (queue, data, options) => boss.send(queue, data, options ?? {});
}
