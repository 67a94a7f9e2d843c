import type { Queryable } from '../db/pool.ts';

/** `db.query` with the rows' type (Queryable returns unknown rows). */
export async function queryRows<T>(db: Queryable, text: string, values: unknown[] = []): Promise<T[]> {
  return (await db.query(text, values)).rows as T[];
}
