// HTTP caching at the gateway, against the test stack's real PostgREST (src/gateway/cache.ts): public
// catalog reads are cacheable by a CDN for a minute, reads with a user token are private, every page
// carries a weak ETag over its uncompressed body, and a matching If-None-Match is a 304 without a body.
// Also the API's public GET /v1/plans (hono/etag). Covers' year-long caching is tested with the storage.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIVATE_CACHE_CONTROL, PUBLIC_CATALOG_CACHE_CONTROL, REST_VARY } from '../../src/gateway/cache.ts';
import { mintUserToken } from '../../src/stack/keys.ts';
import { API, admin, rest, stack } from '../identity/helpers.ts';

const PREFIX = `Cachetest ${randomUUID().slice(0, 8)}`;
const FIRST = '32000000-0000-4000-8000-000000000001';
const LATER = '32000000-0000-4000-8000-000000000002';
const PAGE = `/books?select=id,title&title=like.${encodeURIComponent(`${PREFIX}*`)}&order=id&limit=1`;

async function insertBook(id: string, title: string): Promise<void> {
  await admin.query(
    `insert into public.books (id, title, language, status, format, published_at) values ($1, $2, 'fr', 'published', 'epub', now())`,
    [id, title],
  );
}

beforeAll(async () => {
  await insertBook(FIRST, `${PREFIX} un`);
});

afterAll(async () => {
  await admin.query('delete from public.books where id = any($1)', [[FIRST, LATER]]);
});

const get = (path: string, headers: Record<string, string> = {}, token?: string) =>
  rest(path, { token, init: { headers } });

