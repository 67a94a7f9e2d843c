// A text search's statement is planned once per connection (20261211110000_search_prepared_plans.sql,
// 20261211120000_prepared_statement_helper.sql): private.search_book_matches() runs it through
// private.execute_prepared(), a prepared statement named after its text. These tests
// check that a connection keeps one statement per shape (filters and order), not per call; that a
// connection past 16 statements, or reset by a pooler, answers exactly what a fresh one answers;
// and that through PostgREST (read-only transactions) the answers do not change between calls.
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, sqlAs } from './helpers.js';
import { searchBooks } from './search-helpers.js';

interface Search {
  query: string;
  sort?: string;
  page?: number;
  language?: string;
  is_free?: boolean;
  min_price?: number;
  max_price?: number;
  category?: string;
}

const SORTS = ['relevance', 'newest', 'title', 'price_asc', 'price_desc'];

/** Searches that cover every sort, both pages, each filter, a phrase, a negation and a typo. */
let searches: Search[] = [];

async function prepared(db: PoolClient): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from pg_catalog.pg_prepared_statements where name like 'coko\\_prepared\\_%'`,
  );
  return Number(rows[0]!.n);
}

/** search_books() on `db` as it is (one call per search, in order), each answer as text. */
async function answers(db: PoolClient, list: Search[]): Promise<string[]> {
  const out: string[] = [];
  for (const search of list) {
    const { rows } = await db.query<{ answer: string }>(
      `select public.search_books(
         query => $1, sort => coalesce($2, 'relevance'), page => coalesce($3, 1), language => $4,
         is_free => $5, min_price => $6, max_price => $7, category => $8
       )::text as answer`,
      [
        search.query,
        search.sort ?? null,
        search.page ?? null,
        search.language ?? null,
        search.is_free ?? null,
        search.min_price ?? null,
        search.max_price ?? null,
        search.category ?? null,
      ],
    );
    out.push(rows[0]!.answer);
  }
  return out;
}

/** Runs `fn` as anon on one pooled connection cleared of prepared statements, and clears it after. */
function asAnonOnFreshConnection<T>(fn: (db: PoolClient) => Promise<T>): Promise<T> {
  return sqlAs('anon', { role: 'anon' }, async (db) => {
    await db.query('deallocate all');
    try {
      return await fn(db);
    } finally {
      await db.query('deallocate all');
    }
  });
}

beforeAll(async () => {
  // Words of the seeded catalog's published titles, so every search below matches something.
  const words = await adminQuery<{ word: string }>(
    `select distinct w as word
     from private.book_search s, regexp_split_to_table(lower(private.unaccent(s.title)), '[^a-z]+') as w
     where length(w) >= 5
     order by 1 limit 3`,
  );
  expect(words.length).toBeGreaterThan(0);
  const [category] = await adminQuery<{ slug: string }>('select slug from public.categories order by slug limit 1');
  const [a, b = a, c = a] = words.map((row) => row.word);
  searches = [
    ...SORTS.flatMap((sort) => [
      { query: a!, sort },
      { query: a!, sort, page: 2 },
    ]),
    { query: `${a} ${b}` },
    { query: `"${b}"` },
    { query: `${c} -${a}` },
    { query: `${a!.slice(0, -1)}x` }, // a typo: corrected, then searched again
    { query: a!, language: 'fr' },
    { query: a!, is_free: true },
    { query: a!, min_price: 100, max_price: 100_000 },
    { query: a!, category: category!.slug, sort: 'newest' },
  ];
});

afterAll(async () => {
  await adminQuery('deallocate all');
});

describe('search: prepared statements per connection', () => {
  it('prepares one statement per shape (filters and order), not per call', async () => {
    await asAnonOnFreshConnection(async (db) => {
      const first = searches.filter((search) => !search.page && Object.keys(search).length <= 2);
      await answers(db, first);
      const shapes = await prepared(db);
      expect(shapes).toBeGreaterThanOrEqual(SORTS.length);
      await answers(db, first);
      expect(await prepared(db)).toBe(shapes);
    });
  });

  it('answers the same from a prepared statement as planned afresh (every sort, page and filter)', async () => {
    const fresh = await asAnonOnFreshConnection((db) => answers(db, searches));
    const again = await asAnonOnFreshConnection(async (db) => {
      await answers(db, searches); // prepares
      return answers(db, searches); // runs the prepared statements
    });
    expect(again).toEqual(fresh);
  });

  it('keeps at most 16 per connection and plans each search past that, with the same answers', async () => {
    const fresh = await asAnonOnFreshConnection((db) => answers(db, searches));
    const full = await asAnonOnFreshConnection(async (db) => {
      for (let i = 0; i < 16; i++) await db.query(`prepare coko_prepared_filler_${i} as select ${i}`);
      const list = await answers(db, searches);
      expect(await prepared(db)).toBe(16);
      return list;
    });
    expect(full).toEqual(fresh);
  });

  it('answers after a pooler resets the connection (DEALLOCATE ALL between calls)', async () => {
    await asAnonOnFreshConnection(async (db) => {
      const [before] = await answers(db, [searches[0]!]);
      await db.query('deallocate all');
      expect(await prepared(db)).toBe(0);
      const [after] = await answers(db, [searches[0]!]);
      expect(after).toBe(before);
      expect(await prepared(db)).toBe(1);
    });
  });

  it('answers the same through PostgREST (read-only transactions) call after call', async () => {
    const search = { query: searches[0]!.query, sort: 'relevance', page: 1, page_size: 20 };
    const first = await searchBooks(search);
    expect(first.total).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect(await searchBooks(search)).toEqual(first);
  });
});
