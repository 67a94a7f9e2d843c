// Data rules of the catalog, checked as an admin (who passes RLS, so only the constraints decide):
// each invalid row is rejected with its exact SQLSTATE and constraint name; valid ISBN-10 and
// ISBN-13 values are accepted, and the same ISBN cannot be entered twice in another spelling.
// Every SQL case runs in its own rolled-back transaction.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, clientAs, ensureTestUsers, ident, type Row, sqlError, sqlFor } from './helpers.js';

const asAdmin = <T>(fn: (db: PoolClient) => Promise<T>) => sqlFor('admin', fn);

function insert(db: PoolClient, table: string, row: Row) {
  const columns = Object.keys(row);
  return db.query(
    `insert into public.${ident(table)} (${columns.map(ident).join(', ')})
     values (${columns.map((_, i) => `$${i + 1}`).join(', ')}) returning *`,
    Object.values(row),
  );
}

const book = (overrides: Row = {}): Row => ({ title: 'Constraint test', language: 'fr', ...overrides });
const author = (overrides: Row = {}): Row => ({
  name: 'Constraint author',
  slug: `author-${randomUUID()}`,
  ...overrides,
});
const publisher = (overrides: Row = {}): Row => ({
  name: 'Constraint publisher',
  slug: `publisher-${randomUUID()}`,
  ...overrides,
});
const category = (overrides: Row = {}): Row => ({
  name: 'Constraint category',
  slug: `category-${randomUUID()}`,
  ...overrides,
});

const VALID_ISBNS = {
  isbn10: '0-306-40615-2',
  isbn10WithX: '0-8044-2957-X',
  isbn13: '978-3-16-148410-0',
  isbn13Prefix979: '979-10-90636-07-1',
  /** The ISBN-13 form of isbn10. */
  isbn10As13: '978-0-306-40615-7',
};

beforeAll(async () => {
  await ensureTestUsers();
});

// =============================================================================================
// Rejected values
// =============================================================================================
type Table = 'books' | 'authors' | 'publishers' | 'categories';

const CHECK = '23514';
const long = (n: number) => 'x'.repeat(n);
const BASE_ROW: Record<Table, () => Row> = {
  books: book,
  authors: author,
  publishers: publisher,
  categories: category,
};

/** [table, what is wrong, the offending columns (over a valid row), the check constraint that rejects it] */
const REJECTED: [Table, string, Row, string][] = [
  // ISBN
  ['books', 'an ISBN-13 with a bad checksum', { isbn: '978-3-16-148410-1' }, 'books_isbn_valid'],
  ['books', 'an ISBN-10 with a bad checksum', { isbn: '0-306-40615-3' }, 'books_isbn_valid'],
  ['books', 'an ISBN-13 outside 978/979', { isbn: '977-3-16-148410-3' }, 'books_isbn_valid'],
  ['books', 'an ISBN with letters', { isbn: 'ISBN 978-3-16-148410-0' }, 'books_isbn_valid'],
  ['books', 'an ISBN of the wrong length', { isbn: '978316148410' }, 'books_isbn_valid'],
  ['books', 'an ISBN longer than 17 characters', { isbn: '978 - 3 - 16 - 148410 - 0' }, 'books_isbn_valid'],
  // Price and currency
  ['books', 'is_free with a price', { is_free: true, price: 500 }, 'books_free_has_no_price'],
  ['books', 'a negative price', { price: -1 }, 'books_price_non_negative'],
  ['books', 'a lower-case currency', { currency: 'xof' }, 'books_currency_format'],
  ['books', 'a two-letter currency', { currency: 'EU' }, 'books_currency_format'],
  ['books', 'a currency with a digit', { currency: 'EU1' }, 'books_currency_format'],
  // Language and countries
  ['books', 'an upper-case language', { language: 'FR' }, 'books_language_format'],
  ['books', 'a language name', { language: 'french' }, 'books_language_format'],
  ['books', 'a lower-case region', { language: 'fr-sn' }, 'books_language_format'],
  ['books', 'an underscore locale', { language: 'fr_SN' }, 'books_language_format'],
  ['books', 'a lower-case country', { available_countries: ['SN', 'ci'] }, 'books_available_countries_format'],
  ['books', 'an alpha-3 country', { available_countries: ['SEN'] }, 'books_available_countries_format'],
  ['books', 'a null country', { available_countries: [null] }, 'books_available_countries_format'],
  // Other book columns
  ['books', 'a blank title', { title: '   ' }, 'books_title_length'],
  ['books', 'a 301-character title', { title: long(301) }, 'books_title_length'],
  ['books', 'a 301-character subtitle', { subtitle: long(301) }, 'books_subtitle_length'],
  ['books', 'a 20,001-character description', { description: long(20_001) }, 'books_description_length'],
  ['books', 'zero pages', { page_count: 0 }, 'books_page_count_positive'],
  ['books', 'an empty file', { file_size: 0 }, 'books_file_size_positive'],
  ['books', 'metadata that is not an object', { metadata: JSON.stringify([1, 2]) }, 'books_metadata_object'],
  ['books', 'a published book without a format', { status: 'published', format: null }, 'books_published_has_format'],
  // Authors, publishers, categories
  ['authors', 'a blank name', { name: ' ' }, 'authors_name_length'],
  ['authors', 'a 201-character name', { name: long(201) }, 'authors_name_length'],
  ['authors', 'a slug with spaces and capitals', { slug: 'Bad Slug' }, 'authors_slug_format'],
  ['authors', 'a slug with a leading hyphen', { slug: '-bad' }, 'authors_slug_format'],
  ['authors', 'a 10,001-character biography', { biography: long(10_001) }, 'authors_biography_length'],
  ['publishers', 'a website that is not http(s)', { website: 'ftp://example.com' }, 'publishers_website_format'],
  ['publishers', 'a website without a scheme', { website: 'example.com' }, 'publishers_website_format'],
  ['publishers', 'a slug with an accent', { slug: 'éditions' }, 'publishers_slug_format'],
  ['categories', 'a 101-character name', { name: long(101) }, 'categories_name_length'],
  ['categories', 'a slug with double hyphens', { slug: 'a--b' }, 'categories_slug_format'],
];

