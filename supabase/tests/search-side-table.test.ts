// The search side-table (20261209100000_search_speed.sql): private.book_search holds one narrow row
// per published book, copied from public.books by statement triggers. These tests change a book
// every way the catalog can (its own columns, its authors, its categories, publication, ratings,
// deletion) and check after each change that the side-table is exactly the published books'
// projection, and that search_books() finds what the change implies.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, ensureTestUsers, USERS } from './helpers.js';
import { sortedIds as ids, searchBooks as search } from './search-helpers.js';

const ID = {
  book: '32000000-0000-4000-8000-000000000001',
  other: '32000000-0000-4000-8000-000000000002',
  author: '32000000-0000-4000-8000-000000000011',
  coauthor: '32000000-0000-4000-8000-000000000012',
  parent: '32000000-0000-4000-8000-000000000021',
  child: '32000000-0000-4000-8000-000000000022',
} as const;
const COLUMNS =
  'id, search_vector, title_search, title, language, price, is_free, is_featured, published_at, facet_category_ids, country_restriction';

/** Rows that differ between the side-table and the published books (either way): none when in sync. */
async function drift(): Promise<unknown[]> {
  return adminQuery(
    `(select ${COLUMNS} from public.books where is_published
      except select ${COLUMNS} from private.book_search)
     union all
     (select ${COLUMNS} from private.book_search
      except select ${COLUMNS} from public.books where is_published)`,
  );
}

async function sideRow(id: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await adminQuery(`select ${COLUMNS}, xmin::text as xmin from private.book_search where id = $1`, [id]);
  return row;
}

beforeAll(async () => {
  await ensureTestUsers();
  await adminQuery(
    `insert into public.authors (id, name, slug) values ($1, 'Zuberi Quenthol', 'zuberi-quenthol'),
       ($2, 'Ngozi Fraxwelde', 'ngozi-fraxwelde')`,
    [ID.author, ID.coauthor],
  );
  await adminQuery(
    `insert into public.categories (id, name, slug) values ($1, 'Recherche parent', 'recherche-parent'),
       ($2, 'Recherche enfant', 'recherche-enfant')`,
    [ID.parent, ID.child],
  );
});

