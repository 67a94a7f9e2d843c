// Typo search through the word dictionary (20261210100000_search_typo_dictionary.sql): when full
// text finds nothing, search_books() replaces each query word that matches nothing by the closest
// word of the published catalog's titles, subtitles and author names (private.search_words) and
// runs full text again. These tests pin what a reader gets (a typo in a title word, in an author's
// name, one typo among correct words, accents), what is never suggested (words of unpublished
// books), and that the dictionary follows every catalog change, compared after each one with the
// dictionary recomputed from the published books.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from './helpers.js';
import { sortedIds as ids, searchBooks as search } from './search-helpers.js';

const ID = {
  river: '33000000-0000-4000-8000-000000000001',
  marsh: '33000000-0000-4000-8000-000000000002',
  pilgrim: '33000000-0000-4000-8000-000000000003',
  draft: '33000000-0000-4000-8000-000000000004',
  author: '33000000-0000-4000-8000-000000000011',
} as const;

/** Words whose count differs between the dictionary and a recomputation from the published books. */
async function drift(): Promise<unknown[]> {
  const expected = `select w.word, count(*)::integer as books
    from public.books b
    cross join lateral unnest(private.book_dictionary_words(b.title, b.subtitle, b.list_authors)) as w (word)
    where b.is_published group by w.word`;
  return adminQuery(
    `(select word, books from private.search_words except ${expected})
     union all
     (${expected} except select word, books from private.search_words)`,
  );
}

async function entry(word: string): Promise<number | undefined> {
  const [row] = await adminQuery<{ books: number }>('select books from private.search_words where word = $1', [word]);
  return row?.books;
}

beforeAll(async () => {
  await adminQuery(
    `insert into public.authors (id, name, slug) values ($1, 'Yssoufa Brandiwel', 'yssoufa-brandiwel')`,
    [ID.author],
  );
  await adminQuery(
    `insert into public.books (id, title, subtitle, description, language, status, format, published_at, price) values
       ($1, 'Quelvanor des sables', 'Roman', 'Un récit du zembrakite, ce vent de sable.', 'fr', 'published', 'epub', now(), 0),
       ($2, 'Quelvanor des marais', 'Roman', null, 'fr', 'published', 'epub', now(), 1500),
       ($3, 'Pèlerinage à Zéboulon', 'Zembrakine', null, 'fr', 'published', 'epub', now(), 0),
       ($4, 'Le secret de Vorpaltique', null, null, 'fr', 'draft', null, null, 0)`,
    [ID.river, ID.marsh, ID.pilgrim, ID.draft],
  );
  await adminQuery('insert into public.book_authors (book_id, author_id, position) values ($1, $2, 0)', [
    ID.marsh,
    ID.author,
  ]);
});

describe('typo search (search_books through private.search_words)', () => {
  it('corrects a misspelled title word and answers exactly as the right word does', async () => {
    const right = await search({ query: 'Quelvanor' });
    expect(ids(right)).toEqual([ID.river, ID.marsh].sort());
    expect(right.corrected).toBeUndefined(); // nothing corrected: no `corrected`

    const typo = await search({ query: 'Quelvannor' });
    expect(typo.corrected).toBe('quelvanor');
    // Same books, same order (ts_rank), same totals and facets.
    expect({ ...typo, corrected: undefined }).toEqual({ ...right, corrected: undefined });
  });

  it("corrects a misspelled author's name", async () => {
    // ("Brandiwell" needs no correction: its English stem is already "brandiwel".)
    const result = await search({ query: 'Brendiwel' });
    expect(result.corrected).toBe('brandiwel');
    expect(ids(result)).toEqual([ID.marsh]);
  });

  it('corrects only the words that match nothing, and keeps all the words (AND)', async () => {
    // "marais" is right and narrows to one book; only the misspelling is replaced.
    const result = await search({ query: 'Quelvanorr marais' });
    expect(result.corrected).toBe('quelvanor marais');
    expect(ids(result)).toEqual([ID.marsh]);

    // Search syntax survives the correction (the replacement is in place): "or" still means OR.
    const either = await search({ query: 'Quelvannor or Zébulon' });
    expect(either.corrected).toBe('quelvanor or zeboulon');
    expect(ids(either)).toEqual([ID.river, ID.marsh, ID.pilgrim].sort());

    // A word that matches a book on its own (here only in a description) is not a typo, even when a
    // dictionary word is close to it ("zembrakine", a subtitle).
    const described = await search({ query: 'zembrakite quelvannor' });
    expect(described.corrected).toBe('zembrakite quelvanor');
    expect(ids(described)).toEqual([ID.river]);
  });

  it('ignores accents on both sides', async () => {
    for (const query of ['Zébulon', 'zebulon', 'Pélerinaje']) {
      const result = await search({ query });
      expect(ids(result), query).toEqual([ID.pilgrim]);
    }
    expect((await search({ query: 'Zébulon' })).corrected).toBe('zeboulon');
  });

  it('respects the filters after correcting', async () => {
    expect(ids(await search({ query: 'Quelvannor', min_price: 1000 }))).toEqual([ID.marsh]);
    const none = await search({ query: 'Quelvannor', language: 'en' });
    expect(none.total).toBe(0);
  });

  it('never suggests a word only an unpublished book has', async () => {
    expect(await entry('vorpaltique')).toBeUndefined();
    const result = await search({ query: 'Vorpaltik' });
    expect(result.total).toBe(0);
    expect(result.corrected).toBeUndefined();
  });

  it('completes an unfinished word to the most common catalog word it begins', async () => {
    for (const query of ['Quelv', 'quelvan']) {
      const result = await search({ query });
      expect(result.corrected, query).toBe('quelvanor');
      expect(ids(result)).toEqual([ID.river, ID.marsh].sort());
    }
  });

  it('leaves stop words and gibberish alone', async () => {
    const gibberish = await search({ query: 'qzxwvk' });
    expect(gibberish).toMatchObject({ total: 0, items: [] });
    expect(gibberish.corrected).toBeUndefined();
    expect((await search({ query: 'les des' })).corrected).toBeUndefined();
  });

  it('starts in sync (backfill, seed and the books above)', async () => {
    expect(await drift()).toEqual([]);
    expect(await entry('quelvanor')).toBe(2);
    expect(await entry('brandiwel')).toBe(1);
    expect(await entry('zeboulon')).toBe(1); // accent-free
  });
});