describe('invalid values are rejected by their constraint (SQL, as admin)', () => {
  const cases = REJECTED.map(([table, label, overrides, constraint]) => ({ table, label, overrides, constraint }));
  it.each(cases)('$table: $label → $constraint', async ({ table, overrides, constraint }) => {
    const error = await sqlError(asAdmin((db) => insert(db, table, { ...BASE_ROW[table](), ...overrides })));
    expect({ code: error.code, constraint: error.constraint }).toEqual({ code: CHECK, constraint });
  });

  it('a category cannot be its own parent (categories_not_own_parent)', async () => {
    const id = randomUUID();
    const error = await sqlError(asAdmin((db) => insert(db, 'categories', category({ id, parent_id: id }))));
    expect({ code: error.code, constraint: error.constraint }).toEqual({
      code: CHECK,
      constraint: 'categories_not_own_parent',
    });
  });

  it('a category cannot become its own ancestor (cycle trigger, 23514)', async () => {
    const error = await sqlError(
      asAdmin(async (db) => {
        const parent = (await insert(db, 'categories', category())).rows[0].id;
        const child = (await insert(db, 'categories', category({ parent_id: parent }))).rows[0].id;
        return db.query('update public.categories set parent_id = $1 where id = $2', [child, parent]);
      }),
    );
    expect(error.code).toBe(CHECK);
    expect(error.message).toBe('category cannot be its own ancestor');
  });

  it('a negative author position is rejected (book_authors_position_non_negative)', async () => {
    const error = await sqlError(
      asAdmin(async (db) => {
        const bookId = (await insert(db, 'books', book())).rows[0].id;
        const authorId = (await insert(db, 'authors', author())).rows[0].id;
        return insert(db, 'book_authors', { book_id: bookId, author_id: authorId, position: -1 });
      }),
    );
    expect({ code: error.code, constraint: error.constraint }).toEqual({
      code: CHECK,
      constraint: 'book_authors_position_non_negative',
    });
  });

  it('a duplicate author slug is rejected (authors_slug_key, 23505)', async () => {
    const error = await sqlError(
      asAdmin(async (db) => {
        await insert(db, 'authors', author({ slug: 'same-slug' }));
        return insert(db, 'authors', author({ slug: 'same-slug' }));
      }),
    );
    expect({ code: error.code, constraint: error.constraint }).toEqual({
      code: '23505',
      constraint: 'authors_slug_key',
    });
  });
});

