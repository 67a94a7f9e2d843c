import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  buildCategoryTree,
  type CokoClient,
  createCoko,
  isCokoError,
  NotFoundError,
  ValidationError,
} from '../src';
import { createTransport } from '../src/core/transport';

// Real-stack tests: PostgREST + migrations + seed behind the gateway. The root harness
// (test/setup-stack.ts) starts one stack per test file and exports its URL and publishable key;
// without them (e.g. `vitest --root packages/sdk` alone) there is no server to talk to, so skip.
const url = process.env.COKO_TEST_URL;
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';

async function invalidField(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return ((error as ValidationError).details as { field?: string }).field;
}

describe.skipIf(!url)('catalog against the real stack', () => {
  const coko: CokoClient = createCoko({ url: url ?? 'http://unused', publishableKey });

  describe('list', () => {
    // count=estimated is exact up to db-max-rows (1000), which the seed stays under.
    it('pages through published books with an exact total', async () => {
      const first = await coko.catalog.list({ limit: 5 });
      expect(first.page).toBe(1);
      expect(first.limit).toBe(5);
      expect(first.data.length).toBe(Math.min(5, first.total));
      expect(first.total).toBeGreaterThan(5);
      expect(first.totalPages).toBe(Math.ceil(first.total / 5));

      const second = await coko.catalog.list({ limit: 5, page: 2 });
      expect(second.total).toBe(first.total);
      const firstIds = new Set(first.data.map((b) => b.id));
      expect(second.data.some((b) => firstIds.has(b.id))).toBe(false);

      const last = await coko.catalog.list({ limit: 5, page: first.totalPages });
      expect(last.data.length).toBe(first.total - (first.totalPages - 1) * 5);
    });

    it('returns only list fields, with authors in credit order', async () => {
      const { data } = await coko.catalog.list({ limit: 3 });
      const book = data[0];
      expect(book).toBeDefined();
      expect(Object.keys(book ?? {}).sort()).toEqual(
        [
          'authors',
          'coverPath',
          'currency',
          'format',
          'id',
          'isFeatured',
          'isFree',
          'language',
          'price',
          'publicationDate',
          'ratingAverage',
          'ratingCount',
          'subtitle',
          'title',
        ].sort(),
      );
      expect(Array.isArray(book?.authors)).toBe(true);
      for (const author of book?.authors ?? []) expect(Object.keys(author).sort()).toEqual(['id', 'name']);
    });

    it('a page past the end is empty and keeps the total', async () => {
      const { total } = await coko.catalog.list({ limit: 100 });
      const beyond = await coko.catalog.list({ limit: 100, page: 1000 });
      expect(beyond.data).toEqual([]);
      expect(beyond.total).toBe(total);
    });

    it('filters by language and price, and sorts', async () => {
      const fr = await coko.catalog.list({ language: 'fr', limit: 100 });
      expect(fr.data.every((b) => b.language === 'fr')).toBe(true);
      const free = await coko.catalog.list({ isFree: true, limit: 100 });
      expect(free.data.every((b) => b.isFree && b.price === 0)).toBe(true);
      const cheap = await coko.catalog.list({ sort: 'price_asc', limit: 20 });
      const prices = cheap.data.map((b) => b.price);
      expect(prices).toEqual([...prices].sort((a, b) => a - b));
    });

    it('limit 0, 101 and -1 are rejected naming `limit`', async () => {
      expect(await invalidField(coko.catalog.list({ limit: 0 }))).toBe('limit');
      expect(await invalidField(coko.catalog.list({ limit: 101 }))).toBe('limit');
      expect(await invalidField(coko.catalog.list({ limit: -1 }))).toBe('limit');
    });

    it('filters by category, sub-categories included', async () => {
      const parent = await coko.catalog.list({ category: 'litterature', limit: 100 });
      const child = await coko.catalog.list({ category: 'romans', limit: 100 });
      expect(child.total).toBeGreaterThan(0);
      expect(parent.total).toBeGreaterThanOrEqual(child.total);
      const parentIds = new Set(parent.data.map((b) => b.id));
      expect(child.data.every((b) => parentIds.has(b.id))).toBe(true);

      // Each book of the category really is in the category's subtree.
      const tree = buildCategoryTree(await coko.catalog.categories());
      const root = tree.find((c) => c.slug === 'litterature');
      const subtree = new Set<string>();
      const walk = (node: NonNullable<typeof root>) => {
        subtree.add(node.id);
        node.children.forEach(walk);
      };
      if (root) walk(root);
      const sample = child.data[0];
      expect(sample).toBeDefined();
      const book = await coko.catalog.get(sample?.id ?? '');
      expect(book.categories.some((c) => subtree.has(c.id))).toBe(true);
    });

    it('an unknown category matches nothing', async () => {
      const result = await coko.catalog.list({ category: 'no-such-category' });
      expect(result).toMatchObject({ data: [], total: 0, totalPages: 0 });
    });
  });

  describe('get', () => {
    it('returns the full book with authors, categories and publisher', async () => {
      const { data } = await coko.catalog.list({ limit: 1 });
      const id = data[0]?.id ?? '';
      const book = await coko.catalog.get(id);
      expect(book.id).toBe(id);
      expect(book.title).toBe(data[0]?.title);
      expect(Array.isArray(book.authors)).toBe(true);
      expect(Array.isArray(book.categories)).toBe(true);
      expect(book).toHaveProperty('publisher');
      expect(book).toHaveProperty('description');
      expect(book).not.toHaveProperty('file_path');
      expect(book).not.toHaveProperty('search_vector');
      expect(book.authors.map((a) => a.id)).toEqual(data[0]?.authors.map((a) => a.id));
    });

    it('a non-uuid id is a ValidationError', async () => {
      expect(await invalidField(coko.catalog.get('not-a-uuid'))).toBe('id');
    });

    it('an unknown id is a NotFoundError', async () => {
      const error = await coko.catalog.get('00000000-0000-4000-8000-00000000dead').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    });
  });

  describe('search', () => {
    it('a 2 kB query is a ValidationError (and the server agrees)', async () => {
      const long = 'a'.repeat(2048);
      expect(await invalidField(coko.catalog.search(long))).toBe('query');
      expect(await invalidField(coko.catalog.list({ search: long }))).toBe('search');
      // Bypassing the SDK's validation, the RPC's own 22023 maps to a ValidationError too.
      const transport = createTransport({ url: url ?? '', publishableKey });
      const error = await transport.rest
        .rpc('search_books', { query: long }, { get: true })
        .throwOnError()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ status: 400, details: { postgrestCode: '22023' } });
    });

    it('SQL fragments are just text', async () => {
      const before = await coko.catalog.list({ limit: 1 });
      for (const query of [
        "'; drop table books; --",
        "' or 1=1 --",
        'eq.1',
        'a,b)(c',
        '%_\\',
        'select * from pg_user',
        '<script>alert(1)</script>',
      ]) {
        const result = await coko.catalog.search(query);
        expect(Array.isArray(result.data)).toBe(true);
        expect(result.total).toBeGreaterThanOrEqual(0);
      }
      const after = await coko.catalog.list({ limit: 1 });
      expect(after.total).toBe(before.total);
    });

    it('a misspelled word is corrected from the catalog, and the result says so', async () => {
      const right = await coko.catalog.search('Coulibaly');
      expect(right.total).toBeGreaterThan(0);
      expect(right.corrected).toBeUndefined();
      const typo = await coko.catalog.search('Culibaly');
      expect(typo.corrected).toBe('coulibaly');
      expect(typo.total).toBe(right.total);
      expect(typo.data.map((b) => b.id)).toEqual(right.data.map((b) => b.id));
    });

    it("'ecole' finds a title with 'École' (accent-insensitive)", async () => {
      const result = await coko.catalog.search('ecole');
      expect(result.total).toBeGreaterThan(0);
      expect(result.data.some((b) => /école/i.test(b.title))).toBe(true);
      const viaList = await coko.catalog.list({ search: 'ecole' });
      expect(viaList.total).toBe(result.total);
    });

    it('returns facets over the whole match set', async () => {
      const result = await coko.catalog.search('', { limit: 1 });
      expect(result.data.length).toBeLessThanOrEqual(1);
      expect(result.facets.categories.length).toBeGreaterThan(0);
      expect(result.facets.languages.length).toBeGreaterThan(0);
      for (const facet of result.facets.categories) {
        expect(facet).toEqual({
          id: expect.any(String),
          slug: expect.any(String),
          name: expect.any(String),
          count: expect.any(Number),
        });
      }
      const priced = result.facets.price.reduce((sum, p) => sum + p.count, 0);
      expect(priced).toBe(result.total);
      const languages = result.facets.languages.reduce((sum, l) => sum + l.count, 0);
      expect(languages).toBe(result.total);
    });

    it('filters and pages search results', async () => {
      const all = await coko.catalog.search('', { limit: 100, language: 'fr' });
      expect(all.data.every((b) => b.language === 'fr')).toBe(true);
      const page2 = await coko.catalog.search('', { limit: 2, page: 2, language: 'fr' });
      expect(page2.total).toBe(all.total);
      expect(page2.data.map((b) => b.id)).toEqual(all.data.slice(2, 4).map((b) => b.id));
    });
  });

  describe('categories and authors', () => {
    it('categories come flat with parentId and build into a tree', async () => {
      const categories = await coko.catalog.categories();
      expect(categories.length).toBeGreaterThan(0);
      expect(categories.some((c) => c.parentId === null)).toBe(true);
      expect(categories.some((c) => c.parentId !== null)).toBe(true);
      const tree = await coko.catalog.categoryTree();
      const count = (nodes: typeof tree): number => nodes.reduce((n, c) => n + 1 + count(c.children), 0);
      expect(count(tree)).toBe(categories.length);
    });

    it('authors are paginated and searchable', async () => {
      const page = await coko.catalog.authors({ limit: 3 });
      expect(page.data.length).toBeLessThanOrEqual(3);
      expect(page.total).toBeGreaterThan(0);
      const name = page.data[0]?.name ?? '';
      const found = await coko.catalog.authors({ search: name.slice(0, 4) });
      expect(found.data.some((a) => a.name === name)).toBe(true);
    });
  });

  // Browsers send a CORS preflight (the SDK sets apikey/Authorization and, for RPCs, a JSON
  // content type) and can only read the headers the server exposes.
  describe('browser (CORS) compatibility of what the SDK sends', () => {
    const origin = 'https://partner.example';
    const preflight = (path: string, method: string, headers: string) =>
      fetch(`${url}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
      });

    it('preflights are answered without credentials and allow the SDK headers', async () => {
      for (const [path, method, headers] of [
        ['/rest/v1/books?select=id', 'GET', 'apikey,authorization,prefer,x-coko-country'],
        ['/rest/v1/rpc/search_books', 'POST', 'apikey,authorization,content-type,x-coko-country'],
        ['/functions/v1/api/health', 'GET', 'apikey,authorization,x-coko-country'],
      ] as const) {
        const response = await preflight(path, method, headers);
        expect(response.status, `${method} ${path}`).toBeLessThan(300);
        expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/partner\.example)$/);
        const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
        for (const header of headers.split(',')) expect(allowed === '*' || allowed.includes(header), header).toBe(true);
      }
    });

    it('responses (errors included) carry CORS headers and expose Content-Range', async () => {
      const auth = { apikey: publishableKey, Authorization: `Bearer ${publishableKey}`, Origin: origin };
      const list = await fetch(`${url}/rest/v1/books?select=id&limit=1`, {
        headers: { ...auth, Prefer: 'count=exact' },
      });
      expect(list.headers.get('access-control-allow-origin')).toBeTruthy();
      expect((list.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain('content-range');
      const missing = await fetch(`${url}/rest/v1/books?select=id&id=eq.00000000-0000-4000-8000-00000000dead`, {
        headers: { ...auth, Accept: 'application/vnd.pgrst.object+json' },
      });
      expect(missing.status).toBe(406);
      expect(missing.headers.get('access-control-allow-origin')).toBeTruthy();
    });
  });

  describe('auth', () => {
    it('a bad access token is an AuthenticationError', async () => {
      const bad = createCoko({ url: url ?? '', publishableKey, accessToken: () => 'not.a.jwt' });
      const error = await bad.catalog.list().catch((e: unknown) => e);
      expect(isCokoError(error)).toBe(true);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).status).toBe(401);
    });
  });
});
