// Reads a reader's annotations of one book AS THAT READER: role `authenticated` and the token's claims
// in a read-only transaction, so Row Level Security decides what is visible (the reader's own
// annotations; the book only if it is published, or if the reader is an admin).

import { asUser } from '../db/as-user.ts';
import type { Queryable } from '../db/pool.ts';
import { rows } from '../db/rows.ts';
import type { Database } from '../db/transaction.ts';
import type { NotesAnnotation, NotesExportData } from './model.ts';

export interface NotesReader {
  /** auth.users.id (the token's `sub`). */
  id: string;
  /** The verified token's claims (what PostgREST would put in `request.jwt.claims`). */
  claims: Record<string, unknown>;
}

export interface LoadedNotes extends NotesExportData {
  /** The reader's profile language (`fr`, `en`, `fr-SN`…), if they have a profile. */
  profileLanguage: string | null;
}

interface BookRow {
  id: string;
  title: string;
  subtitle: string | null;
  publisher: string | null;
  authors: string[] | null;
  profile_language: string | null;
}

interface AnnotationRow {
  id: string;
  kind: string;
  locator: unknown;
  selected_text: string | null;
  note: string | null;
  color: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Runs `fn` in a read-only transaction as the reader (`authenticated` + their claims), like PostgREST. */
export function asReader<T>(db: Database, reader: NotesReader, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return asUser(db, reader, fn, { readOnly: true });
}

const BOOK_SQL = `
select b.id, b.title, b.subtitle, p.name as publisher,
       array(select a.name
               from public.book_authors ba
               join public.authors a on a.id = ba.author_id
              where ba.book_id = b.id
              order by ba.position, a.name) as authors,
       (select pr.language from public.profiles pr where pr.id = (select auth.uid())) as profile_language
  from public.books b
  left join public.publishers p on p.id = b.publisher_id
 where b.id = $1`;

// Reading order: place in the whole book, then the position number, then creation. Every cast is guarded,
// so a locator missing a field sorts last instead of failing.
const ANNOTATIONS_SQL = `
select a.id, a.kind::text as kind, a.locator, a.selected_text, a.note, a.color, a.created_at, a.updated_at
  from public.annotations a
 where a.book_id = $1
   and a.user_id = (select auth.uid())
   and a.deleted_at is null
 order by case when jsonb_typeof(a.locator #> '{locations,totalProgression}') = 'number'
               then (a.locator #>> '{locations,totalProgression}')::numeric end nulls last,
          case when jsonb_typeof(a.locator #> '{locations,position}') = 'number'
               then (a.locator #>> '{locations,position}')::numeric end nulls last,
          case when jsonb_typeof(a.locator #> '{locations,progression}') = 'number'
               then (a.locator #>> '{locations,progression}')::numeric end nulls last,
          a.created_at, a.id`;

/**
 * The book's metadata and the reader's annotations of it (tombstones excluded, in reading order), or
 * undefined when the book does not exist or the reader may not see it.
 */
export async function loadNotes(db: Database, reader: NotesReader, bookId: string): Promise<LoadedNotes | undefined> {
  return asReader(db, reader, async (tx) => {
    const [book] = await rows<BookRow>(tx, BOOK_SQL, [bookId]);
    if (!book) return undefined;
    const annotations = await rows<AnnotationRow>(tx, ANNOTATIONS_SQL, [bookId]);
    return {
      book: {
        id: book.id,
        title: book.title,
        subtitle: book.subtitle,
        authors: book.authors ?? [],
        publisher: book.publisher,
      },
      annotations: annotations.map(
        (row): NotesAnnotation => ({
          id: row.id,
          kind: row.kind,
          locator: row.locator,
          selectedText: row.selected_text,
          note: row.note,
          color: row.color,
          createdAt: new Date(row.created_at),
          updatedAt: new Date(row.updated_at),
        }),
      ),
      profileLanguage: book.profile_language,
    };
  });
}
