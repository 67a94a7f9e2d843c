// Partner publishable keys (pk_…) at the gateway: accepted as apikey like the project's key, per
// allowed origin, checked by private.resolve_publishable_key with a short cache.
import { type AddressInfo, createServer } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGateway,
  createPartnerKeyResolver,
  type PartnerKeyDatabase,
  postgrestUpstream,
} from '../../src/gateway/index.ts';
import { revokePartnerKey, setPartnerStatus } from '../../src/identity/index.ts';
import { db, expectPreRequestConfigured, externalId, newKey, newPartner, rest, session } from './helpers.ts';

const BOOKS = '/books?select=id&limit=1';
const ALLOWED = 'https://reader.partner.example';

async function gatewayError(response: Response) {
  const body = (await response.json()) as { error: { code: string; message: string; id: string } };
  expect(body.error.id).toEqual(expect.any(String));
  return body.error;
}

/** Polls until `check` is true (at most `ms`); returns the elapsed time. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`Not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('partner publishable keys through the gateway', () => {
  it('map to anon, without an Origin (native apps) and from an allowed origin', async () => {
    const partner = await newPartner({ allowedOrigins: [ALLOWED] });
    const native = await rest(BOOKS, { apikey: partner.publishableKey });
    expect(native.status).toBe(200);
    expect(await native.json()).toHaveLength(1);
    const browser = await rest(BOOKS, { apikey: partner.publishableKey, origin: ALLOWED });
    expect(browser.status).toBe(200);
    // Drafts stay hidden: this is anon, not the service role.
    expect(await (await rest('/books?select=id&status=eq.draft', { apikey: partner.publishableKey })).json()).toEqual(
      [],
    );
  });

  it('refuse a foreign origin with 403 in the error format; "*" allows any origin; an empty list none', async () => {
    const partner = await newPartner({ allowedOrigins: [ALLOWED] });
    const foreign = await rest(BOOKS, { apikey: partner.publishableKey, origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await gatewayError(foreign)).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
    const open = await newPartner({ allowedOrigins: ['*'] });
    expect((await rest(BOOKS, { apikey: open.publishableKey, origin: 'https://anything.example' })).status).toBe(200);
    const serverOnly = await newPartner({ allowedOrigins: [] });
    expect((await rest(BOOKS, { apikey: serverOnly.publishableKey, origin: ALLOWED })).status).toBe(403);
    expect((await rest(BOOKS, { apikey: serverOnly.publishableKey })).status).toBe(200);
  });

  it('pass a user token through (the reader sees their own profile)', async () => {
    const partner = await newPartner();
    const { accessToken, user } = await session(partner.secretKey, { externalUserId: externalId() });
    const response = await rest('/profiles?select=id', {
      apikey: partner.publishableKey,
      token: accessToken,
      origin: ALLOWED,
    });
    expect(await response.json()).toEqual([{ id: user.id }]);
  });

  it('refuse malformed, unknown and secret keys, and a revoked key at once', async () => {
    const partner = await newPartner();
    for (const apikey of [
      'pk_nope',
      `pk_${'A'.repeat(16)}_${'b'.repeat(32)}`,
      partner.secretKey,
      // The real key with its last character changed (to one it is not).
      `${partner.publishableKey.slice(0, -1)}${partner.publishableKey.endsWith('0') ? '1' : '0'}`,
    ]) {
      const response = await rest(BOOKS, { apikey });
      expect(response.status, apikey.slice(0, 8)).toBe(401);
      const error = await gatewayError(response);
      expect(error.code).toBe('AUTHENTICATION_ERROR');
      expect(JSON.stringify(error)).not.toContain(apikey);
    }
    const fresh = await newKey(partner.id, 'publishable');
    await revokePartnerKey(db, fresh.keyId);
    expect((await rest(BOOKS, { apikey: fresh.key })).status).toBe(401);
  });

  it('a revoked or suspended partner key stops anonymous access within 5 s (the anonymous cache bound)', async () => {
    const partner = await newPartner();
    expect((await rest(BOOKS, { apikey: partner.publishableKey })).status).toBe(200);
    await revokePartnerKey(db, partner.publishableKeyId);
    const revoked = await within(
      6000,
      async () => (await rest(BOOKS, { apikey: partner.publishableKey })).status === 401,
    );
    expect(revoked).toBeLessThanOrEqual(5600);

    const other = await newPartner();
    expect((await rest(BOOKS, { apikey: other.publishableKey })).status).toBe(200);
    await setPartnerStatus(db, other.id, 'suspended');
    const suspended = await within(
      6000,
      async () => (await rest(BOOKS, { apikey: other.publishableKey })).status === 401,
    );
    expect(suspended).toBeLessThanOrEqual(5600);
  });

  it("a suspended partner's user tokens are refused at once, even with a cached key", async () => {
    await expectPreRequestConfigured();
    const partner = await newPartner();
    const { accessToken } = await session(partner.secretKey, { externalUserId: externalId() });
    expect((await rest('/profiles?select=id', { apikey: partner.publishableKey, token: accessToken })).status).toBe(
      200,
    );
    await setPartnerStatus(db, partner.id, 'suspended');
    const response = await rest('/profiles?select=id', { apikey: partner.publishableKey, token: accessToken });
    expect(response.status).toBe(401);
  });
});

describe('gateway forwarding (in process)', () => {
  let upstream: ReturnType<typeof serve>;
  let upstreamUrl: string;
  const seen: Headers[] = [];

  beforeAll(async () => {
    const port = await new Promise<number>((resolvePort) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolvePort(free));
      });
    });
    upstream = serve({
      port,
      hostname: '127.0.0.1',
      fetch: (request) => {
        seen.push(request.headers);
        return Response.json([]);
      },
    });
    upstreamUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((resolveClose) => upstream.close(() => resolveClose())));

  const keys = { publishableKey: 'sb_publishable_x', secretKey: 'sb_secret_x' };
  const pk = `pk_${'a'.repeat(16)}_${'b'.repeat(32)}`;

  it('forwards the publishable key (project or partner) to PostgREST, never the secret key', async () => {
    const resolver = { resolve: async () => ({ partnerId: '00000000-0000-4000-8000-000000000009' }) };
    const gateway = createGateway({
      rest: postgrestUpstream({ url: upstreamUrl, anonJwt: 'anon.jwt', serviceRoleJwt: 'service.jwt' }),
      keys,
      functions: { fetch: () => new Response() },
      partnerKeys: resolver,
    });
    const call = (headers: Record<string, string>) =>
      gateway.fetch(new Request('http://gw/rest/v1/books', { headers }));
    expect((await call({ apikey: pk })).status).toBe(200);
    expect(seen.at(-1)?.get('apikey')).toBe(pk);
    expect(seen.at(-1)?.get('authorization')).toBe('Bearer anon.jwt');
    const partnerUser = `h.${Buffer.from(JSON.stringify({ app_metadata: { partner_id: '00000000-0000-4000-8000-000000000009' } })).toString('base64url')}.s`;
    await call({ apikey: pk, authorization: `Bearer ${partnerUser}` });
    expect(seen.at(-1)?.get('authorization')).toBe(`Bearer ${partnerUser}`);
    await call({ apikey: 'sb_publishable_x' });
    expect(seen.at(-1)?.get('apikey')).toBe('sb_publishable_x');
    await call({ apikey: 'sb_secret_x' });
    expect(seen.at(-1)?.get('apikey')).toBeNull();
    expect(seen.at(-1)?.get('authorization')).toBe('Bearer service.jwt');
  });

  it('caches answers: positives up to 30 s for user tokens and 5 s for anonymous requests, refusals 5 s, failures never', async () => {
    let clock = 0;
    const answers: (string | { code: string })[] = [];
    let calls = 0;
    const database: PartnerKeyDatabase = {
      async query() {
        calls++;
        const next = answers.shift() ?? 'partner-1';
        if (typeof next !== 'string') throw Object.assign(new Error('db'), next);
        return { rows: [{ partner_id: next }] };
      },
    };
    const resolver = createPartnerKeyResolver(database, { now: () => clock });
    expect(await resolver.resolve(pk, null, 5_000)).toEqual({ partnerId: 'partner-1' });
    clock = 4_000;
    await resolver.resolve(pk, null, 5_000);
    expect(calls).toBe(1);
    clock = 20_000;
    await resolver.resolve(pk, null, 30_000); // user token: a 20 s old answer is still good
    expect(calls).toBe(1);
    await resolver.resolve(pk, null, 5_000); // anonymous: too old, asks again
    expect(calls).toBe(2);
    // Per origin.
    answers.push({ code: '42501' });
    expect(await resolver.resolve(pk, 'https://evil.example', 5_000)).toMatchObject({
      status: 403,
      code: 'ORIGIN_NOT_ALLOWED',
    });
    clock = 24_000;
    expect(await resolver.resolve(pk, 'https://evil.example', 30_000)).toMatchObject({ status: 403 });
    expect(calls).toBe(3);
    clock = 25_001;
    await resolver.resolve(pk, 'https://evil.example', 30_000);
    expect(calls).toBe(4);
    // A database failure is 503 and is not cached.
    answers.push({ code: '08006' });
    expect(await resolver.resolve(pk, 'https://other.example', 5_000)).toMatchObject({ status: 503 });
    expect(await resolver.resolve(pk, 'https://other.example', 5_000)).toEqual({ partnerId: 'partner-1' });
    // Malformed keys never reach the database.
    const before = calls;
    expect(await resolver.resolve('pk_short', null, 5_000)).toMatchObject({ status: 401 });
    expect(calls).toBe(before);
  });
});
