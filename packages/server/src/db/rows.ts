import type { Queryable } from './pool.ts';

/** The SQLSTATE of a Postgres error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Rows of a query, typed. */
export async function rows<R>(db: Queryable, text: string, values: unknown[] = []): Promise<R[]> {
  return (await db.query(text, values)).rows as R[];
}