// =============================================================================================
// ISBNs: valid forms and uniqueness across spellings
// =============================================================================================
describe('ISBNs', () => {
  it.each(Object.entries(VALID_ISBNS))('accepts a valid %s (%s)', async (_, isbn) => {
    const inserted = await asAdmin((db) => insert(db, 'books', book({ isbn })));
    expect(inserted.rows[0]).toMatchObject({ isbn });
  });

  it('accepts ISBN-10s and ISBN-13s without hyphens, and a lower-case x check digit', async () => {
    for (const isbn of ['0306406152', '9783161484100', '0-8044-2957-x', '978 3 16 148410 0']) {
      const inserted = await asAdmin((db) => insert(db, 'books', book({ isbn })));
      expect(inserted.rowCount, isbn).toBe(1);
    }
  });

  const DUPLICATES: { label: string; first: string; second: string }[] = [
    { label: 'the same ISBN-13 with and without hyphens', first: VALID_ISBNS.isbn13, second: '9783161484100' },
    { label: 'the same ISBN-13 with spaces', first: '9783161484100', second: '978 3 16 148410 0' },
    { label: 'an ISBN-10 and its ISBN-13 form', first: VALID_ISBNS.isbn10, second: VALID_ISBNS.isbn10As13 },
    { label: 'an ISBN-13 and its ISBN-10 form', first: VALID_ISBNS.isbn10As13, second: '0306406152' },
    { label: 'an ISBN-10 with X and x', first: '080442957X', second: '0-8044-2957-x' },
  ];

  it.each(DUPLICATES)('rejects $label (books_isbn13_key, 23505)', async ({ first, second }) => {
    const error = await sqlError(
      asAdmin(async (db) => {
        await insert(db, 'books', book({ isbn: first }));
        return insert(db, 'books', book({ isbn: second }));
      }),
    );
    expect({ code: error.code, constraint: error.constraint }).toEqual({
      code: '23505',
      constraint: 'books_isbn13_key',
    });
  });

  it('an ISBN already in the seed cannot be entered again with hyphens', async () => {
    const [seeded] = await adminQuery<{ isbn: string }>(
      `select isbn from public.books where isbn ~ '^[0-9]{13}$' order by isbn limit 1`,
    );
    const hyphenated = `${seeded!.isbn.slice(0, 3)}-${seeded!.isbn.slice(3, 4)}-${seeded!.isbn.slice(4, 12)}-${seeded!.isbn.slice(12)}`;
    const error = await sqlError(asAdmin((db) => insert(db, 'books', book({ isbn: hyphenated }))));
    expect({ code: error.code, constraint: error.constraint }).toEqual({
      code: '23505',
      constraint: 'books_isbn13_key',
    });
  });

  it('books without an ISBN do not collide', async () => {
    const count = await asAdmin(async (db) => {
      await insert(db, 'books', book({ isbn: null }));
      await insert(db, 'books', book({ isbn: null }));
      return (await db.query('select count(*)::int as n from public.books where isbn is null')).rows[0].n;
    });
    expect(count).toBeGreaterThanOrEqual(2);
  });
});

// =============================================================================================
// Through PostgREST: constraint errors keep their code and map to HTTP statuses
// =============================================================================================
describe('constraint errors through the API (as admin)', () => {
  it('a bad ISBN checksum is a 400 with code 23514', async () => {
    const client = await clientAs('admin');
    const { error, status } = await client.from('books').insert(book({ isbn: '978-3-16-148410-1' }));
    expect(status).toBe(400);
    expect(error).toMatchObject({
      code: '23514',
      message: 'new row for relation "books" violates check constraint "books_isbn_valid"',
    });
  });

  it('a duplicate ISBN in another spelling is a 409 with code 23505', async () => {
    const client = await clientAs('admin');
    const first = await client
      .from('books')
      .insert(book({ isbn: VALID_ISBNS.isbn13Prefix979 }))
      .select('id');
    expect(first.error).toBeNull();
    const { error, status } = await client.from('books').insert(book({ isbn: '9791090636071' }));
    expect(status).toBe(409);
    expect(error).toMatchObject({
      code: '23505',
      message: 'duplicate key value violates unique constraint "books_isbn13_key"',
    });
  });

  it('is_free with a price is a 400 with code 23514', async () => {
    const client = await clientAs('admin');
    const { error, status } = await client.from('books').insert(book({ is_free: true, price: 100 }));
    expect(status).toBe(400);
    expect(error).toMatchObject({
      code: '23514',
      message: 'new row for relation "books" violates check constraint "books_free_has_no_price"',
    });
  });
});
