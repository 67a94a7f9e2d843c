// The draft book an upload makes: authors and publisher found by slug (or created), the book inserted
// as a draft — or, when the upload already made one (a rerun, an editor's reprocessing), that book
// updated. Runs in the caller's transaction, with the upload row locked, so one upload never makes two books.
import type { Queryable } from '../db/pool.ts';
import type { ExtractedBook } from './extract.ts';

export interface DraftSource {
  uploadId: string;
  sha256: string;
  /** The book this upload made before, if any (still existing or not). */
  bookId: string | null;
}

/** Postgres limits of `books` (catalog migration): longer values are cut rather than refused. */
const LIMITS = { title: 300, subtitle: 300, description: 20_000, name: 200 };
/** books.language is required; a file that does not say gets the catalogue's default. */
const DEFAULT_LANGUAGE = 'fr';

// An ISBN the database would refuse (bad checksum) is dropped rather than failing the whole upload.
const validIsbn = (param: string) => `case when private.isbn13(${param}::text) is not null then ${param}::text end`;

const cut = (value: string | null, max: number) => (value === null ? null : value.slice(0, max));

/** Creates or updates the draft; returns its id. Unique violations (a duplicate ISBN) propagate. */
export async function upsertDraft(tx: Queryable, book: ExtractedBook, source: DraftSource): Promise<string> {
  const publisherId = book.publisher ? await findOrCreate(tx, 'publishers', book.publisher) : null;
  const authorIds: string[] = [];
  for (const name of book.authors) {
    const id = await findOrCreate(tx, 'authors', name);
    if (id && !authorIds.includes(id)) authorIds.push(id);
  }
  const metadata = {
    drm: book.metadata.drm,
    quality: book.metadata.quality,
    warnings: book.metadata.warnings,
    toc: book.toc,
    source: {
      uploadId: source.uploadId,
      sha256: source.sha256,
      epubVersion: book.epubVersion,
      pageCountSource: book.pageCountSource,
    },
  };
  const values = [
    cut(book.title, LIMITS.title),
    cut(book.subtitle, LIMITS.subtitle),
    cut(book.description, LIMITS.description),
    book.language ?? DEFAULT_LANGUAGE,
    book.isbn,
    book.pageCount > 0 ? book.pageCount : null,
    book.publicationDate,
    publisherId,
    JSON.stringify(metadata),
  ];
  let bookId: string | undefined;
  if (source.bookId) {
    // The status is the editor's: a reprocessed book that was published stays published.
    const { rows } = await tx.query(
      `update public.books
          set title = $2, subtitle = $3, description = $4, language = $5, isbn = ${validIsbn('$6')}, page_count = $7,
              publication_date = $8::date, publisher_id = $9, metadata = metadata || $10::jsonb
        where id = $1
        returning id`,
      [source.bookId, ...values],
    );
    bookId = (rows[0] as { id: string } | undefined)?.id;
  }
  if (!bookId) {
    const { rows } = await tx.query(
      `insert into public.books
         (title, subtitle, description, language, isbn, page_count, publication_date, publisher_id, metadata, status)
       values ($1, $2, $3, $4, ${validIsbn('$5')}, $6, $7::date, $8, $9::jsonb, 'draft')
       returning id`,
      values,
    );
    bookId = (rows[0] as { id: string }).id;
  }
  await tx.query('delete from public.book_authors where book_id = $1', [bookId]);
  if (authorIds.length) {
    await tx.query(
      `insert into public.book_authors (book_id, author_id, position)
       select $1, a.id, a.position - 1 from unnest($2::uuid[]) with ordinality as a(id, position)`,
      [bookId, authorIds],
    );
  }
  return bookId;
}

/**
 * The author or publisher whose slug is `private.slugify(name)`, created when there is none (so "Ousmane
 * Sembène" and "OUSMANE SEMBENE" are one author). Null for a name with no letter or digit.
 */
async function findOrCreate(tx: Queryable, table: 'authors' | 'publishers', rawName: string): Promise<string | null> {
  const name = rawName.trim().slice(0, LIMITS.name);
  if (!name) return null;
  const { rows } = await tx.query(
    `with wanted as (select nullif(private.slugify($1), '') as slug),
          created as (
            insert into public.${table} (name, slug)
            select $1, w.slug from wanted w where w.slug is not null
            on conflict (slug) do nothing
            returning id)
     select id from created
     union all
     select t.id from public.${table} t join wanted w on t.slug = w.slug`,
    [name],
  );
  return (rows[0] as { id: string } | undefined)?.id ?? null;
}
