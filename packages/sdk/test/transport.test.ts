import { describe, expect, it } from 'vitest';
import { AuthenticationError, createCoko, NetworkError, ServerError, ValidationError } from '../src';
import { createTransport, readOnly } from '../src/core/transport';
import { fakeFetch, json, KEY, postgrestError, testClient, URL_BASE } from './helpers';

const page = (rows: unknown[] = [], total = rows.length) =>
  json(rows, { headers: { 'content-range': `0-${Math.max(rows.length - 1, 0)}/${total}` } });

describe('createCoko', () => {
  it('rejects a missing url or key', () => {
    expect(() => createCoko({ url: 'not a url', publishableKey: KEY })).toThrow(ValidationError);
    expect(() => createCoko({ url: URL_BASE, publishableKey: '' })).toThrow(ValidationError);
  });

  it('does not touch the network until a method is called', () => {
    const { calls } = testClient();
    expect(calls).toHaveLength(0);
  });
});

describe('auth headers', () => {
  it('guests send the publishable key as apikey and bearer', async () => {
    const { coko, calls } = testClient(() => page());
    await coko.catalog.list();
    expect(calls[0]?.headers.get('apikey')).toBe(KEY);
    expect(calls[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
  });

  it('a sync accessToken is used as the bearer token', async () => {
    const { coko, calls } = testClient(() => page(), { accessToken: () => 'user.jwt' });
    await coko.catalog.list();
    expect(calls[0]?.headers.get('apikey')).toBe(KEY);
    expect(calls[0]?.headers.get('authorization')).toBe('Bearer user.jwt');
  });

  it('an async accessToken is awaited once and cached (see session.test.ts for refreshes)', async () => {
    let n = 0;
    const { coko, calls } = testClient(() => page(), {
      accessToken: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        n += 1;
        return `token-${n}`;
      },
    });
    await coko.catalog.list();
    await coko.catalog.categories();
    expect(calls.map((c) => c.headers.get('authorization'))).toEqual(['Bearer token-1', 'Bearer token-1']);
    coko.invalidateAccessToken();
    await coko.catalog.categories();
    expect(calls[2]?.headers.get('authorization')).toBe('Bearer token-2');
  });

  it('falls back to the publishable key when accessToken returns null', async () => {
    const { coko, calls } = testClient(() => page(), { accessToken: async () => null });
    await coko.catalog.list();
    expect(calls[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
  });

  it('a throwing accessToken becomes an AuthenticationError, without retries', async () => {
    let attempts = 0;
    const { coko, calls } = testClient(() => page(), {
      retries: 2,
      accessToken: () => {
        attempts += 1;
        throw new Error('session lost');
      },
    });
    const error = await coko.catalog.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).cause).toBeInstanceOf(Error);
    expect(calls).toHaveLength(0);
    expect(attempts).toBe(1);
  });

  it('sends custom headers', async () => {
    const { coko, calls } = testClient(() => page(), { headers: { 'x-partner': 'acme' } });
    await coko.catalog.list();
    expect(calls[0]?.headers.get('x-partner')).toBe('acme');
  });

  it('targets <url>/rest/v1 (trailing slash tolerated)', async () => {
    const { coko, calls } = testClient(() => page(), { url: `${URL_BASE}/` });
    await coko.catalog.list();
    expect(`${calls[0]?.url.origin}${calls[0]?.url.pathname}`).toBe(`${URL_BASE}/rest/v1/books`);
  });
});

describe('retries and failures', () => {
  it('retries idempotent reads on 503 then succeeds', async () => {
    let n = 0;
    const { coko, calls } = testClient(
      () => (++n < 3 ? postgrestError(503, { code: 'PGRST000', message: 'down' }) : page()),
      { retries: 2 },
    );
    await expect(coko.catalog.list()).resolves.toMatchObject({ total: 0 });
    expect(calls).toHaveLength(3);
  });

  it('gives up after the retries with a ServerError', async () => {
    const { coko, calls } = testClient(() => postgrestError(500, { code: 'XX000', message: 'boom' }), { retries: 1 });
    await expect(coko.catalog.list()).rejects.toBeInstanceOf(ServerError);
    expect(calls).toHaveLength(2);
  });

  it('does not retry 4xx', async () => {
    const { coko, calls } = testClient(() => postgrestError(400, { code: '22P02', message: 'bad' }), { retries: 2 });
    await expect(coko.catalog.list()).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toHaveLength(1);
  });

  it('network failures become NetworkError (after retries)', async () => {
    let n = 0;
    const fetch = (async () => {
      n += 1;
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    const coko = createCoko({ url: URL_BASE, publishableKey: KEY, fetch, retries: 1 });
    const error = await coko.catalog.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).cause).toBeInstanceOf(TypeError);
    expect(n).toBe(2);
  });

  it('times out into a NetworkError', async () => {
    const fetch = ((_: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof globalThis.fetch;
    const coko = createCoko({ url: URL_BASE, publishableKey: KEY, fetch, timeout: 50, retries: 0 });
    const error = await coko.catalog.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).details).toEqual({ timeout: true });
  });

  it('an aborted signal rejects with the AbortError, not a CokoError', async () => {
    const controller = new AbortController();
    const { coko } = testClient(() => new Promise<Response>(() => {}));
    const promise = coko.catalog.list({}, { signal: controller.signal });
    controller.abort();
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('read-only RPCs', () => {
  it('are retried like GETs; other POSTs are not', async () => {
    const fake = fakeFetch(() => postgrestError(503, { code: 'PGRST000', message: 'down' }));
    const t = createTransport({ url: URL_BASE, publishableKey: KEY, fetch: fake.fetch, retries: 1 });
    await expect(readOnly(t.rest.rpc('search_books', { query: 'x' })).throwOnError()).rejects.toBeInstanceOf(
      ServerError,
    );
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls.every((c) => c.method === 'POST' && !c.headers.has('x-coko-read-only'))).toBe(true);
    await expect(t.rest.rpc('search_books', { query: 'x' }).throwOnError()).rejects.toBeInstanceOf(ServerError);
    expect(fake.calls).toHaveLength(3);
  });
});

describe('the API transport', () => {
  it('calls <url>/functions/v1/api with the same auth and maps API errors', async () => {
    const fake = fakeFetch((req) =>
      req.url.pathname.endsWith('/health')
        ? json({ ok: true })
        : json({ error: { code: 'NOT_FOUND', message: 'No such order', id: 'req_9' } }, { status: 404 }),
    );
    const t = createTransport({ url: URL_BASE, publishableKey: KEY, fetch: fake.fetch, accessToken: () => 'jwt' });
    await expect(t.api('/health').then((r) => r.json())).resolves.toEqual({ ok: true });
    expect(fake.calls[0]?.url.href).toBe(`${URL_BASE}/functions/v1/api/health`);
    expect(fake.calls[0]?.headers.get('authorization')).toBe('Bearer jwt');
    const error = await t
      .api('v1/orders/x')
      .then((r) => r.json())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, requestId: 'req_9', message: 'No such order' });
  });
});
