// The gateway's cache of guests' searches (src/gateway/search-cache.ts) in front of the real PostgREST
// and search_books(): a second gateway on the test database with the cache on. A guest's repeated search
// is answered from memory (a book added meanwhile shows only once the entry is refreshed), while
// `Cache-Control: no-cache`, another country and signed-in readers reach the database.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_CACHE_HEADER } from '../../src/gateway/search-cache.ts';
import { mintUserToken } from '../../src/stack/keys.ts';
import { type Services, startServices } from '../../src/stack/services.ts';
import { admin, stack } from '../identity/helpers.ts';

const WORD = 'Vendrakolu';
const FIRST = '33000000-0000-4000-8000-000000000001';
const LATER = '33000000-0000-4000-8000-000000000002';
let services: Services;

async function insertBook(id: string): Promise<void> {
  await admin.query(
    `insert into public.books (id, title, language, status, format, published_at)
     values ($1, $2, 'fr', 'published', 'epub', now())`,
    [id, `${WORD} ${id.slice(-1)}`],
  );
}

async function search(headers: Record<string, string> = {}): Promise<{ total: number; cache: string | null }> {
  const response = await fetch(`${services.url}/rest/v1/rpc/search_books`, {
    method: 'POST',
    headers: { apikey: stack.publishableKey, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: WORD }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { total: number };
  return { total: body.total, cache: response.headers.get(SEARCH_CACHE_HEADER) };
}

beforeAll(async () => {
  await insertBook(FIRST);
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
  await admin.query('delete from public.books where id = any($1)', [[FIRST, LATER]]);
});

describe("the gateway's search cache", () => {
  it("reuses a guest's answer until it is refreshed with no-cache", async () => {
    expect(await search()).toEqual({ total: 1, cache: 'miss' });
    await insertBook(LATER);
    expect(await search()).toEqual({ total: 1, cache: 'hit' });
    expect(await search({ 'cache-control': 'no-cache' })).toEqual({ total: 2, cache: 'miss' });
    expect(await search()).toEqual({ total: 2, cache: 'hit' });
  });

  it('keeps countries apart and never serves signed-in readers from it', async () => {
    expect(await search({ 'x-coko-country': 'SN' })).toEqual({ total: 2, cache: 'miss' });
    const token = await mintUserToken(stack.keys, { id: randomUUID() }, { expiresInSeconds: 60 });
    for (let i = 0; i < 2; i++) {
      expect(await search({ authorization: `Bearer ${token}` })).toEqual({ total: 2, cache: null });
    }
  });
});