describe('private.search_words stays in sync with the published catalog', () => {
  it('follows publication and unpublication', async () => {
    await adminQuery(`update public.books set status = 'published', format = 'epub' where id = $1`, [ID.draft]);
    expect(await entry('vorpaltique')).toBe(1);
    expect(ids(await search({ query: 'Vorpaltik' }))).toEqual([ID.draft]);
    await adminQuery(`update public.books set status = 'draft' where id = $1`, [ID.draft]);
    expect(await entry('vorpaltique')).toBeUndefined();
    expect(await drift()).toEqual([]);
  });

  it('follows a new title (old words leave when no other book has them)', async () => {
    await adminQuery(`update public.books set title = 'Quelvanor des collines' where id = $1`, [ID.marsh]);
    expect(await entry('marais')).toBeUndefined();
    expect(await entry('collines')).toBeGreaterThanOrEqual(1);
    expect(await entry('quelvanor')).toBe(2); // still both books
    expect(await drift()).toEqual([]);
  });

  it('follows author renames and author links', async () => {
    await adminQuery(`update public.authors set name = 'Yssoufa Trelkavane' where id = $1`, [ID.author]);
    expect(await entry('brandiwel')).toBeUndefined();
    expect(await entry('trelkavane')).toBe(1);
    expect(ids(await search({ query: 'Trelkavanne' }))).toEqual([ID.marsh]);
    await adminQuery('delete from public.book_authors where book_id = $1 and author_id = $2', [ID.marsh, ID.author]);
    expect(await entry('trelkavane')).toBeUndefined();
    expect(await drift()).toEqual([]);
  });

  it('skips writes that change no dictionary text (prices, ratings)', async () => {
    const [before] = await adminQuery<{ xmin: string }>(
      `select xmin::text from private.search_words where word = 'quelvanor'`,
    );
    await adminQuery('update public.books set price = 2500 where id = any($1)', [[ID.river, ID.marsh]]);
    const [after] = await adminQuery<{ xmin: string }>(
      `select xmin::text from private.search_words where word = 'quelvanor'`,
    );
    expect(after?.xmin).toBe(before?.xmin);
  });

  it('follows deletes, and a bulk write in one statement', async () => {
    await adminQuery('delete from public.books where id = $1', [ID.marsh]);
    expect(await entry('quelvanor')).toBe(1);
    await adminQuery(
      `update public.books set title = title || ' Quelvanor'
       where id = any($1)`,
      [[ID.pilgrim, ID.draft]],
    );
    expect(await entry('quelvanor')).toBe(2); // the draft does not count
    await adminQuery('delete from public.books where id = any($1)', [[ID.river, ID.pilgrim, ID.draft]]);
    expect(await entry('quelvanor')).toBeUndefined();
    expect(await entry('zeboulon')).toBeUndefined();
    expect(await drift()).toEqual([]);
  });

  it('is private: no privilege for the API roles', async () => {
    const [grants] = await adminQuery<{ anon: boolean; authenticated: boolean; correction: boolean }>(
      `select has_table_privilege('anon', 'private.search_words', 'select') as anon,
              has_table_privilege('authenticated', 'private.search_words', 'select') as authenticated,
              has_function_privilege('anon', 'private.search_correction(text)', 'execute') as correction`,
    );
    expect(grants).toEqual({ anon: false, authenticated: false, correction: false });
  });
});
