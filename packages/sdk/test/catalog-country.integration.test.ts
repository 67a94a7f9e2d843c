import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor, createPartner } from '../../server/src/admin/index.ts';
import { type CokoClient, createCoko, NotFoundError, ValidationError } from '../src';
import { createCokoServer } from '../src/server';

// The catalog's country rule through the SDK, against the real stack: a guest's `country` option, a
// partner reader whose profile country comes from the partner (SN), and `catalog.get` of a book not
// sold there → NotFoundError (as the SDK's documentation promises). Also the search minimum and page
// size as the server enforces them when the SDK's own checks are bypassed.
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const adminUrl = process.env.COKO_TEST_ADMIN_DATABASE_URL;

const ID = {
  worldwide: '33000000-0000-4000-8000-000000000001',
  senegal: '33000000-0000-4000-8000-000000000002',
  france: '33000000-0000-4000-8000-000000000003',
} as const;
const WORD = 'Tirbouchonnade';
const CATEGORY = 'sdk-pays-test';

describe.skipIf(!process.env.COKO_TEST_URL)('the country rule through the SDK', () => {
  const admin = new pg.Pool({ connectionString: adminUrl, max: 2 });
  let senegalReader: CokoClient;
  let senegalToken: string;

  beforeAll(async () => {
    const category = (
      await admin.query<{ id: string }>(
        `insert into public.categories (name, slug) values ('Pays SDK', $1) returning id`,
        [CATEGORY],
      )
    ).rows[0]?.id;
    await admin.query(
      `insert into public.books (id, title, language, status, format, published_at, available_countries) values
         ($1, $4 || ' du monde', 'fr', 'published', 'epub', now(), '{}'),
         ($2, $4 || ' de Dakar', 'fr', 'published', 'epub', now(), '{SN}'),
         ($3, $4 || ' de Paris', 'fr', 'published', 'epub', now(), '{FR}')`,
      [ID.worldwide, ID.senegal, ID.france, WORD],
    );
    await admin.query('insert into public.book_categories (book_id, category_id) select unnest($1::uuid[]), $2', [
      Object.values(ID),
      category,
    ]);
    const partner = await createPartner(
      { db: admin, actor: cliActor() },
      { name: `Country partner ${Date.now().toString(36)}`, allowedOrigins: [], defaultCountry: 'SN' },
    );
    const server = createCokoServer({ url, secretKey: partner.secretKey?.key as string });
    const session = await server.sessions.create({ externalUserId: 'country-reader', name: 'Moussa' });
    expect(session.user.country).toBe('SN');
    senegalToken = session.accessToken;
    senegalReader = createCoko({ url, publishableKey, accessToken: senegalToken });
  });
  afterAll(() => admin.end());

  const guest = (country?: string) => createCoko({ url, publishableKey, ...(country ? { country } : {}) });
  const ids = (books: { id: string }[]) => books.map((book) => book.id).sort();

  it('list: a guest without a country sees worldwide books; with one, that country’s too', async () => {
    const browse = { category: CATEGORY, limit: 100 };
    expect(ids((await guest().catalog.list(browse)).data)).toEqual([ID.worldwide]);
    expect(ids((await guest('fr').catalog.list(browse)).data)).toEqual([ID.worldwide, ID.france].sort());
    expect(ids((await senegalReader.catalog.list(browse)).data)).toEqual([ID.worldwide, ID.senegal].sort());
  });

  it('search: matches, totals and facets follow the rule', async () => {
    const asGuest = await guest('SN').catalog.search(WORD);
    expect(ids(asGuest.data)).toEqual([ID.worldwide, ID.senegal].sort());
    expect(asGuest.total).toBe(2);
    expect(asGuest.facets.categories.find((c) => c.slug === CATEGORY)?.count).toBe(2);
    const asReader = await senegalReader.catalog.search(WORD, { limit: 100 });
    expect(ids(asReader.data)).toEqual([ID.worldwide, ID.senegal].sort());
    // A country filter narrows what the reader may see, never widens it.
    expect(ids((await senegalReader.catalog.search(WORD, { country: 'FR' })).data)).toEqual([ID.worldwide]);
  });

  it('get: a book not sold in the reader’s country is a NotFoundError', async () => {
    await expect(guest().catalog.get(ID.worldwide)).resolves.toMatchObject({ id: ID.worldwide });
    await expect(guest().catalog.get(ID.senegal)).rejects.toBeInstanceOf(NotFoundError);
    await expect(guest('SN').catalog.get(ID.senegal)).resolves.toMatchObject({ availableCountries: ['SN'] });
    const error = await senegalReader.catalog.get(ID.france).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    // The profile wins over the option: a reader in SN whose app says FR still cannot open it.
    const saysFrance = createCoko({ url, publishableKey, accessToken: senegalToken, country: 'FR' });
    await expect(saysFrance.catalog.get(ID.france)).rejects.toBeInstanceOf(NotFoundError);
    await expect(saysFrance.catalog.get(ID.senegal)).resolves.toMatchObject({ id: ID.senegal });
  });

  it('search minimum and page size: the SDK refuses first; past it, the server agrees', async () => {
    await expect(guest().catalog.search('ab')).rejects.toBeInstanceOf(ValidationError);
    await expect(guest().catalog.search('abc', { limit: 101 })).rejects.toBeInstanceOf(ValidationError);
    const rpc = (body: Record<string, unknown>) =>
      fetch(`${url}/rest/v1/rpc/search_books`, {
        method: 'POST',
        headers: { apikey: publishableKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const body of [{ query: 'ab' }, { query: 'abc', page_size: 101 }]) {
      const response = await rpc(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({ code: '22023' });
    }
    const defaults = await guest().catalog.search('', {});
    expect(defaults.limit).toBe(20);
    expect(defaults.data.length).toBe(Math.min(20, defaults.total));
  });
});
