import { describe, expect, it } from 'vitest';
import { AuthenticationError, buildCategoryTree, type Category, NotFoundError, ValidationError } from '../src';
import { json, listBook, postgrestError, sdkListBook, testClient, UUID } from './helpers';

const rows = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({
    ...listBook(`00000000-0000-4000-8000-${String(from + i).padStart(12, '0')}`),
    // books.list_authors (kept by triggers, in credit order), selected as `authors:list_authors`.
    authors: [
      { id: 'a1', name: 'First' },
      { id: 'a2', name: 'Second' },
    ],
  }));

const rpcResult = { total: 0, items: [], facets: { categories: [], languages: [], price: [] } };

/** Expects `promise` to reject with a ValidationError naming `field`. */
async function expectInvalid(promise: Promise<unknown>, field: string) {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).details).toMatchObject({ field });
  expect((error as ValidationError).status).toBe(400);
}

describe('input validation (no request is sent)', () => {
  it('limit must be an integer in 1..100', async () => {
    const { coko, calls } = testClient();
    for (const limit of [0, 101, -1, 1.5, Number.NaN]) await expectInvalid(coko.catalog.list({ limit }), 'limit');
    await expectInvalid(coko.catalog.search('abc', { limit: 0 }), 'limit');
    await expectInvalid(coko.catalog.authors({ limit: 500 }), 'limit');
    expect(calls).toHaveLength(0);
  });

  it('page must be >= 1', async () => {
    const { coko, calls } = testClient();
    await expectInvalid(coko.catalog.list({ page: 0 }), 'page');
    await expectInvalid(coko.catalog.search('abc', { page: -3 }), 'page');
    expect(calls).toHaveLength(0);
  });

  it('messages name the field and the bound', async () => {
    const { coko } = testClient();
    const error = (await coko.catalog.list({ limit: 101 }).catch((e: unknown) => e)) as ValidationError;
    expect(error.message).toBe('limit must be at most 100');
    expect(error.code).toBe('VALIDATION_ERROR');
  });

  it('ids must be UUIDs', async () => {
    const { coko, calls } = testClient();
    await expectInvalid(coko.catalog.get('42'), 'id');
    await expectInvalid(coko.catalog.get("1' or '1'='1"), 'id');
    await expectInvalid(coko.catalog.get(undefined as unknown as string), 'id');
    expect(calls).toHaveLength(0);
  });

  it('search text is capped at 200 characters', async () => {
    const { coko, calls } = testClient();
    const long = 'a'.repeat(2048);
    await expectInvalid(coko.catalog.search(long), 'query');
    await expectInvalid(coko.catalog.list({ search: long }), 'search');
    await expectInvalid(coko.catalog.authors({ search: long }), 'search');
    expect(calls).toHaveLength(0);
  });

  it('rejects unknown sorts, bad slugs, bad languages, bad prices', async () => {
    const { coko, calls } = testClient();
    await expectInvalid(coko.catalog.list({ sort: 'random' as never }), 'sort');
    await expectInvalid(coko.catalog.list({ category: 'Not A Slug!' }), 'category');
    await expectInvalid(coko.catalog.list({ language: 'french; drop' }), 'language');
    await expectInvalid(coko.catalog.search('abc', { minPrice: -1 }), 'minPrice');
    await expectInvalid(coko.catalog.search('abc', { minPrice: 500, maxPrice: 100 }), 'minPrice');
    await expectInvalid(coko.catalog.search('abc', { author: 'nope' }), 'author');
    await expectInvalid(coko.catalog.search('abc', { country: 'Senegal' }), 'country');
    await expectInvalid(coko.catalog.list({ search: 'abc', featured: true }), 'featured');
    expect(calls).toHaveLength(0);
  });
});

