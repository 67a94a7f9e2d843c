// The gateway's search cache for signed-in readers, without a stack: a Hono app with the cache in front
// of a counting stand-in for the proxy, and a stand-in database for private.search_scope(). How a
// reader's key is made (their effective country in place of the header), who bypasses it, and the
// per-user scope cache.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { SEARCH_CACHE_HEADER, SearchCache } from '../../src/gateway/search-cache.ts';
import { createSearchScopes, type SearchScope } from '../../src/gateway/search-scope.ts';
import type { Access } from '../../src/gateway/upstream.ts';

const READER = '11111111-1111-4111-8111-111111111111';
const EDITOR = '22222222-2222-4222-8222-222222222222';
const NOWHERE = '33333333-3333-4333-8333-333333333333';
const NOW = 1_800_000_000_000;

/** An unsigned JWT-shaped token (the cache reads claims; PostgREST, absent here, verifies them). */
function token(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ role: 'authenticated', exp: NOW / 1000 + 600, ...claims })}.sig`;
}

function harness(profiles: Record<string, SearchScope> = {}) {
  const clock = { now: NOW };
  const queries: string[] = [];
  const db = {
    async query(_text: string, values?: unknown[]) {
      const id = String(values?.[0]);
      queries.push(id);
      return { rows: [profiles[id] ?? { editor: false, country: null }] };
    },
  };
  const cache = new SearchCache({
    now: () => clock.now,
    scopes: createSearchScopes(db, { ttlSeconds: 60, now: () => clock.now }),
  });
  const upstream: string[] = [];
  const app = new Hono();
  app.all('/rest/v1/*', async (c) => {
    const bearer = c.req.header('authorization')?.replace(/^Bearer /, '');
    const access: Access = { kind: 'anon', userToken: bearer };
    return cache.handle(c, access, async () => {
      upstream.push(`${bearer ?? 'guest'} ${c.req.header('x-coko-country') ?? ''}`);
      return new Response(`{"n":${upstream.length}}`, { headers: { 'cache-control': 'upstream' } });
    });
  });
  const search = async (headers: Record<string, string> = {}, method = 'POST') => {
    const response = await app.request(
      method === 'GET' ? '/rest/v1/rpc/search_books?query=histoire' : '/rest/v1/rpc/search_books',
      method === 'GET'
        ? { headers }
        : { method, headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"histoire"}' },
    );
    return {
      body: await response.text(),
      cache: response.headers.get(SEARCH_CACHE_HEADER),
      cacheControl: response.headers.get('cache-control'),
    };
  };
  return { clock, queries, upstream, search };
}

const bearer = (claims: Record<string, unknown>) => ({ authorization: `Bearer ${token(claims)}` });

describe("the search cache's signed-in readers", () => {
  it('keys a reader by their effective country: a reader in SN and a guest asking for SN share an entry', async () => {
    const h = harness({ [READER]: { editor: false, country: 'SN' } });
    expect(await h.search(bearer({ sub: READER }))).toMatchObject({ body: '{"n":1}', cache: 'miss' });
    expect(await h.search({ 'x-coko-country': 'sn' })).toMatchObject({ body: '{"n":1}', cache: 'hit' });
    expect(await h.search(bearer({ sub: READER }))).toMatchObject({ body: '{"n":1}', cache: 'hit' });
    // A guest without a country and one in CI are other answers.
    expect((await h.search()).body).toBe('{"n":2}');
    expect((await h.search({ 'x-coko-country': 'CI' })).body).toBe('{"n":3}');
  });

  it("takes the profile's country over the token's claim and the header, as private.reader_country() does", async () => {
    const h = harness({ [READER]: { editor: false, country: 'SN' } });
    await h.search({ 'x-coko-country': 'CI' });
    const reader = bearer({ sub: READER, app_metadata: { country: 'CI' } });
    expect(await h.search({ ...reader, 'x-coko-country': 'CI' })).toMatchObject({ body: '{"n":2}', cache: 'miss' });
    expect((await h.search({ 'x-coko-country': 'SN' })).cache).toBe('hit');
  });

  it('without a profile country, takes the claim, then the header', async () => {
    const h = harness();
    await h.search({ 'x-coko-country': 'CM' });
    await h.search({ 'x-coko-country': 'BJ' });
    const claimed = await h.search({
      ...bearer({ sub: NOWHERE, app_metadata: { country: 'cm' } }),
      'x-coko-country': 'BJ',
    });
    expect(claimed).toMatchObject({ body: '{"n":1}', cache: 'hit' });
    expect(await h.search({ ...bearer({ sub: NOWHERE }), 'x-coko-country': 'BJ' })).toMatchObject({ body: '{"n":2}' });
    expect(h.upstream).toHaveLength(2);
  });

  it('never caches editors', async () => {
    const h = harness({ [EDITOR]: { editor: true, country: 'SN' } });
    await h.search({ 'x-coko-country': 'SN' });
    for (let i = 0; i < 2; i++) expect((await h.search(bearer({ sub: EDITOR }))).cache).toBeNull();
    expect(h.upstream).toHaveLength(3);
  });

  it('lets expired tokens, other roles, unreadable tokens and subs that are not uuids reach the database', async () => {
    const h = harness();
    await h.search();
    const bypassing = [
      bearer({ sub: READER, exp: NOW / 1000 - 1 }),
      bearer({ sub: READER, exp: undefined }),
      bearer({ sub: READER, role: 'service_role' }),
      bearer({ sub: 'not-a-uuid' }),
      { authorization: 'Bearer not.a-jwt' },
    ];
    for (const headers of bypassing) expect((await h.search(headers)).cache).toBeNull();
    expect(h.upstream).toHaveLength(1 + bypassing.length);
    expect(h.queries).toHaveLength(0);
  });

  it('tells the asker, not whoever filled the entry, who may keep the answer (Cache-Control)', async () => {
    const h = harness({ [READER]: { editor: false, country: 'SN' } });
    expect((await h.search({ 'x-coko-country': 'SN' }, 'GET')).cacheControl).toMatch(/^public/);
    const reader = await h.search(bearer({ sub: READER }), 'GET');
    expect(reader.cache).toBe('hit');
    expect(reader.cacheControl).toMatch(/^private/);
  });

  it('reads a scope once per user for the TTL, then again', async () => {
    const h = harness({ [READER]: { editor: false, country: 'SN' } });
    await Promise.all([h.search(bearer({ sub: READER })), h.search(bearer({ sub: READER }))]);
    await h.search(bearer({ sub: READER }));
    expect(h.queries).toEqual([READER]);
    h.clock.now += 60_000;
    await h.search(bearer({ sub: READER, exp: (NOW + 600_000) / 1000 }));
    expect(h.queries).toEqual([READER, READER]);
  });

  it('steps aside when the database cannot say, and keeps no failure', async () => {
    let fail = true;
    const scopes = createSearchScopes(
      {
        async query() {
          if (fail) throw new Error('connection refused');
          return { rows: [{ editor: false, country: 'SN' }] };
        },
      },
      { ttlSeconds: 60 },
    );
    await expect(scopes.scopeOf(READER)).rejects.toThrow('connection refused');
    fail = false;
    expect(await scopes.scopeOf(READER)).toEqual({ editor: false, country: 'SN' });
  });

  it('keeps at most maxEntries users, the least recently used going first', async () => {
    const asked: string[] = [];
    const scopes = createSearchScopes(
      {
        async query(_text: string, values?: unknown[]) {
          asked.push(String(values?.[0]));
          return { rows: [{ editor: false, country: null }] };
        },
      },
      { ttlSeconds: 60, maxEntries: 2 },
    );
    for (const id of [READER, EDITOR, READER, NOWHERE, READER, EDITOR]) await scopes.scopeOf(id);
    expect(asked).toEqual([READER, EDITOR, NOWHERE, EDITOR]);
  });
});
