// Books as editors see and write them (docs/CONTRACT-publishing.md §3): the columns an editor sets, the
// ordered author and category lists, publishing. Every function takes the editor's transaction (see
// context.ts), so Row Level Security and the audit triggers see the editor.
import { ApiError } from '../app/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { notFound } from './context.ts';
import { likeLiteral, type Page, type PageRequest, pageOf } from './pagination.ts';

/** What an editor writes (camelCase → column). File columns (format, paths, size) belong to the upload pipeline. */
const WRITABLE = {
  title: 'title',
  subtitle: 'subtitle',
  description: 'description',
  isbn: 'isbn',
  language: 'language',
  publicationDate: 'publication_date',
  pageCount: 'page_count',
  price: 'price',
  currency: 'currency',
  isFree: 'is_free',
  isFeatured: 'is_featured',
  availableCountries: 'available_countries',
  publisherId: 'publisher_id',
  metadata: 'metadata',
} as const;

export type BookFields = { -readonly [K in keyof typeof WRITABLE]?: unknown };

export interface BookInput extends BookFields {
  authorIds?: string[] | undefined;
  categoryIds?: string[] | undefined;
}

export interface AdminBook {
  id: string;
  title: string;
  subtitle: string | null;
  description: string | null;
  isbn: string | null;
  language: string;
  publicationDate: string | null;
  pageCount: number | null;
  fileSize: number | null;
  format: 'epub' | 'pdf' | null;
  coverPath: string | null;
  filePath: string | null;
  price: number;
  currency: string;
  isFree: boolean;
  isFeatured: boolean;
  status: 'draft' | 'published';
  availableCountries: string[];
  publisherId: string | null;
  metadata: Record<string, unknown>;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  authorIds: string[];
  categoryIds: string[];
}

const SELECT = `
  select b.id, b.title, b.subtitle, b.description, b.isbn, b.language,
         to_char(b.publication_date, 'YYYY-MM-DD') as publication_date, b.page_count, b.file_size, b.format,
         b.cover_path, b.file_path, b.price, b.currency::text as currency, b.is_free, b.is_featured, b.status,
         b.available_countries, b.publisher_id, b.metadata, b.published_at, b.created_at, b.updated_at,
         array(select ba.author_id from public.book_authors ba where ba.book_id = b.id
               order by ba.position, ba.author_id) as author_ids,
         array(select bc.category_id from public.book_categories bc where bc.book_id = b.id
               order by bc.position, bc.category_id) as category_ids
  from public.books b`;

type BookRow = Record<string, unknown> & { id: string; created_at: Date };

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : (value as string | null));

function bookJson(row: BookRow): AdminBook {
  return {
    id: row.id,
    title: row.title as string,
    subtitle: row.subtitle as string | null,
    description: row.description as string | null,
    isbn: row.isbn as string | null,
    language: row.language as string,
    publicationDate: row.publication_date as string | null,
    pageCount: row.page_count as number | null,
    fileSize: row.file_size === null ? null : Number(row.file_size),
    format: row.format as AdminBook['format'],
    coverPath: row.cover_path as string | null,
    filePath: row.file_path as string | null,
    price: row.price as number,
    currency: row.currency as string,
    isFree: row.is_free as boolean,
    isFeatured: row.is_featured as boolean,
    status: row.status as AdminBook['status'],
    availableCountries: row.available_countries as string[],
    publisherId: row.publisher_id as string | null,
    metadata: row.metadata as Record<string, unknown>,
    publishedAt: iso(row.published_at),
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    authorIds: row.author_ids as string[],
    categoryIds: row.category_ids as string[],
  };
}

/** One book (drafts included), or 404. `lock` takes the row for update (publish checks then writes). */
export async function getBook(tx: Queryable, id: string, lock = false): Promise<AdminBook> {
  const { rows } = await tx.query(`${SELECT} where b.id = $1${lock ? ' for update of b' : ''}`, [id]);
  if (!rows[0]) throw notFound('Book', id);
  return bookJson(rows[0] as BookRow);
}

export interface BookFilter {
  status?: 'draft' | 'published' | undefined;
  /** Words of the title (accent- and case-insensitive substring). */
  q?: string | undefined;
  language?: string | undefined;
  publisherId?: string | undefined;
}

