// The catalog's country rule (20261208100200_catalog_country_rules.sql) through PostgREST with
// supabase-js, for every kind of caller: a book whose available_countries is not empty is listed,
// found, opened and searched only by readers in one of those countries. The reader's country is their
// profile's, else their JWT's app_metadata.country, else the x-coko-country header; none: worldwide
// books only. Editors (moderators, admins) and the service role see everything.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack.js';
import { adminQuery, type ClientKind, ensureTestUsers, rest, tokenFor, USERS } from './helpers.js';

const ID = {
  worldwide: '31000000-0000-4000-8000-000000000001',
  senegal: '31000000-0000-4000-8000-000000000002', // SN and CI
  france: '31000000-0000-4000-8000-000000000003', // FR only
  draft: '31000000-0000-4000-8000-000000000004', // a draft sold in SN
  author: '31000000-0000-4000-8000-000000000011',
  category: '31000000-0000-4000-8000-000000000021',
} as const;
const BOOKS = [ID.worldwide, ID.senegal, ID.france, ID.draft];
const WORD = 'Kwazorpliq';
const CATEGORY = 'pays-regle-test';

type Visible = 'worldwide' | 'senegal' | 'france' | 'draft';

interface Case {
  name: string;
  kind: ClientKind;
  /** x-coko-country sent with the request. */
  header?: string;
  /** Extra app_metadata claims of the user's token. */
  claims?: Record<string, unknown>;
  /** Books visible (any status). */
  sees: Visible[];
}

// Profiles: `user` lives in SN, `otherUser` in FR; `partnerUser` has no profile country (its token's
// claim decides); editors have none (they see everything anyway).
const CASES: Case[] = [
  { name: 'anon without a country', kind: 'anon', sees: ['worldwide'] },
  { name: 'anon in SN (header)', kind: 'anon', header: 'SN', sees: ['worldwide', 'senegal'] },
  { name: 'anon in CI (lower-case header)', kind: 'anon', header: 'ci', sees: ['worldwide', 'senegal'] },
  { name: 'anon in FR (header)', kind: 'anon', header: 'FR', sees: ['worldwide', 'france'] },
  { name: 'reader in SN (profile)', kind: 'user', sees: ['worldwide', 'senegal'] },
  {
    name: 'reader in SN whose app says FR: the profile wins',
    kind: 'user',
    header: 'FR',
    sees: ['worldwide', 'senegal'],
  },
  { name: 'reader in FR (profile)', kind: 'otherUser', sees: ['worldwide', 'france'] },
  {
    name: 'partner reader, country from the token',
    kind: 'partnerUser',
    claims: { country: 'CI' },
    sees: ['worldwide', 'senegal'],
  },
  { name: 'partner reader without any country', kind: 'partnerUser', sees: ['worldwide'] },
  {
    name: 'partner reader without a profile country, header FR',
    kind: 'partnerUser',
    header: 'FR',
    sees: ['worldwide', 'france'],
  },
  { name: 'moderator (editor)', kind: 'moderator', sees: ['worldwide', 'senegal', 'france', 'draft'] },
  { name: 'admin (editor)', kind: 'admin', sees: ['worldwide', 'senegal', 'france', 'draft'] },
  { name: 'service role', kind: 'service', sees: ['worldwide', 'senegal', 'france', 'draft'] },
];

const idOf = (name: Visible) => ID[name];

async function clientFor(c: Case): Promise<SupabaseClient> {
  const stack = testStack();
  const headers: Record<string, string> = c.header ? { 'x-coko-country': c.header } : {};
  const options = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };
  if (c.kind === 'anon') return createClient(stack.url, stack.publishableKey, { ...options, global: { headers } });
  if (c.kind === 'service') return createClient(stack.url, stack.secretKey, { ...options, global: { headers } });
  const token = await tokenFor(USERS[c.kind], c.claims);
  return createClient(stack.url, stack.publishableKey, {
    ...options,
    global: { headers: { ...headers, Authorization: `Bearer ${token}` } },
  });
}

beforeAll(async () => {
  await ensureTestUsers();
  await adminQuery(`update public.profiles set country = 'SN' where id = $1`, [USERS.user.id]);
  await adminQuery(`update public.profiles set country = 'FR' where id = $1`, [USERS.otherUser.id]);
  await adminQuery(`update public.profiles set country = null where id = any($1)`, [
    [USERS.partnerUser.id, USERS.moderator.id, USERS.admin.id],
  ]);
  await adminQuery(`insert into public.authors (id, name, slug) values ($1, 'Awa Règle', 'awa-regle')`, [ID.author]);
  await adminQuery(`insert into public.categories (id, name, slug) values ($1, 'Pays', $2)`, [ID.category, CATEGORY]);
  await adminQuery(
    `insert into public.books (id, title, language, status, format, published_at, available_countries) values
       ($1, $5 || ' partout', 'fr', 'published', 'epub', now(), '{}'),
       ($2, $5 || ' au Sénégal', 'fr', 'published', 'epub', now(), '{SN,CI}'),
       ($3, $5 || ' en France', 'en', 'published', 'epub', now(), '{FR}'),
       ($4, $5 || ' brouillon', 'fr', 'draft', null, null, '{SN}')`,
    [ID.worldwide, ID.senegal, ID.france, ID.draft, WORD],
  );
  for (const book of BOOKS) {
    await adminQuery('insert into public.book_authors (book_id, author_id, position) values ($1, $2, 0)', [
      book,
      ID.author,
    ]);
    await adminQuery('insert into public.book_categories (book_id, category_id) values ($1, $2)', [book, ID.category]);
  }
});

