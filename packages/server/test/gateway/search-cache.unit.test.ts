// The gateway's cache of guests' searches without a stack: a Hono app with the cache in front of a
// counting stand-in for the proxy. What is reused, for whom, for how long, and what never is.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { SEARCH_CACHE_HEADER, SearchCache, type SearchCacheOptions } from '../../src/gateway/search-cache.ts';
import type { Access } from '../../src/gateway/upstream.ts';

interface Harness {
  app: Hono;
  cache: SearchCache;
  /** Requests that reached the stand-in upstream. */
  upstream: string[];
  clock: { now: number };
}

function harness(options: SearchCacheOptions = {}, answer = (n: number) => new Response(`{"n":${n}}`)): Harness {
  const clock = { now: 1_000_000 };
  const cache = new SearchCache({ now: () => clock.now, ...options });
  const upstream: string[] = [];
  const app = new Hono();
  app.all('/rest/v1/*', async (c) => {
    const token = c.req.header('authorization');
    const access: Access =
      c.req.header('apikey') === 'secret' ? { kind: 'service' } : { kind: 'anon', userToken: token };
    return cache.handle(c, access, async () => {
      upstream.push(`${c.req.method} ${c.req.url} ${c.req.method === 'POST' ? await c.req.text() : ''}`);
      // Give concurrent requests the time to pile up behind the first.
      await new Promise((resolve) => setImmediate(resolve));
      return answer(upstream.length);
    });
  });
  return { app, cache, upstream, clock };
}

const search = (h: Harness, body: unknown, headers: Record<string, string> = {}) =>
  h.app.request('/rest/v1/rpc/search_books', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('SearchCache', () => {
  it("reuses a guest's answer for equivalent requests (argument order, surrounding spaces)", async () => {
    const h = harness();
    const first = await search(h, { query: 'histoire', page: 1 });
    expect(first.headers.get(SEARCH_CACHE_HEADER)).toBe('miss');
    expect(await first.text()).toBe('{"n":1}');
    const second = await search(h, { page: 1, query: '  histoire ' });
    expect(second.headers.get(SEARCH_CACHE_HEADER)).toBe('hit');
    expect(second.headers.get('age')).toBe('0');
    expect(await second.text()).toBe('{"n":1}');
    expect(h.upstream).toHaveLength(1);
    expect([h.cache.hits, h.cache.misses]).toEqual([1, 1]);
  });

  it('keeps apart what the answer depends on: arguments, country, encoding, GET parameters', async () => {
    const h = harness();
    await search(h, { query: 'histoire', page: 1 });
    await search(h, { query: 'histoire', page: 2 });
    await search(h, { query: 'histoire', page: 1 }, { 'x-coko-country': 'SN' });
    await search(h, { query: 'histoire', page: 1 }, { 'accept-encoding': 'br' });
    await h.app.request('/rest/v1/rpc/search_books?query=histoire');
    await h.app.request('/rest/v1/rpc/search_books?query=histoire&query=conte');
    expect(h.upstream).toHaveLength(6);
    await h.app.request('/rest/v1/rpc/search_books?query=histoire');
    expect(h.upstream).toHaveLength(6);
  });

  it('never caches signed-in readers without a scope resolver, the service key, other paths or non-object bodies', async () => {
    const h = harness();
    for (let i = 0; i < 2; i++) {
      await search(h, { query: 'histoire' }, { authorization: 'Bearer user-token' });
      await search(h, { query: 'histoire' }, { apikey: 'secret' });
      await h.app.request('/rest/v1/books?select=id');
      await search(h, ['histoire']);
    }
    expect(h.upstream).toHaveLength(8);
    expect(h.cache.size).toBe(0);
  });

  it('expires entries after the TTL, and Cache-Control: no-cache refreshes one', async () => {
    const h = harness({ ttlSeconds: 60 });
    await search(h, { query: 'histoire' });
    h.clock.now += 59_000;
    const aged = await search(h, { query: 'histoire' });
    expect(aged.headers.get('age')).toBe('59');
    h.clock.now += 1_000;
    expect(await (await search(h, { query: 'histoire' })).text()).toBe('{"n":2}');
    const fresh = await search(h, { query: 'histoire' }, { 'cache-control': 'no-cache' });
    expect(fresh.headers.get(SEARCH_CACHE_HEADER)).toBe('miss');
    expect(await fresh.text()).toBe('{"n":3}');
    expect(await (await search(h, { query: 'histoire' })).text()).toBe('{"n":3}');
  });

  it('sends concurrent misses of one key upstream once', async () => {
    const h = harness();
    const answers = await Promise.all(Array.from({ length: 8 }, () => search(h, { query: 'histoire' })));
    expect(h.upstream).toHaveLength(1);
    expect(await Promise.all(answers.map((a) => a.text()))).toEqual(Array(8).fill('{"n":1}'));
  });

  it('keeps no error and no answer over the size limit', async () => {
    const errors = harness({}, () => new Response('{"code":"22023"}', { status: 400 }));
    expect((await search(errors, { query: 'hi' })).status).toBe(400);
    expect((await search(errors, { query: 'hi' })).status).toBe(400);
    expect(errors.upstream).toHaveLength(2);
    const large = harness({ maxBodyBytes: 4 });
    await search(large, { query: 'histoire' });
    await search(large, { query: 'histoire' });
    expect(large.upstream).toHaveLength(2);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const h = harness({ maxEntries: 2 });
    await search(h, { query: 'aaa' });
    await search(h, { query: 'bbb' });
    await search(h, { query: 'aaa' }); // aaa is now the most recent
    await search(h, { query: 'ccc' }); // evicts bbb
    expect(h.cache.size).toBe(2);
    await search(h, { query: 'aaa' });
    expect(h.upstream).toHaveLength(3);
    await search(h, { query: 'bbb' });
    expect(h.upstream).toHaveLength(4);
  });

  it('is off with a TTL of 0', async () => {
    const h = harness({ ttlSeconds: 0 });
    await search(h, { query: 'histoire' });
    await search(h, { query: 'histoire' });
    expect(h.upstream).toHaveLength(2);
  });
});
