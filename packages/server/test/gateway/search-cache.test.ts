// The gateway's search cache (src/gateway/search-cache.ts) in front of the real PostgREST and
// search_books(): a second gateway on the test database with the cache on. A guest's repeated search
// is answered from memory (a book added meanwhile shows only once the entry is refreshed), while
// `Cache-Control: no-cache` and another country reach the database. Signed-in readers are served by
// their country (private.search_scope(): profile, else claim, else header), sharing guests' entries;
// editors always reach the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_CACHE_HEADER } from '../../src/gateway/search-cache.ts';
import { mintUserToken } from '../../src/stack/keys.ts';
import { type Services, startServices } from '../../src/stack/services.ts';
import { admin, stack } from '../identity/helpers.ts';

const WORD = 'Vendrakolu';
const FIRST = '33000000-0000-4000-8000-000000000001';
const LATER = '33000000-0000-4000-8000-000000000002';
// Readers' searches: a word of their own, a book sold worldwide, one in SN only, one in FR only.
const READERS_WORD = 'Quelvarondu';
const SOLD = {
  worldwide: '33000000-0000-4000-8000-000000000011',
  senegal: '33000000-0000-4000-8000-000000000012',
  france: '33000000-0000-4000-8000-000000000013',
} as const;
const USER = {
  senegal: '33000000-0000-4000-8000-000000000021',
  france: '33000000-0000-4000-8000-000000000022',
  editor: '33000000-0000-4000-8000-000000000023',
} as const;
let services: Services;

async function insertBook(id: string): Promise<void> {
  await admin.query(
    `insert into public.books (id, title, language, status, format, published_at)
     values ($1, $2, 'fr', 'published', 'epub', now())`,
    [id, `${WORD} ${id.slice(-1)}`],
  );
}