describe('private.book_search stays in sync with public.books', () => {
  it('starts in sync (the backfill and the seed)', async () => {
    expect(await drift()).toEqual([]);
  });

  it('copies a published book on insert, with its authors and categories once linked', async () => {
    await adminQuery(
      `insert into public.books (id, title, language, status, format, published_at, price) values
         ($1, 'Le marché de Plivontaire', 'fr', 'published', 'epub', now(), 1500),
         ($2, 'Brouillon de Plivontaire', 'fr', 'draft', null, null, 0)`,
      [ID.book, ID.other],
    );
    expect(await sideRow(ID.book)).toBeDefined();
    expect(await sideRow(ID.other)).toBeUndefined(); // drafts are never in it
    await adminQuery('insert into public.book_authors (book_id, author_id, position) values ($1, $2, 0)', [
      ID.book,
      ID.author,
    ]);
    await adminQuery('insert into public.book_categories (book_id, category_id) values ($1, $2)', [ID.book, ID.child]);
    expect(await drift()).toEqual([]);
    expect(ids(await search({ query: 'Quenthol' }))).toEqual([ID.book]);
    expect((await search({ query: 'Plivontaire' })).facets.categories).toEqual([
      expect.objectContaining({ id: ID.child, count: 1 }),
    ]);
  });

  it('follows author links and author renames', async () => {
    await adminQuery('insert into public.book_authors (book_id, author_id, position) values ($1, $2, 1)', [
      ID.book,
      ID.coauthor,
    ]);
    expect(ids(await search({ query: 'Fraxwelde' }))).toEqual([ID.book]);
    await adminQuery(`update public.authors set name = 'Ngozi Trembalune' where id = $1`, [ID.coauthor]);
    expect(await drift()).toEqual([]);
    expect((await search({ query: 'Fraxwelde' })).total).toBe(0);
    expect(ids(await search({ query: 'Trembalune' }))).toEqual([ID.book]);
    await adminQuery('delete from public.book_authors where book_id = $1 and author_id = $2', [ID.book, ID.coauthor]);
    expect(await drift()).toEqual([]);
    expect((await search({ query: 'Trembalune' })).total).toBe(0);
  });

  it('follows category links and category moves (ancestors included)', async () => {
    await adminQuery('update public.categories set parent_id = $1 where id = $2', [ID.parent, ID.child]);
    expect(await drift()).toEqual([]);
    const facets = (await search({ query: 'Plivontaire' })).facets.categories.map((c) => c.id).sort();
    expect(facets).toEqual([ID.parent, ID.child].sort());
    expect(ids(await search({ query: 'Plivontaire', category: 'recherche-parent' }))).toEqual([ID.book]);
    await adminQuery('delete from public.book_categories where book_id = $1', [ID.book]);
    expect(await drift()).toEqual([]);
    expect((await search({ query: 'Plivontaire', category: 'recherche-parent' })).total).toBe(0);
  });

  it("follows the book's own columns: title, price, countries, featured", async () => {
    await adminQuery(
      `update public.books set title = 'Le marché de Plivontaire et Galdrune', price = 2500,
         available_countries = '{SN}', is_featured = true where id = $1`,
      [ID.book],
    );
    expect(await drift()).toEqual([]);
    // A guest without a country no longer finds a book sold in SN only; the typo path reads the new title.
    expect((await search({ query: 'Galdrune' })).total).toBe(0);
    await adminQuery(`update public.books set available_countries = '{}' where id = $1`, [ID.book]);
    expect(ids(await search({ query: 'Galdrune' }))).toEqual([ID.book]);
    expect(ids(await search({ query: 'Galdrunne' }))).toEqual([ID.book]);
    expect(ids(await search({ query: 'Galdrune', min_price: 2500, max_price: 2500 }))).toEqual([ID.book]);
    expect(await drift()).toEqual([]);
  });

  it('follows publication: unpublishing removes the row, publishing adds it', async () => {
    await adminQuery(`update public.books set status = 'draft' where id = $1`, [ID.book]);
    expect(await sideRow(ID.book)).toBeUndefined();
    expect((await search({ query: 'Galdrune' })).total).toBe(0);
    await adminQuery(
      `update public.books set status = 'published', format = 'epub', published_at = now()
      where id = $1`,
      [ID.other],
    );
    await adminQuery(`update public.books set status = 'published' where id = $1`, [ID.book]);
    expect(await drift()).toEqual([]);
    expect((await search({ query: 'Plivontaire' })).total).toBe(2);
  });

  it('ignores rating changes (nothing search reads), and search still shows the new rating', async () => {
    const before = await sideRow(ID.book);
    await adminQuery('insert into public.reviews (book_id, user_id, rating) values ($1, $2, 4)', [
      ID.book,
      USERS.user.id,
    ]);
    const [book] = await adminQuery<{ rating_count: number }>('select rating_count from public.books where id = $1', [
      ID.book,
    ]);
    expect(book?.rating_count).toBe(1);
    // Same row version: the upsert's WHERE skipped it, no dead tuple per rating.
    expect((await sideRow(ID.book))?.xmin).toBe(before?.xmin);
    const item = (await search({ query: 'Galdrune' })).items[0];
    expect(item?.rating_count).toBe(1);
    expect(Number(item?.rating_average)).toBe(4);
  });

  it('removes a deleted book', async () => {
    await adminQuery('delete from public.reviews where book_id = $1', [ID.book]);
    await adminQuery('delete from public.books where id = any($1)', [[ID.book, ID.other]]);
    expect(await sideRow(ID.book)).toBeUndefined();
    expect(await drift()).toEqual([]);
    expect((await search({ query: 'Plivontaire' })).total).toBe(0);
  });

  it('is private: no privilege for the API roles, and PostgREST does not expose it', async () => {
    const [grants] = await adminQuery<{ anon: boolean; authenticated: boolean }>(
      `select has_table_privilege('anon', 'private.book_search', 'select') as anon,
              has_table_privilege('authenticated', 'private.book_search', 'select') as authenticated`,
    );
    expect(grants).toEqual({ anon: false, authenticated: false });
  });
});
