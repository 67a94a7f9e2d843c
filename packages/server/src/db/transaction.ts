// The one transaction helper: begin, commit, rollback on error, and a connection whose rollback failed
// is never reused. Identity, admin, notes, routes and the migration runner all go through it.
import type { Queryable } from './pool.ts';

/** A client that holds one connection (what a transaction needs). */
export interface TransactionClient extends Queryable {
  release(error?: Error | boolean): void;
}

/** A database code can run transactions on: a `pg.Pool`, or one client (tests). */
export type Database = Queryable & { connect?(): Promise<TransactionClient> };

/**
 * Runs `fn` between `begin` and `commit` on this connection (a `pg.Client` or a checked-out pool
 * client); rolls back and rethrows when it fails. `onBroken` hears of a failed rollback: the
 * connection is then in an unknown state.
 */
export async function inTransaction<T>(
  client: Queryable,
  fn: (tx: Queryable) => Promise<T>,
  onBroken?: (rollbackError: Error) => void,
): Promise<T> {
  await client.query('begin');
  try {
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    try {
      await client.query('rollback');
    } catch (rollbackError) {
      onBroken?.(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
    }
    throw error;
  }
}

/** Runs `fn` in one transaction on a dedicated connection of `db` (see {@link inTransaction}). */
export async function withTransaction<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const client: Queryable & { release?(error?: Error | boolean): void } = db.connect ? await db.connect() : db;
  let broken: Error | undefined;
  try {
    return await inTransaction(client, fn, (error) => {
      broken = error;
    });
  } finally {
    // A connection whose rollback failed is broken: destroy it rather than return it to the pool.
    client.release?.(broken ?? false);
  }
}