async function searchFor(
  query: string,
  headers: Record<string, string> = {},
): Promise<{ total: number; ids: string[]; cache: string | null }> {
  const response = await fetch(`${services.url}/rest/v1/rpc/search_books`, {
    method: 'POST',
    headers: { apikey: stack.publishableKey, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { total: number; items: { id: string }[] };
  const ids = body.items.map((item) => item.id).sort();
  return { total: body.total, ids, cache: response.headers.get(SEARCH_CACHE_HEADER) };
}

async function search(headers: Record<string, string> = {}): Promise<{ total: number; cache: string | null }> {
  const { total, cache } = await searchFor(WORD, headers);
  return { total, cache };
}

/** A user (auth.users; the trigger creates the profile) with a profile country and maybe the moderator role. */
async function createReader(id: string, country: string | null, moderator = false): Promise<void> {
  await admin.query(
    `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '{}', '{}', now(), now())
     on conflict (id) do nothing`,
    [id, `${id}@search-cache.test`],
  );
  await admin.query('update public.profiles set country = $2 where id = $1', [id, country]);
  if (moderator) {
    await admin.query(`insert into public.user_roles (user_id, role) values ($1, 'moderator') on conflict do nothing`, [
      id,
    ]);
  }
}

const signedIn = async (id: string) => ({
  authorization: `Bearer ${await mintUserToken(stack.keys, { id }, { expiresInSeconds: 600 })}`,
});

beforeAll(async () => {
  await insertBook(FIRST);
  for (const [name, id] of Object.entries(SOLD)) {
    const countries = { worldwide: [], senegal: ['SN'], france: ['FR'] }[name];
    await admin.query(
      `insert into public.books (id, title, language, status, format, published_at, available_countries)
       values ($1, $2, 'fr', 'published', 'epub', now(), $3)`,
      [id, `${READERS_WORD} ${name}`, countries],
    );
  }
  await createReader(USER.senegal, 'SN');
  await createReader(USER.france, 'FR');
  await createReader(USER.editor, null, true);
  services = await startServices({
    adminDatabaseUrl: stack.adminDatabaseUrl,
    keys: stack.keys,
    createApi: async () => ({ fetch: () => new Response(null, { status: 204 }) }),
    postgrestPool: 2,
    searchCacheSeconds: 60,
  });
});

afterAll(async () => {
  await services?.stop();
  await admin.query('delete from public.books where id = any($1)', [[FIRST, LATER, ...Object.values(SOLD)]]);
  await admin.query('delete from auth.users where id = any($1)', [Object.values(USER)]);
});

describe("the gateway's search cache", () => {
  it("reuses a guest's answer until it is refreshed with no-cache", async () => {
    expect(await search()).toEqual({ total: 1, cache: 'miss' });
    await insertBook(LATER);
    expect(await search()).toEqual({ total: 1, cache: 'hit' });
    expect(await search({ 'cache-control': 'no-cache' })).toEqual({ total: 2, cache: 'miss' });
    expect(await search()).toEqual({ total: 2, cache: 'hit' });
  });

  it('keeps countries apart', async () => {
    expect(await search({ 'x-coko-country': 'SN' })).toEqual({ total: 2, cache: 'miss' });
    expect(await search({ 'x-coko-country': 'CI' })).toEqual({ total: 2, cache: 'miss' });
  });
});

describe("the gateway's search cache for signed-in readers", () => {
  const worldwideAnd = (id: string) => [SOLD.worldwide, id].sort();

  it("answers a reader's second search from memory, sharing the entry of guests of their country", async () => {
    const reader = await signedIn(USER.senegal);
    expect(await searchFor(READERS_WORD, reader)).toEqual({ total: 2, ids: worldwideAnd(SOLD.senegal), cache: 'miss' });
    expect(await searchFor(READERS_WORD, reader)).toMatchObject({ total: 2, cache: 'hit' });
    expect(await searchFor(READERS_WORD, { 'x-coko-country': 'SN' })).toMatchObject({ total: 2, cache: 'hit' });
  });

  it("gives a reader their profile country's answer whatever header they send", async () => {
    const reader = await signedIn(USER.france);
    const answer = await searchFor(READERS_WORD, { ...reader, 'x-coko-country': 'SN' });
    expect(answer).toEqual({ total: 2, ids: worldwideAnd(SOLD.france), cache: 'miss' });
    expect(await searchFor(READERS_WORD, { ...reader, 'x-coko-country': 'SN' })).toMatchObject({ cache: 'hit' });
    expect(await searchFor(READERS_WORD, { 'x-coko-country': 'FR' })).toMatchObject({ cache: 'hit' });
  });

  it("never keeps an editor's search, which sees every country", async () => {
    const editor = await signedIn(USER.editor);
    for (let i = 0; i < 2; i++) {
      expect(await searchFor(READERS_WORD, editor)).toEqual({ total: 3, ids: Object.values(SOLD).sort(), cache: null });
    }
  });

  it('refuses a forged token that the cache cannot answer (PostgREST verifies it)', async () => {
    const token = await mintUserToken(stack.keys, { id: USER.editor }, { expiresInSeconds: 600 });
    const [header, payload] = token.split('.');
    const response = await fetch(`${services.url}/rest/v1/rpc/search_books`, {
      method: 'POST',
      headers: {
        apikey: stack.publishableKey,
        'content-type': 'application/json',
        authorization: `Bearer ${header}.${payload}.forged`,
      },
      body: JSON.stringify({ query: READERS_WORD }),
    });
    expect(response.status).toBe(401);
  });

  it('reads scopes with a function only the service role (the gateway) may call', async () => {
    const { rows } = await admin.query(
      `select has_function_privilege('service_role', f, 'execute') as service,
              has_function_privilege('authenticated', f, 'execute') as authenticated,
              has_function_privilege('anon', f, 'execute') as anon
       from (select 'private.search_scope(uuid)'::regprocedure as f) s`,
    );
    expect(rows[0]).toEqual({ service: true, authenticated: false, anon: false });
  });
});