/** Books newest first, drafts included, a keyset page at a time. */
export async function listBooks(tx: Queryable, filter: BookFilter, page: PageRequest): Promise<Page<AdminBook>> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (filter.status) add((n) => `b.status = ${n}::public.book_status`, filter.status);
  if (filter.q) add((n) => `b.title_search like '%' || private.search_text(${n}) || '%'`, likeLiteral(filter.q));
  if (filter.language) add((n) => `b.language = ${n}`, filter.language);
  if (filter.publisherId) add((n) => `b.publisher_id = ${n}`, filter.publisherId);
  if (page.after) {
    values.push(page.after.createdAt, page.after.id);
    where.push(`(b.created_at, b.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(page.limit + 1);
  const { rows } = await tx.query(
    `${SELECT} ${where.length ? `where ${where.join(' and ')}` : ''}
     order by b.created_at desc, b.id desc limit $${values.length}`,
    values,
  );
  return pageOf(rows as BookRow[], page.limit, bookJson);
}

function assignments(input: BookFields, values: unknown[]): string[] {
  const sets: string[] = [];
  for (const [key, column] of Object.entries(WRITABLE)) {
    const value = input[key as keyof BookFields];
    if (value === undefined) continue;
    values.push(key === 'metadata' ? JSON.stringify(value) : value);
    sets.push(`${column} = $${values.length}`);
  }
  return sets;
}

/** Replaces a book's links with `ids`, in that order (position = index). */
async function setLinks(
  tx: Queryable,
  table: 'book_authors' | 'book_categories',
  column: 'author_id' | 'category_id',
  bookId: string,
  ids: string[],
): Promise<void> {
  // Delete the links no longer listed, upsert the rest: unchanged links write no audit row.
  await tx.query(`delete from public.${table} where book_id = $1 and not (${column} = any($2::uuid[]))`, [bookId, ids]);
  if (ids.length === 0) return;
  await tx.query(
    `insert into public.${table} (book_id, ${column}, position)
     select $1, id, ord - 1 from unnest($2::uuid[]) with ordinality as u (id, ord)
     on conflict (book_id, ${column}) do update set position = excluded.position
       where ${table}.position is distinct from excluded.position`,
    [bookId, ids],
  );
}

async function writeLinks(tx: Queryable, id: string, input: BookInput): Promise<void> {
  if (input.authorIds) await setLinks(tx, 'book_authors', 'author_id', id, input.authorIds);
  if (input.categoryIds) await setLinks(tx, 'book_categories', 'category_id', id, input.categoryIds);
}

/** Creates a draft. */
export async function createBook(tx: Queryable, input: BookInput): Promise<AdminBook> {
  const values: unknown[] = [];
  const sets = assignments(input, values);
  const columns = sets.map((set) => set.split(' = ')[0]);
  const { rows } = await tx.query(
    `insert into public.books (${columns.join(', ')}) values (${values.map((_, i) => `$${i + 1}`).join(', ')})
     returning id`,
    values,
  );
  const id = (rows[0] as { id: string }).id;
  await writeLinks(tx, id, input);
  return getBook(tx, id);
}

/** Changes the fields given (and replaces the author/category lists given). */
export async function updateBook(tx: Queryable, id: string, input: BookInput): Promise<AdminBook> {
  const values: unknown[] = [id];
  const sets = assignments(input, values);
  const { rows } = await tx.query(
    sets.length
      ? `update public.books set ${sets.join(', ')} where id = $1 returning id`
      : 'select 1 from public.books where id = $1 for update',
    values,
  );
  if (rows.length === 0) throw notFound('Book', id);
  await writeLinks(tx, id, input);
  return getBook(tx, id);
}

/** Deletes a book (its links go with it). */
export async function deleteBook(tx: Queryable, id: string): Promise<void> {
  const { rows } = await tx.query('delete from public.books where id = $1 returning id', [id]);
  if (rows.length === 0) throw notFound('Book', id);
}

/** Why a book cannot be published, or undefined when it can. */
export function publishRefusal(book: AdminBook): { reason: string; message: string } | undefined {
  if (!book.format || !book.filePath)
    return { reason: 'NO_FILE', message: 'The book has no readable file yet: upload an EPUB or a PDF first' };
  return undefined;
}

/** Publishes a draft (published_at is stamped on the first publication); publishing a published book changes nothing. */
export async function publishBook(tx: Queryable, id: string): Promise<AdminBook> {
  const book = await getBook(tx, id, true);
  const refusal = publishRefusal(book);
  if (refusal)
    throw new ApiError(422, 'VALIDATION_ERROR', refusal.message, { details: { reason: refusal.reason, bookId: id } });
  if (book.status === 'published') return book;
  await tx.query(`update public.books set status = 'published' where id = $1`, [id]);
  return getBook(tx, id);
}

/** Takes a book back to draft (readers stop seeing it; its published_at stays, the first publication). */
export async function unpublishBook(tx: Queryable, id: string): Promise<AdminBook> {
  const book = await getBook(tx, id, true);
  if (book.status === 'draft') return book;
  await tx.query(`update public.books set status = 'draft' where id = $1`, [id]);
  return getBook(tx, id);
}
