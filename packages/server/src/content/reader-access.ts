import type { Queryable } from '../db/pool.ts';
import { rows } from '../db/rows.ts';
import type { BookFormat } from './layout.ts';

/** Why a reader may open a book (`private.can_read`). */
export type ReadRight = 'free' | 'purchase' | 'subscription';

/**
 * What the access route decides on, for one reader and one book: the outcome of each check in the
 * contract's order (published, country, right), and where the files are.
 */
export type ReaderAccess =
  | { outcome: 'not_found' }
  | { outcome: 'not_available'; country: string | null }
  | { outcome: 'not_entitled' }
  | {
      outcome: 'granted';
      right: ReadRight;
      format: BookFormat | null;
      /** `books.file_path` in the `books` bucket, null when no file was ever attached. */
      filePath: string | null;
      /** `books.cover_path`: the book's folder in the `covers` bucket. */
      coverPath: string | null;
    };

interface AccessRow {
  published: boolean;
  format: BookFormat | null;
  file_path: string | null;
  cover_path: string | null;
  country: string | null;
  available: boolean;
  right: ReadRight | null;
}

/**
 * Checks a reader's right to open a book in one round trip: the book is published, sold in the reader's
 * country (their profile's, else `fallbackCountry`; `private.book_available_in`) and readable by them (`private.can_read`: free,
 * bought or covered by a subscription). The server's pool runs the private functions; readers never can.
 */
export async function readerAccess(
  db: Queryable,
  userId: string,
  bookId: string,
  fallbackCountry: string | null = null,
): Promise<ReaderAccess> {
  // The reader's country as private.reader_country() reads it for PostgREST: the profile's, else the
  // token's app_metadata.country or the x-coko-country header (the caller passes the first it has).
  const [row] = await rows<AccessRow>(
    db,
    `select b.status = 'published' as published, b.format::text as format, b.file_path, b.cover_path,
            coalesce(p.country, $3) as country,
            private.book_available_in(b.id, coalesce(p.country, $3)) as available,
            private.can_read($2, b.id) as right
       from public.books b
       left join public.profiles p on p.id = $2
      where b.id = $1`,
    [bookId, userId, fallbackCountry],
  );
  if (!row?.published) return { outcome: 'not_found' };
  if (!row.available) return { outcome: 'not_available', country: row.country };
  if (!row.right) return { outcome: 'not_entitled' };
  return {
    outcome: 'granted',
    right: row.right,
    format: row.format,
    filePath: row.file_path,
    coverPath: row.cover_path,
  };
}
