import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthenticationError, isCokoError } from '../src';
import { createSession } from '../src/core/session';
import { createTransport } from '../src/core/transport';
import { fakeFetch, json, KEY, postgrestError, testClient, URL_BASE, userJwt } from './helpers';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIN = 60_000;

const page = (rows: unknown[] = []) => json(rows, { headers: { 'content-range': `0-0/${rows.length}` } });

/** PostgREST 12's answer to an expired JWT (PGRST303 on 12.2+ and 13, PGRST301 before). */
const jwtExpired = (code = 'PGRST303') =>
  postgrestError(
    401,
    { code, message: 'JWT expired' },
    { 'www-authenticate': 'Bearer error="invalid_token", error_description="JWT expired"' },
  );

/** An accessToken() that mints a new token (valid `seconds`) per call and counts the calls. */
function tokenSource(seconds = 15 * 60) {
  const issued: string[] = [];
  const accessToken = vi.fn(async (_context?: { forceRefresh: boolean }) => {
    await Promise.resolve();
    const token = userJwt(Date.now(), seconds, `user-${issued.length + 1}`);
    issued.push(token);
    return token;
  });
  return { accessToken, issued };
}

const bearer = (call: { headers: Headers } | undefined) => call?.headers.get('authorization')?.replace(/^Bearer /, '');

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('token cache', () => {
  it('asks accessToken() once and reuses the token while it is fresh', async () => {
    const { accessToken, issued } = tokenSource();
    const { coko, calls } = testClient(() => page(), { accessToken });
    for (let i = 0; i < 5; i++) await coko.catalog.list();
    expect(accessToken).toHaveBeenCalledTimes(1);
    expect(calls.map(bearer)).toEqual(Array(5).fill(issued[0]));
    expect(calls[0]?.headers.get('apikey')).toBe(KEY);
  });

  it('refreshes 60 s before exp, not earlier', async () => {
    const { accessToken, issued } = tokenSource(15 * 60);
    const { coko, calls } = testClient(() => page(), { accessToken });
    await coko.catalog.list();
    vi.setSystemTime(T0 + 13 * MIN); // 2 min left
    await coko.catalog.list();
    vi.setSystemTime(T0 + 14 * MIN - 1); // 60 s + 1 ms left
    await coko.catalog.list();
    expect(accessToken).toHaveBeenCalledTimes(1);
    vi.setSystemTime(T0 + 14 * MIN + 1_000); // 59 s left
    await coko.catalog.list();
    expect(accessToken).toHaveBeenCalledTimes(2);
    expect(calls.map(bearer)).toEqual([issued[0], issued[0], issued[0], issued[1]]);
    await coko.catalog.list();
    expect(accessToken).toHaveBeenCalledTimes(2);
  });

  it('short-lived tokens refresh with 10 % of their lifetime left', async () => {
    const { accessToken } = tokenSource(120); // margin 12 s, not 60 s
    const { coko } = testClient(() => page(), { accessToken });
    await coko.catalog.list();
    vi.setSystemTime(T0 + 100_000);
    await coko.catalog.list();
    expect(accessToken).toHaveBeenCalledTimes(1);
    vi.setSystemTime(T0 + 109_000);
    await coko.catalog.list();
    expect(accessToken).toHaveBeenCalledTimes(2);
  });

  it('an expired cached token is replaced before the request is sent', async () => {
    const { accessToken, issued } = tokenSource(15 * 60);
    const { coko, calls } = testClient(() => page(), { accessToken });
    await coko.catalog.list();
    vi.setSystemTime(T0 + 60 * MIN);
    await coko.catalog.list();
    expect(calls.map(bearer)).toEqual([issued[0], issued[1]]);
  });

  it('keeps a still-valid token when the early refresh fails, and retries the refresh next time', async () => {
    let fail = false;
    let n = 0;
    const accessToken = vi.fn(async () => {
      if (fail) throw new Error('partner backend down');
      n += 1;
      return userJwt(Date.now(), 15 * 60, `user-${n}`);
    });
    const { coko, calls } = testClient(() => page(), { accessToken });
    await coko.catalog.list();
    vi.setSystemTime(T0 + 14.5 * MIN); // inside the margin, not expired
    fail = true;
    await coko.catalog.list();
    expect(bearer(calls[1])).toBe(bearer(calls[0]));
    fail = false;
    await coko.catalog.list();
    expect(accessToken).toHaveBeenCalledTimes(3);
    expect(bearer(calls[2])).not.toBe(bearer(calls[0]));
    // Once it has expired, a failing refresh is an error.
    vi.setSystemTime(T0 + 45 * MIN);
    fail = true;
    await expect(coko.catalog.list()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('a token that looks expired on arrival (skewed clock) is used until the server rejects it', async () => {
    const token = userJwt(T0 - 60 * MIN, 15 * 60); // exp 45 min ago by our clock
    const accessToken = vi.fn(async () => token);
    const { coko, calls } = testClient(() => page(), { accessToken });
    await coko.catalog.list();
    await coko.catalog.list();
    expect(accessToken).toHaveBeenCalledTimes(1);
    expect(calls.map(bearer)).toEqual([token, token]);
  });

  it('opaque tokens (no exp) are cached until a 401', async () => {
    const accessToken = vi.fn(() => 'opaque-token');
    const { coko } = testClient(() => page(), { accessToken });
    await coko.catalog.list();
    vi.setSystemTime(T0 + 24 * 60 * MIN);
    await coko.catalog.list();
    expect(accessToken).toHaveBeenCalledTimes(1);
  });

  it('guests (null) are not cached, so a sign-in is picked up at once', async () => {
    let token: string | null = null;
    const accessToken = vi.fn(async () => token);
    const { coko, calls } = testClient(() => page(), { accessToken });
    await coko.catalog.list();
    token = userJwt(T0, 900);
    await coko.catalog.list();
    expect(calls.map(bearer)).toEqual([KEY, token]);
  });

  it('accepts a plain string token, and no token at all', async () => {
    const token = userJwt(T0, 900);
    const fixed = testClient(() => page(), { accessToken: token });
    await fixed.coko.catalog.list();
    expect(bearer(fixed.calls[0])).toBe(token);
    const guest = testClient(() => page(), { accessToken: null });
    await guest.coko.catalog.list();
    expect(bearer(guest.calls[0])).toBe(KEY);
  });

  it('invalidateAccessToken() and the source’s subscribe() drop the cached token', async () => {
    let listener: (() => void) | undefined;
    const { accessToken: mint, issued } = tokenSource();
    const accessToken = Object.assign(() => mint(), {
      subscribe: vi.fn((onChange: () => void) => {
        listener = onChange;
        return () => {};
      }),
    });
    const { coko, calls } = testClient(() => page(), { accessToken });
    expect(accessToken.subscribe).not.toHaveBeenCalled(); // createCoko stays side-effect free
    await coko.catalog.list();
    expect(accessToken.subscribe).toHaveBeenCalledTimes(1);
    listener?.(); // e.g. signed out and in again
    await coko.catalog.list();
    coko.invalidateAccessToken();
    await coko.catalog.list();
    expect(calls.map(bearer)).toEqual([issued[0], issued[1], issued[2]]);
  });
});

describe('refresh after a 401', () => {
  it.each(['PGRST301', 'PGRST303'])('PostgREST %s: refreshes once and re-sends the request', async (code) => {
    const { accessToken, issued } = tokenSource();
    const { coko, calls } = testClient((req) => (bearer(req) === issued[0] ? jwtExpired(code) : page([])), {
      accessToken,
    });
    await expect(coko.catalog.list()).resolves.toMatchObject({ data: [] });
    expect(accessToken).toHaveBeenCalledTimes(2);
    expect(accessToken.mock.calls).toEqual([[{ forceRefresh: false }], [{ forceRefresh: true }]]);
    expect(calls.map(bearer)).toEqual([issued[0], issued[1]]);
    // The new token is cached for the next requests.
    await coko.catalog.list();
    expect(accessToken).toHaveBeenCalledTimes(2);
  });

  it('re-sends non-idempotent requests too (the server rejected them before doing anything)', async () => {
    const { accessToken, issued } = tokenSource();
    const { coko, calls } = testClient((req) => (bearer(req) === issued[0] ? jwtExpired() : json([])), {
      accessToken,
    });
    await coko.catalog.search('sahel');
    expect(calls.map((c) => c.method)).toEqual(['POST', 'POST']);
    expect(calls[1]?.body).toBe(calls[0]?.body);
  });

  it('retries once, not twice: a second 401 is an AuthenticationError', async () => {
    const { accessToken } = tokenSource();
    const { coko, calls } = testClient(() => jwtExpired(), { accessToken, retries: 2 });
    const error = await coko.catalog.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect(calls).toHaveLength(2);
    expect(accessToken).toHaveBeenCalledTimes(2);
  });

  it('does not re-send when accessToken() hands back the rejected token', async () => {
    const token = userJwt(T0, 900);
    const accessToken = vi.fn(async () => token);
    const { coko, calls } = testClient(() => jwtExpired(), { accessToken });
    await expect(coko.catalog.list()).rejects.toBeInstanceOf(AuthenticationError);
    expect(calls).toHaveLength(1);
    expect(accessToken).toHaveBeenCalledTimes(2);
  });

  it('guests and fixed tokens get no refresh', async () => {
    const guest = testClient(() => postgrestError(401, { code: 'PGRST301', message: 'JWT invalid' }));
    await expect(guest.coko.catalog.list()).rejects.toBeInstanceOf(AuthenticationError);
    expect(guest.calls).toHaveLength(1);
    const fixed = testClient(() => jwtExpired(), { accessToken: userJwt(T0, 900) });
    await expect(fixed.coko.catalog.list()).rejects.toBeInstanceOf(AuthenticationError);
    expect(fixed.calls).toHaveLength(1);
  });

  it('the Coko API: a 401 refreshes and re-sends once, body included, even with retries off', async () => {
    const { accessToken, issued } = tokenSource();
    const fake = fakeFetch((req) =>
      bearer(req) === issued[0]
        ? json({ error: { code: 'AUTHENTICATION_ERROR', message: 'Token expired', id: 'req_1' } }, { status: 401 })
        : json({ ok: true, echo: JSON.parse(req.body) }),
    );
    const t = createTransport({ url: URL_BASE, publishableKey: KEY, fetch: fake.fetch, accessToken, retries: 0 });
    await expect(t.api('v1/things', { method: 'post', json: { a: 1 } }).then((r) => r.json())).resolves.toEqual({
      ok: true,
      echo: { a: 1 },
    });
    expect(fake.calls.map(bearer)).toEqual([issued[0], issued[1]]);
    expect(fake.calls.map((c) => c.body)).toEqual(['{"a":1}', '{"a":1}']);
    expect(fake.calls[1]?.headers.get('apikey')).toBe(KEY);
  });

  it('the Coko API: a second 401 is an AuthenticationError with the API’s code and id', async () => {
    const { accessToken } = tokenSource();
    const fake = fakeFetch(() =>
      json({ error: { code: 'AUTHENTICATION_ERROR', message: 'Token expired', id: 'req_2' } }, { status: 401 }),
    );
    const t = createTransport({ url: URL_BASE, publishableKey: KEY, fetch: fake.fetch, accessToken });
    const error = await t
      .api('v1/me')
      .then((r) => r.json())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, requestId: 'req_2' });
    expect(fake.calls).toHaveLength(2);
    expect(accessToken).toHaveBeenCalledTimes(2);
  });
});

describe('single flight', () => {
  it('10 concurrent requests on an empty cache → 1 accessToken() call', async () => {
    const { accessToken, issued } = tokenSource();
    const { coko, calls } = testClient(() => page(), { accessToken });
    await Promise.all(Array.from({ length: 10 }, () => coko.catalog.list()));
    expect(accessToken).toHaveBeenCalledTimes(1);
    expect(new Set(calls.map(bearer))).toEqual(new Set([issued[0]]));
  });

  it('10 concurrent requests near expiry → 1 refresh', async () => {
    const { accessToken, issued } = tokenSource();
    const { coko, calls } = testClient(() => page(), { accessToken });
    await coko.catalog.list();
    vi.setSystemTime(T0 + 14.5 * MIN);
    await Promise.all(Array.from({ length: 10 }, () => coko.catalog.list()));
    expect(accessToken).toHaveBeenCalledTimes(2);
    expect(calls.slice(1).every((c) => bearer(c) === issued[1])).toBe(true);
  });

  it('10 concurrent 401s on the same token → 1 refresh, each request re-sent once', async () => {
    const { accessToken, issued } = tokenSource();
    const fake = fakeFetch(async (req) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return bearer(req) === issued[0] ? jwtExpired() : page([]);
    });
    const t = createTransport({ url: URL_BASE, publishableKey: KEY, fetch: fake.fetch, accessToken, retries: 0 });
    await Promise.all(Array.from({ length: 10 }, () => t.rest.from('books').select('id').throwOnError()));
    expect(accessToken).toHaveBeenCalledTimes(2);
    expect(fake.calls.map(bearer).filter((b) => b === issued[0])).toHaveLength(10);
    expect(fake.calls.map(bearer).filter((b) => b === issued[1])).toHaveLength(10);
  });

  it('the createSession unit: an injected clock and a shared refresh', async () => {
    let now = T0;
    let n = 0;
    const source = vi.fn(async () => userJwt(now, 600, `u${++n}`));
    const session = createSession(source, () => now);
    const [a, b] = await Promise.all([session.get(), session.get()]);
    expect(a).toBe(b);
    now += 9.5 * MIN; // 30 s left, margin min(60 s, 60 s)
    const [c, d] = await Promise.all([session.get(), session.get()]);
    expect(c).toBe(d);
    expect(c).not.toBe(a);
    expect(source).toHaveBeenCalledTimes(2);
    // A 401 on the old token after someone else refreshed: no second refresh.
    await expect(session.refresh(a as string)).resolves.toBe(c);
    expect(source).toHaveBeenCalledTimes(2);
  });
});

