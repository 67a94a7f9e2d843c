import { describe, expect, it, vi } from 'vitest';
import { type AccessTokenFunction, createCoko } from '../src';
import { createTransport } from '../src/core/transport';

// Real-stack tests of token refresh: PostgREST and the Coko API verify user JWTs minted with the
// project's keys (as a partner backend's session exchange would). The root harness
// (test/setup-stack.ts) sets COKO_TEST_URL and friends; without them there is nothing to talk to.
const url = process.env.COKO_TEST_URL;
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const DEMO_READER = { id: '00000000-0000-4000-8000-000000000001', email: 'demo@coko.africa' };
/**
 * How long ago an "expired" token expired: far beyond PostgREST's 30 s clock-skew leeway (a token
 * 30 s past expiry sits exactly on it, and was accepted or refused depending on the second).
 */
const LONG_EXPIRED = -3_600;

/** Mints a user token with the test stack's keys (loaded lazily: only the root harness has them). */
async function mint(expiresInSeconds: number): Promise<string> {
  const [{ mintUserToken }, { testStack }] = await Promise.all([
    import('@coko/server/dev'),
    import('../../../test/stack.js'),
  ]);
  return mintUserToken(testStack().keys, DEMO_READER, { expiresInSeconds });
}

/** A fetch that records what the stack answered. */
function recordingFetch() {
  const responses: { path: string; status: number; token: string | undefined }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    responses.push({
      path: new URL(request.url).pathname,
      status: response.ok ? 200 : response.status, // 206 for ranged lists
      token: request.headers.get('authorization')?.replace(/^Bearer /, ''),
    });
    return response;
  };
  return { fetch: fetchImpl, responses };
}

/** accessToken() as a partner app writes it: the first token it hands out is already expired. */
function partnerTokens(firstExpiresIn: number, nextExpiresIn = 300) {
  const issued: string[] = [];
  const accessToken = vi.fn<AccessTokenFunction>(async () => {
    const token = await mint(issued.length === 0 ? firstExpiresIn : nextExpiresIn);
    issued.push(token);
    return token;
  });
  return { accessToken, issued };
}

describe.skipIf(!url)('access tokens against the real stack', () => {
  it('PostgREST rejects an expired token; the SDK refreshes once and the request succeeds', async () => {
    const { accessToken, issued } = partnerTokens(LONG_EXPIRED);
    const recorder = recordingFetch();
    const coko = createCoko({ url: url ?? '', publishableKey, accessToken, fetch: recorder.fetch, retries: 0 });

    const page = await coko.catalog.list({ limit: 2 });
    expect(page.data.length).toBeGreaterThan(0);
    expect(accessToken).toHaveBeenCalledTimes(2);
    expect(accessToken.mock.calls[1]?.[0]).toEqual({ forceRefresh: true });
    expect(recorder.responses.map((r) => r.status)).toEqual([401, 200]);
    expect(recorder.responses.map((r) => r.token)).toEqual(issued);

    // The fresh token is cached: no further refresh.
    await coko.catalog.categories();
    expect(accessToken).toHaveBeenCalledTimes(2);
    expect(recorder.responses.at(-1)?.token).toBe(issued[1]);
  });

  it('a token that expires while cached is replaced before the next request (no 401)', async () => {
    const { accessToken, issued } = partnerTokens(2);
    const recorder = recordingFetch();
    const coko = createCoko({ url: url ?? '', publishableKey, accessToken, fetch: recorder.fetch, retries: 0 });
    // Only the clock is faked (the stack's I/O stays real): jump past the token's refresh point
    // instead of sleeping through it, so the outcome does not depend on the machine's load.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await coko.catalog.list({ limit: 1 });
      vi.setSystemTime(Date.now() + 2_200);
      await coko.catalog.list({ limit: 1 });
    } finally {
      vi.useRealTimers();
    }
    expect(recorder.responses.map((r) => r.status)).toEqual([200, 200]);
    expect(recorder.responses.map((r) => r.token)).toEqual(issued);
  });

  it('the Coko API: an expired token gets a 401, one refresh, then the answer', async () => {
    const { accessToken, issued } = partnerTokens(LONG_EXPIRED);
    const recorder = recordingFetch();
    const transport = createTransport({
      url: url ?? '',
      publishableKey,
      accessToken,
      fetch: recorder.fetch,
      retries: 0,
    });
    const me = await transport.api('v1/me').then((r) => r.json() as Promise<{ id: string }>);
    expect(me.id).toBe(DEMO_READER.id);
    expect(recorder.responses.map((r) => r.status)).toEqual([401, 200]);
    expect(recorder.responses.map((r) => r.token)).toEqual(issued);
  });

  it('a token that stays invalid fails after exactly one refresh', async () => {
    const accessToken = vi.fn<AccessTokenFunction>(async () => mint(LONG_EXPIRED));
    const recorder = recordingFetch();
    const coko = createCoko({ url: url ?? '', publishableKey, accessToken, fetch: recorder.fetch, retries: 2 });
    const error = await coko.catalog.list().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthenticationError', status: 401 });
    expect(accessToken).toHaveBeenCalledTimes(2);
    expect(recorder.responses.map((r) => r.status)).toEqual([401, 401]);
  });
});
