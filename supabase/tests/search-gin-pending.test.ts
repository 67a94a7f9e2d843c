// The GIN indexes a reader's request scans take writes directly (20261211140000_search_indexes_without_pending_list.sql):
// a pending list would make every search read it whole until a vacuum folds it in (7× slower rare
// searches after editors changed 4.5 % of the bench catalog). An edit of every kind these indexes cover
// leaves nothing pending; `gin_clean_pending_list` answers how many pending pages it folded in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from './helpers.js';
import { searchBooks } from './search-helpers.js';

const ID = {
  book: '33000000-0000-4000-8000-000000000001',
  author: '33000000-0000-4000-8000-000000000011',
  category: '33000000-0000-4000-8000-000000000021',
} as const;

const READ_PATH_INDEXES = [
  'private.book_search_search_vector_idx',
  'private.book_search_title_trgm_idx',
  'private.search_words_word_trgm_idx',
  'public.books_facet_category_ids_idx',
  'public.authors_name_trgm_idx',
];

/** Pending pages of each index, folded in by the call (0 when writes went straight into the index). */
async function pendingPages(): Promise<Record<string, number>> {
  const rows = await adminQuery<{ index: string; pages: string }>(
    `select i as index, pg_catalog.gin_clean_pending_list(i::regclass)::text as pages from unnest($1::text[]) as i`,
    [READ_PATH_INDEXES],
  );
  return Object.fromEntries(rows.map((row) => [row.index, Number(row.pages)]));
}

/** GIN indexes that keep a pending list: no request reads them (search moved to private.book_search). */
const WRITE_BATCHED_INDEXES = ['public.books_search_vector_idx', 'public.books_title_trgm_idx'];

const nothingPending = Object.fromEntries(READ_PATH_INDEXES.map((index) => [index, 0]));

beforeAll(async () => {
  await adminQuery(
    `insert into public.authors (id, name, slug) values ($1, 'Yembrova Quiltane', 'yembrova-quiltane')`,
    [ID.author],
  );
  await adminQuery(`insert into public.categories (id, name, slug) values ($1, 'Index direct', 'index-direct')`, [
    ID.category,
  ]);
});

afterAll(async () => {
  await adminQuery('delete from public.books where id = $1', [ID.book]);
  await adminQuery('delete from public.authors where id = $1', [ID.author]);
  await adminQuery('delete from public.categories where id = $1', [ID.category]);
});

describe('GIN indexes on the read path have no pending list', () => {
  it('are set so (fastupdate = off)', async () => {
    const rows = await adminQuery<{ index: string; options: string[] | null }>(
      `select i as index, c.reloptions as options from unnest($1::text[]) as i join pg_class c on c.oid = i::regclass`,
      [READ_PATH_INDEXES],
    );
    expect(rows).toHaveLength(READ_PATH_INDEXES.length);
    for (const row of rows) expect(row.options, row.index).toContain('fastupdate=off');
  });

  it('every other GIN index of the schema is listed as off the read path (a new one must choose)', async () => {
    const rows = await adminQuery<{ index: string }>(
      `select format('%I.%I', n.nspname, c.relname) as index
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_am am on am.oid = c.relam
       where am.amname = 'gin' and c.relkind = 'i' and n.nspname in ('public', 'private')
         and not coalesce(c.reloptions @> array['fastupdate=off'], false)
       order by 1`,
    );
    expect(rows.map((row) => row.index)).toEqual([...WRITE_BATCHED_INDEXES].sort());
  });

  it('a book published, edited, linked to an author and a category leaves nothing pending, and is found', async () => {
    await pendingPages();
    await adminQuery(
      `insert into public.books (id, title, description, language, status, format, published_at, price)
       values ($1, 'Les tisserands de Vorgalinde', 'Une chronique.', 'fr', 'published', 'epub', now(), 1500)`,
      [ID.book],
    );
    await adminQuery(
      `update public.books set description = 'Une chronique des teinturiers de Kessoubra.' where id = $1`,
      [ID.book],
    );
    await adminQuery(`insert into public.book_authors (book_id, author_id, position) values ($1, $2, 0)`, [
      ID.book,
      ID.author,
    ]);
    await adminQuery(`insert into public.book_categories (book_id, category_id) values ($1, $2)`, [
      ID.book,
      ID.category,
    ]);
    await adminQuery(`update public.authors set name = 'Yembrova Quiltane-Sar' where id = $1`, [ID.author]);
    expect(await pendingPages()).toEqual(nothingPending);

    for (const query of ['Vorgalinde', 'Kessoubra', 'Quiltane', 'Vorgalinda']) {
      const answer = await searchBooks({ query });
      expect(
        answer.items.map((item) => item.id),
        query,
      ).toContain(ID.book);
    }
    const byCategory = await searchBooks({ category: 'index-direct' });
    expect(byCategory.items.map((item) => item.id)).toEqual([ID.book]);
  });
});