describe.each(CASES)('$name', (c) => {
  const expected = c.sees.map(idOf).sort();
  const published = c.sees
    .filter((name) => name !== 'draft')
    .map(idOf)
    .sort();

  it('lists exactly the books of its countries', async () => {
    const client = await clientFor(c);
    const { data, error } = await client.from('books').select('id').in('id', BOOKS).order('id');
    expect(error).toBeNull();
    expect(data?.map((row) => row.id)).toEqual(expected);
  });

  it('opens a book of another country as not found', async () => {
    const client = await clientFor(c);
    for (const name of ['senegal', 'france'] as const) {
      const { data, error } = await client.from('books').select('id,title').eq('id', ID[name]).maybeSingle();
      expect(error).toBeNull();
      expect(data?.id ?? null).toBe(c.sees.includes(name) ? ID[name] : null);
    }
  });

  it('sees the author and category links of those books only', async () => {
    const client = await clientFor(c);
    const authors = await client.from('book_authors').select('book_id').in('book_id', BOOKS).order('book_id');
    const categories = await client.from('book_categories').select('book_id').in('book_id', BOOKS).order('book_id');
    expect(authors.data?.map((row) => row.book_id)).toEqual(expected);
    expect(categories.data?.map((row) => row.book_id)).toEqual(expected);
    // An embed follows the rule too: the author's books.
    const { data } = await client.from('authors').select('id, books(id)').eq('id', ID.author).single();
    const books = (data?.books ?? []) as { id: string }[];
    expect(books.map((book) => book.id).sort()).toEqual(expected);
  });

  it('finds, counts and facets the published ones by search', async () => {
    const client = await clientFor(c);
    const { data, error } = await client.rpc('search_books', { query: WORD });
    expect(error).toBeNull();
    const result = data as {
      total: number;
      items: { id: string }[];
      facets: { categories: { slug: string; count: number }[]; languages: { language: string; count: number }[] };
    };
    expect(result.items.map((item) => item.id).sort()).toEqual(published);
    expect(result.total).toBe(published.length);
    expect(result.facets.categories.find((f) => f.slug === CATEGORY)?.count).toBe(published.length);
    const languages = Object.fromEntries(result.facets.languages.map((f) => [f.language, f.count]));
    expect(languages.en ?? 0).toBe(c.sees.includes('france') ? 1 : 0);
  });

  it('browses a category with the same rule (no query)', async () => {
    const client = await clientFor(c);
    const { data } = await client.rpc('search_books', { category: CATEGORY, page_size: 100 });
    const result = data as { total: number; items: { id: string }[] };
    expect(result.total).toBe(published.length);
    expect(result.items.map((item) => item.id).sort()).toEqual(published);
  });
});

describe('the country filter of search_books narrows, never widens', () => {
  it('a reader in SN filtering on FR sees worldwide books only', async () => {
    const client = await clientFor({ name: '', kind: 'user', sees: [] });
    const { data } = await client.rpc('search_books', { query: WORD, country: 'FR' });
    expect((data as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([ID.worldwide]);
  });

  it('an editor filtering on FR sees the worldwide and French books', async () => {
    const client = await clientFor({ name: '', kind: 'moderator', sees: [] });
    const { data } = await client.rpc('search_books', { query: WORD, country: 'FR' });
    expect((data as { items: { id: string }[] }).items.map((item) => item.id).sort()).toEqual(
      [ID.worldwide, ID.france].sort(),
    );
  });
});

describe('x-coko-country', () => {
  it('a malformed header is a 400 VALIDATION_ERROR at the gateway', async () => {
    for (const value of ['SEN', 'Senegal', '1', 'S N']) {
      const response = await rest('/books?select=id&limit=1', { headers: { 'x-coko-country': value } });
      expect(response.status, value).toBe(400);
      const body = (await response.json()) as { error: { code: string; details: { header: string } } };
      expect(body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { header: 'x-coko-country' } });
    }
  });
});

describe('search_books arguments', () => {
  const rpc = async (args: Record<string, unknown>) => {
    const client = await clientFor({ name: '', kind: 'anon', sees: [] });
    return client.rpc('search_books', args);
  };

  it('a query of 1 or 2 characters after trimming is refused with 22023 (HTTP 400)', async () => {
    for (const query of ['a', 'go', '  go  ', 'é\u0301']) {
      const { error, status } = await rpc({ query });
      expect(status, query).toBe(400);
      expect(error).toMatchObject({ code: '22023', message: 'query is too short', hint: 'argument: query' });
    }
  });

  it('3 characters search, an empty or blank query browses', async () => {
    for (const query of ['Kwa', '', '   ']) {
      const { error, data } = await rpc({ query, category: CATEGORY });
      expect(error, JSON.stringify(query)).toBeNull();
      expect((data as { total: number }).total).toBe(1);
    }
  });

  it('page_size defaults to 20, goes up to 100, and 101 is refused', async () => {
    const browse = await rpc({});
    expect((browse.data as { items: unknown[] }).items.length).toBe(
      Math.min(20, (browse.data as { total: number }).total),
    );
    expect((await rpc({ page_size: 100 })).error).toBeNull();
    const { error, status } = await rpc({ page_size: 101 });
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '22023', hint: 'argument: page_size' });
  });
});
