// Keyset pages of the editors' lists: newest first by (created_at, id), so rows added between two pages
// neither repeat nor vanish. The cursor is opaque to clients (base64 of the last row's key).

export interface PageRequest {
  limit: number;
  after?: { createdAt: string; id: string } | undefined;
}

export interface Page<T> {
  data: T[];
  /** Cursor of the next page, or null on the last one. */
  nextCursor: string | null;
}

/** The cursor after `row`. */
export function encodeCursor(row: { created_at: Date; id: string }): string {
  return btoa(JSON.stringify([row.created_at.toISOString(), row.id])).replace(/=+$/, '');
}

/** The key a cursor names, or undefined when this API did not make it. */
export function decodeCursor(cursor: string): { createdAt: string; id: string } | undefined {
  try {
    const value: unknown = JSON.parse(atob(cursor));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [createdAt, id] = value;
    if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return undefined;
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}

/** A page from `limit + 1` rows (the extra one only says there is more). */
export function pageOf<R extends { created_at: Date; id: string }, T>(
  rows: R[],
  limit: number,
  toJson: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { data: shown.map(toJson), nextCursor: more && last ? encodeCursor(last) : null };
}

/** `value` as a literal inside a LIKE pattern (`%`, `_` and `\\` lose their meaning). */
export const likeLiteral = (value: string): string => value.replace(/[\\%_]/g, '\\$&');