describe('catalog.list', () => {
  it('reads the books table with list columns, filters, order, range and an estimated count', async () => {
    const { coko, calls } = testClient(() => json(rows(2, 20), { headers: { 'content-range': '20-21/42' } }));
    const result = await coko.catalog.list({
      page: 3,
      limit: 10,
      language: 'fr',
      isFree: false,
      featured: true,
      sort: 'price_asc',
    });
    const call = calls[0];
    expect(call?.method).toBe('GET');
    expect(call?.url.pathname).toBe('/rest/v1/books');
    const q = call?.url.searchParams;
    expect(q?.get('select')).toBe(
      'id,title,subtitle,cover_path,language,price,currency,is_free,is_featured,format,publication_date,rating_average,rating_count,authors:list_authors',
    );
    expect(q?.get('language')).toBe('eq.fr');
    expect(q?.get('is_free')).toBe('eq.false');
    expect(q?.get('is_featured')).toBe('eq.true');
    expect(q?.get('order')).toBe('price.asc,published_at.desc,id.asc');
    // No embedded resource: nothing to order per book.
    expect(q?.has('book_authors.order')).toBe(false);
    expect(q?.get('offset')).toBe('20');
    expect(q?.get('limit')).toBe('10');
    // Exact up to db-max-rows, the planner's estimate beyond (no full count on every page).
    expect(call?.headers.get('prefer')).toContain('count=estimated');
    expect(result).toMatchObject({ page: 3, limit: 10, total: 42, totalPages: 5 });
    expect(result.data).toHaveLength(2);
    // Keys in camelCase; authors as `authors`, in the server's (credit) order.
    expect(result.data[0]).toEqual({
      ...sdkListBook('00000000-0000-4000-8000-000000000020'),
      authors: [
        { id: 'a1', name: 'First' },
        { id: 'a2', name: 'Second' },
      ],
    });
  });

  it('defaults to page 1, 20 per page, featured then newest', async () => {
    const { coko, calls } = testClient(() => json([], { headers: { 'content-range': '*/0' } }));
    const result = await coko.catalog.list();
    expect(calls[0]?.url.searchParams.get('order')).toBe('is_featured.desc,published_at.desc,id.asc');
    expect(calls[0]?.url.searchParams.get('limit')).toBe('20');
    expect(result).toEqual({ data: [], page: 1, limit: 20, total: 0, totalPages: 0 });
  });

  it('a page past the end is empty but keeps the total', async () => {
    const { coko } = testClient(() =>
      postgrestError(
        416,
        { code: 'PGRST103', message: 'Requested range not satisfiable' },
        { 'content-range': '*/29' },
      ),
    );
    await expect(coko.catalog.list({ page: 99 })).resolves.toEqual({
      data: [],
      page: 99,
      limit: 20,
      total: 29,
      totalPages: 2,
    });
  });

  it('with a search or a category, calls the search_books RPC and maps its result', async () => {
    const item = { ...listBook(UUID, "L'École des sables"), authors: [{ id: 'a1', name: 'A' }] };
    const { coko, calls } = testClient(() => json({ ...rpcResult, total: 41, items: [item] }));
    const result = await coko.catalog.list({ search: '  ecole ', category: 'romans', limit: 10, page: 2 });
    const call = calls[0];
    expect(call?.method).toBe('POST');
    expect(call?.url.pathname).toBe('/rest/v1/rpc/search_books');
    expect(call?.headers.has('x-coko-read-only')).toBe(false);
    expect(JSON.parse(call?.body ?? '')).toEqual({
      query: 'ecole',
      category: 'romans',
      sort: 'relevance',
      page: 2,
      page_size: 10,
    });
    const book = { ...sdkListBook(UUID, "L'École des sables"), authors: [{ id: 'a1', name: 'A' }] };
    expect(result).toEqual({ data: [book], page: 2, limit: 10, total: 41, totalPages: 5 });
  });

  it('category alone uses the default relevance order', async () => {
    const { coko, calls } = testClient(() => json(rpcResult));
    await coko.catalog.list({ category: 'fiction', sort: null });
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      category: 'fiction',
      sort: 'relevance',
      page: 1,
      page_size: 20,
    });
  });

  it('JWT errors become AuthenticationError', async () => {
    const { coko } = testClient(() => postgrestError(401, { code: 'PGRST301', message: 'JWT expired' }));
    await expect(coko.catalog.list()).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe('catalog.get', () => {
  it('selects the detail columns and asks for a single object', async () => {
    const { coko, calls } = testClient(() =>
      json({
        ...listBook(UUID),
        description: 'd',
        metadata: { original_title: 'Kept as written' },
        book_authors: [{ author: { id: 'a1', name: 'A', slug: 'a', photo_path: null } }],
        categories: [{ id: 'c1', parent_id: null, name: 'Romans', slug: 'romans' }],
        publisher: { id: 'p1', name: 'P', slug: 'p' },
      }),
    );
    const book = await coko.catalog.get(UUID);
    const call = calls[0];
    expect(call?.url.pathname).toBe('/rest/v1/books');
    expect(call?.url.searchParams.get('id')).toBe(`eq.${UUID}`);
    expect(call?.url.searchParams.get('select')).not.toContain('file_path');
    for (const internal of ['search_vector', 'facet_category_ids', 'list_authors', 'is_published', 'title_search']) {
      expect(call?.url.searchParams.get('select')).not.toContain(internal);
    }
    expect(call?.url.searchParams.get('book_authors.order')).toBe('position.asc');
    expect(call?.headers.get('accept')).toBe('application/vnd.pgrst.object+json');
    // Keys in camelCase, nested rows too; JSON values (metadata) as written.
    expect(book).toEqual({
      ...sdkListBook(UUID),
      description: 'd',
      metadata: { original_title: 'Kept as written' },
      authors: [{ id: 'a1', name: 'A', slug: 'a', photoPath: null }],
      categories: [{ id: 'c1', parentId: null, name: 'Romans', slug: 'romans' }],
      publisher: { id: 'p1', name: 'P', slug: 'p' },
    });
  });

  it('no row (missing or hidden by RLS) → NotFoundError', async () => {
    const { coko } = testClient(() =>
      postgrestError(
        406,
        {
          code: 'PGRST116',
          message: 'JSON object requested, multiple (or no) rows returned',
          details: 'The result contains 0 rows',
        },
        { 'x-request-id': 'req-1' },
      ),
    );
    const error = await coko.catalog.get(UUID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, requestId: 'req-1' });
  });

  it('22P02 from the server (should the SDK let one through) → ValidationError', async () => {
    const { coko } = testClient(() =>
      postgrestError(400, { code: '22P02', message: 'invalid input syntax for type uuid' }),
    );
    await expect(coko.catalog.get(UUID)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('catalog.search', () => {
  it('sends every filter to the RPC and returns facets', async () => {
    const facets = {
      categories: [{ id: 'c1', slug: 'romans', name: 'Romans', count: 3 }],
      languages: [{ language: 'fr', count: 3 }],
      price: [{ is_free: false, count: 3 }],
    };
    const { coko, calls } = testClient(() => json({ total: 3, items: [], facets }));
    const result = await coko.catalog.search('sahel', {
      category: 'romans',
      language: 'fr',
      isFree: false,
      minPrice: 0,
      maxPrice: 5000,
      author: UUID,
      country: 'sn',
      sort: 'price_desc',
      page: 1,
      limit: 5,
    });
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      query: 'sahel',
      category: 'romans',
      language: 'fr',
      is_free: false,
      min_price: 0,
      max_price: 5000,
      author: UUID,
      country: 'SN',
      sort: 'price_desc',
      page: 1,
      page_size: 5,
    });
    expect(result).toEqual({
      data: [],
      page: 1,
      limit: 5,
      total: 3,
      totalPages: 1,
      facets: { ...facets, price: [{ isFree: false, count: 3 }] },
    });
  });

  it('null filters are ignored and an empty query browses', async () => {
    const { coko, calls } = testClient(() => json(rpcResult));
    await coko.catalog.search('   ', { category: null, language: undefined });
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({ sort: 'relevance', page: 1, page_size: 20 });
  });

  it('22023 raised by the RPC → ValidationError', async () => {
    const { coko } = testClient(() => postgrestError(400, { code: '22023', message: 'invalid sort' }));
    const error = await coko.catalog.search('abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ message: 'invalid sort', details: { postgrestCode: '22023' } });
  });

  it('SQL- or filter-looking text is sent verbatim in the JSON body', async () => {
    const { coko, calls } = testClient(() => json(rpcResult));
    for (const query of ["'; drop table books; --", 'eq.1', 'in.(a,b)']) {
      await coko.catalog.search(query);
      expect(JSON.parse(calls.at(-1)?.body ?? '').query).toBe(query);
      expect(calls.at(-1)?.url.search).toBe('');
    }
  });
});

describe('catalog.categories and authors', () => {
  const categories: Category[] = [
    { id: 'f', parentId: null, name: 'Fiction', slug: 'fiction', description: null, position: 1 },
    { id: 'r', parentId: 'f', name: 'Romans', slug: 'romans', description: null, position: 1 },
    { id: 'p', parentId: 'r', name: 'Policiers', slug: 'policiers', description: null, position: 2 },
    { id: 'j', parentId: null, name: 'Jeunesse', slug: 'jeunesse', description: null, position: 2 },
    { id: 'o', parentId: 'missing', name: 'Orphan', slug: 'orphan', description: null, position: 3 },
  ];
  // As PostgREST sends them (the database's snake_case).
  const rows = categories.map(({ parentId, ...category }) => ({ ...category, parent_id: parentId }));

  it('categories() is a flat ordered list; categoryTree() nests it', async () => {
    const { coko, calls } = testClient(() => json(rows));
    await expect(coko.catalog.categories()).resolves.toEqual(categories);
    expect(calls[0]?.url.searchParams.get('order')).toBe('position.asc,name.asc');
    const tree = await coko.catalog.categoryTree();
    expect(tree.map((c) => c.slug)).toEqual(['fiction', 'jeunesse', 'orphan']);
    expect(tree[0]?.children[0]?.children[0]?.slug).toBe('policiers');
  });

  it('buildCategoryTree is pure and keeps sibling order', () => {
    const input = structuredClone(categories);
    const tree = buildCategoryTree(input);
    expect(input).toEqual(categories);
    expect(tree[0]?.children.map((c) => c.id)).toEqual(['r']);
    expect(buildCategoryTree([])).toEqual([]);
  });

  it('authors() pages with an escaped name filter', async () => {
    const { coko, calls } = testClient(() =>
      json([{ id: 'a', name: 'Aminata', slug: 'aminata', photo_path: null }], {
        headers: { 'content-range': '0-0/1' },
      }),
    );
    const result = await coko.catalog.authors({ search: '50%_off', limit: 5 });
    expect(calls[0]?.url.pathname).toBe('/rest/v1/authors');
    expect(calls[0]?.url.searchParams.get('name')).toBe('ilike.%50\\%\\_off%');
    expect(result).toEqual({
      data: [{ id: 'a', name: 'Aminata', slug: 'aminata', photoPath: null }],
      total: 1,
      page: 1,
      limit: 5,
      totalPages: 1,
    });
  });
});