describe('the token stays secret', () => {
  const leaks = (token: string, error: unknown) => {
    const e = error as Error & { toJSON?: () => unknown };
    const texts = [e.message, String(e), e.stack ?? '', JSON.stringify(e), JSON.stringify(e.toJSON?.() ?? {})];
    return texts.some((text) => text.includes(token) || text.includes(token.split('.')[1] as string));
  };

  it('is in no error message, JSON or stack, and never logged', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
    const { accessToken, issued } = tokenSource();

    // 401 twice (PostgREST).
    const rest = testClient(() => jwtExpired(), { accessToken });
    const e1 = await rest.coko.catalog.list().catch((e: unknown) => e);
    // 401 twice (API).
    const fake = fakeFetch(() =>
      json({ error: { code: 'AUTHENTICATION_ERROR', message: 'bad token' } }, { status: 401 }),
    );
    const api = createTransport({ url: URL_BASE, publishableKey: KEY, fetch: fake.fetch, accessToken });
    const e2 = await api.api('v1/me').catch((e: unknown) => e);
    // Network failure with a token.
    const offline = testClient(
      () => {
        throw new TypeError('fetch failed');
      },
      { accessToken },
    );
    const e3 = await offline.coko.catalog.list().catch((e: unknown) => e);
    // accessToken() returning garbage.
    const odd = testClient(() => page(), { accessToken: (async () => ({ token: issued[0] })) as never });
    const e4 = await odd.coko.catalog.list().catch((e: unknown) => e);

    for (const error of [e1, e2, e3, e4]) {
      expect(isCokoError(error)).toBe(true);
      for (const token of issued) expect(leaks(token, error)).toBe(false);
    }
    expect(e4).toBeInstanceOf(AuthenticationError);
    for (const spy of spies) {
      for (const args of spy.mock.calls) {
        for (const token of issued) expect(JSON.stringify(args)).not.toContain(token);
      }
    }
  });
});