describe('public catalog reads (no user token)', () => {
  it('are cacheable by a CDN, vary on what changes the page, and carry a weak ETag', async () => {
    const response = await get(PAGE);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(PUBLIC_CATALOG_CACHE_CONTROL).toBe('public, max-age=60, stale-while-revalidate=300');
    const vary = (response.headers.get('vary') ?? '').toLowerCase().split(/\s*,\s*/);
    for (const name of ['accept-encoding', 'accept-profile', 'prefer', 'x-coko-country', 'authorization', 'accept']) {
      expect(vary, name).toContain(name);
    }
    expect(response.headers.get('etag')).toMatch(/^W\/"[\w-]+"$/);
    expect(await response.json()).toEqual([{ id: FIRST, title: `${PREFIX} un` }]);
  });

  it('an unchanged page is a 304 without a body; the 304 repeats the validators', async () => {
    const first = await get(PAGE);
    const etag = first.headers.get('etag') ?? '';
    await first.arrayBuffer();
    for (const ifNoneMatch of [etag, etag.slice(2), `"other", ${etag}`, '*']) {
      const again = await get(PAGE, { 'if-none-match': ifNoneMatch });
      expect(again.status, ifNoneMatch).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe(PUBLIC_CATALOG_CACHE_CONTROL);
      expect(again.headers.get('vary')).toBe(REST_VARY);
      // (Content-Type: @hono/node-server stamps one on every response, bodiless or not.)
      expect(again.headers.get('content-encoding')).toBeNull();
      expect(again.headers.get('content-range')).toBeNull();
      expect(again.headers.get('x-request-id')).toBeTruthy();
    }
    const other = await get(PAGE, { 'if-none-match': 'W/"not-this-one"' });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).toBe(etag);
    await other.arrayBuffer();
  });

  it('the ETag is over the uncompressed body: identity, gzip and brotli share it', async () => {
    // A page large enough to be compressed (over 1 KiB).
    const path = '/books?select=id,title,description&order=id&limit=20';
    const tags = new Set<string | null>();
    for (const encoding of ['identity', 'gzip', 'br']) {
      const response = await get(path, { 'accept-encoding': encoding });
      expect(response.status).toBe(200);
      tags.add(response.headers.get('etag'));
      await response.arrayBuffer();
    }
    expect(tags.size).toBe(1);
    const [etag] = [...tags];
    const revalidated = await get(path, { 'accept-encoding': 'br', 'if-none-match': etag ?? '' });
    expect(revalidated.status).toBe(304);
  });

  it('a change to the page is a 200 with a new ETag', async () => {
    const before = await get(PAGE);
    const etag = before.headers.get('etag') ?? '';
    await before.arrayBuffer();
    await admin.query('update public.books set subtitle = $2, title = $3 where id = $1', [
      FIRST,
      'changed',
      `${PREFIX} un (nouvelle édition)`,
    ]);
    const after = await get(PAGE, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await after.json()).toEqual([{ id: FIRST, title: `${PREFIX} un (nouvelle édition)` }]);
  });

  it('a counted page changes its ETag when the total changes, even if its rows do not', async () => {
    const counted = { prefer: 'count=exact' };
    const before = await get(PAGE, counted);
    expect([200, 206]).toContain(before.status);
    const etag = before.headers.get('etag');
    expect(etag).toMatch(/^W\//);
    const rows = await before.json();
    await insertBook(LATER, `${PREFIX} deux`);
    const after = await get(PAGE, { ...counted, 'if-none-match': etag ?? '' });
    expect([200, 206]).toContain(after.status);
    expect(after.headers.get('content-range')).toMatch(/\/2$/);
    expect(await after.json()).toEqual(rows);
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('search_books by GET is public too; by POST it is not cached', async () => {
    const query = `/rpc/search_books?query=${encodeURIComponent('roman')}&page_size=2`;
    const byGet = await get(query);
    expect(byGet.status).toBe(200);
    expect(byGet.headers.get('cache-control')).toBe(PUBLIC_CATALOG_CACHE_CONTROL);
    const etag = byGet.headers.get('etag') ?? '';
    await byGet.arrayBuffer();
    expect((await get(query, { 'if-none-match': etag })).status).toBe(304);
    const byPost = await rest('/rpc/search_books', {
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'roman', page_size: 2 }),
      },
    });
    expect(byPost.status).toBe(200);
    expect(byPost.headers.get('etag')).toBeNull();
    expect(byPost.headers.get('cache-control')).toBeNull();
    await byPost.arrayBuffer();
  });

  it('HEAD: cache headers always; with If-None-Match, revalidated like a GET', async () => {
    const page = await get(PAGE);
    const etag = page.headers.get('etag') ?? '';
    await page.arrayBuffer();
    const plain = await rest(PAGE, { init: { method: 'HEAD' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe(PUBLIC_CATALOG_CACHE_CONTROL);
    expect(plain.headers.get('vary')).toContain('x-coko-country');
    expect(plain.headers.get('etag')).toBeNull();
    const revalidated = await rest(PAGE, { init: { method: 'HEAD', headers: { 'if-none-match': etag } } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
    const stale = await rest(PAGE, { init: { method: 'HEAD', headers: { 'if-none-match': 'W/"old"' } } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('etag')).toBe(etag);
    expect(await stale.text()).toBe('');
  });

  it('errors are not cached', async () => {
    const response = await get('/books?select=nope');
    expect(response.status).toBe(400);
    expect(response.headers.get('etag')).toBeNull();
    expect(response.headers.get('cache-control') ?? '').not.toMatch(/public/);
    await response.arrayBuffer();
  });
});

describe('reads with a user token, and other tables', () => {
  it('a signed-in reader gets private, no-cache, and still a 304 when nothing changed', async () => {
    const token = await mintUserToken(stack.keys, { id: randomUUID() }, { expiresInSeconds: 60 });
    const page = await get(PAGE, {}, token);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe(PRIVATE_CACHE_CONTROL);
    const etag = page.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\//);
    await page.arrayBuffer();
    const again = await get(PAGE, { 'if-none-match': etag }, token);
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe('private, no-cache');
  });

  it('reads outside the catalog are private even for guests', async () => {
    const response = await get('/rpc/authorize?permission=books:update');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe(PRIVATE_CACHE_CONTROL);
    await response.arrayBuffer();
  });
});

describe('the API: GET /v1/plans', () => {
  it('has a weak ETag, a 304 when unchanged, and public caching for guests', async () => {
    const headers = { apikey: stack.publishableKey };
    const first = await fetch(`${API}/v1/plans`, { headers });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers.get('cache-control')).toBe(PUBLIC_CATALOG_CACHE_CONTROL);
    await first.arrayBuffer();
    const again = await fetch(`${API}/v1/plans`, { headers: { ...headers, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('x-request-id')).toBeTruthy();
    expect(await again.text()).toBe('');
  });
});
