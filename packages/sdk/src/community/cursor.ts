// Cursor pages over (created_at, id), newest or oldest first: the cursor is the last row's pair as
// base64url JSON, opaque to apps; the next page is the PostgREST `or` filter of the rows after it.
import { ValidationError } from '../core/errors';

export type CursorOrder = 'newest' | 'oldest';

export const encodeCursor = (createdAt: string, id: string): string =>
  btoa(JSON.stringify([createdAt, id]))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function decodeCursor(cursor: string): [string, string] {
  try {
    const values = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))) as unknown;
    if (
      Array.isArray(values) &&
      values.length === 2 &&
      values.every((v) => typeof v === 'string' && /^[0-9A-Za-z:.+\-T ]{1,40}$/.test(v))
    ) {
      return values as [string, string];
    }
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is invalid', { details: { field: 'cursor', message: 'cursor is invalid' } });
}

/** The `or` filter of the rows after `cursor` in `order`. */
export function afterCursor(cursor: string, order: CursorOrder): string {
  const [created, id] = decodeCursor(cursor);
  const op = order === 'newest' ? 'lt' : 'gt';
  return `created_at.${op}."${created}",and(created_at.eq."${created}",id.${op}.${id})`;
}

type Pageable = {
  order(column: string, options: { ascending: boolean }): Pageable;
  limit(count: number): Pageable;
  or(filter: string): Pageable;
};

/** Applies the cursor, the order and `limit + 1` (the extra row says whether there is a next page). */
export function pageQuery<Q>(query: Q, order: CursorOrder, limit: number, cursor?: string | null): Q {
  let q = query as unknown as Pageable;
  if (cursor) q = q.or(afterCursor(cursor, order));
  const ascending = order === 'oldest';
  return q
    .order('created_at', { ascending })
    .order('id', { ascending })
    .limit(limit + 1) as unknown as Q;
}

/** Splits `limit + 1` rows into the page and the next cursor. */
export function toCursorPage<R extends { created_at: string; id: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
): { data: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
