import type { Queryable } from '../db/pool.ts';

/** A client that holds one connection (what a transaction needs). */
export interface TransactionClient extends Queryable {
  release(error?: Error | boolean): void;
}

/** A database the identity code can run transactions on: a `pg.Pool`, or one client (tests). */
export type Database = Queryable & { connect?(): Promise<TransactionClient> };

/** Runs `fn` in one transaction (commit on success, rollback on error) on a dedicated connection. */
export async function withTransaction<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const client: Queryable & { release?(error?: Error | boolean): void } = db.connect ? await db.connect() : db;
  let failed: Error | undefined;
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    try {
      await client.query('rollback');
    } catch (rollbackError) {
      failed = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    // A connection whose rollback failed is broken: destroy it rather than return it to the pool.
    client.release?.(failed ?? false);
  }
}

/** The SQLSTATE of a Postgres error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Rows of a query, typed. */
export async function rows<R>(db: Queryable, text: string, values: unknown[] = []): Promise<R[]> {
  return (await db.query(text, values)).rows as R[];
}
