// The production layout: the Coko gateway (`coko gateway`, started here as the command starts it) in
// front of a Supabase project. Supabase's own gateway is stood in for by a plain proxy that knows only
// the project's sb_ keys (swaps them for the anon / service_role JWTs, passes user tokens, refuses
// anything else), in front of the test stack's real PostgREST and API.

import { mintUserToken } from '@coko/server/dev';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardTo, loadGatewayConfig, type RunningGateway, startGateway } from '../../src/gateway/index.ts';
import { errorOf, externalId, newPartner, session, stack, type TestPartner } from '../identity/helpers.ts';

const ALLOWED = 'https://reader.partner.example';

/** What Supabase's gateway does with API keys, and nothing more. */
function supabaseStandIn(): Hono {
  const app = new Hono();
  const jwtFor: Record<string, string> = {
    [stack.publishableKey]: stack.anonJwt,
    [stack.secretKey]: stack.serviceRoleJwt,
  };
  const postgrest = forwardTo(stack.postgrestUrl);
  const functions = forwardTo(`${stack.url}/functions/v1`);
  app.all('/rest/v1/*', (c) => {
    const jwt = jwtFor[c.req.header('apikey') ?? ''];
    if (!jwt) return c.json({ message: 'Invalid API key' }, 401);
    const userToken = c.req.header('authorization')?.match(/^Bearer (\S+)$/)?.[1];
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice('/rest/v1'.length);
    const forwarded = new Request(url, c.req.raw);
    forwarded.headers.set('authorization', `Bearer ${userToken ?? jwt}`);
    return postgrest.fetch(forwarded);
  });
  app.all('/functions/v1/*', (c) => {
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice('/functions/v1'.length);
    return functions.fetch(new Request(url, c.req.raw));
  });
  return app;
}

let standIn: ServerType;
let standInUrl: string;
let gateway: RunningGateway;
let partner: TestPartner;

beforeAll(async () => {
  standIn = await new Promise<ServerType>((resolveListen) => {
    const server = serve({ fetch: supabaseStandIn().fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolveListen(server),
    );
  });
  const address = standIn.address();
  standInUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  gateway = await startGateway(
    loadGatewayConfig({
      SUPABASE_URL: standInUrl,
      SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
      SUPABASE_SECRET_KEY: stack.secretKey,
      DATABASE_URL: stack.databaseUrl,
      // Limits have their own gateway below: this file's requests must not spend one budget.
      RATE_LIMITS: 'off',
      PORT: '0',
      HOST: '127.0.0.1',
    }),
  );
  partner = await newPartner({ allowedOrigins: [ALLOWED] });
});

afterAll(async () => {
  await gateway?.stop();
  await new Promise<void>((resolveClose) => (standIn ? standIn.close(() => resolveClose()) : resolveClose()));
});

const books = (base: string, headers: Record<string, string>) =>
  fetch(`${base}/rest/v1/books?select=id,title&limit=2`, { headers });

describe('production: coko gateway in front of Supabase', () => {
  it("Supabase's gateway alone refuses partner keys (why the Coko gateway exists)", async () => {
    expect((await books(standInUrl, { apikey: partner.publishableKey })).status).toBe(401);
  });

  it("a partner's pk_ key works from its allowed origin", async () => {
    const response = await books(gateway.url, { apikey: partner.publishableKey, origin: ALLOWED });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { id: expect.any(String), title: expect.any(String) },
      { id: expect.any(String), title: expect.any(String) },
    ]);
  });

  it('is refused from other origins: 403 ORIGIN_NOT_ALLOWED in the error format', async () => {
    const response = await books(gateway.url, { apikey: partner.publishableKey, origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('a wrong key, or none, is 401 AUTHENTICATION_ERROR in the error format', async () => {
    for (const headers of <Record<string, string>[]>[
      { apikey: `pk_${'A'.repeat(16)}_${'b'.repeat(32)}`, origin: ALLOWED },
      { apikey: 'sb_publishable_wrong' },
      { apikey: partner.secretKey },
      {},
    ]) {
      const response = await books(gateway.url, headers);
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('AUTHENTICATION_ERROR');
    }
  });

  it("passes a partner user's token on: the reader sees their own profile", async () => {
    const { accessToken, user } = await session(partner.secretKey, { externalUserId: externalId() });
    const response = await fetch(`${gateway.url}/rest/v1/profiles?select=id`, {
      headers: { apikey: partner.publishableKey, authorization: `Bearer ${accessToken}`, origin: ALLOWED },
    });
    expect(await response.json()).toEqual([{ id: user.id }]);
  });

  it('the project keys keep working: publishable as anon, secret from servers only', async () => {
    const drafts = (headers: Record<string, string>) =>
      fetch(`${gateway.url}/rest/v1/books?select=id&status=eq.draft`, { headers });
    expect(await (await drafts({ apikey: stack.publishableKey })).json()).toEqual([]);
    expect(((await (await drafts({ apikey: stack.secretKey })).json()) as unknown[]).length).toBeGreaterThan(0);
    expect((await drafts({ apikey: stack.secretKey, origin: ALLOWED })).status).toBe(401);
  });

  it('forwards /functions/v1 to the edge functions', async () => {
    const response = await fetch(`${gateway.url}/functions/v1/api/health`);
    expect(response.status).toBe(200);
    expect((await response.json()).status).toBe('ok');
  });
});

describe('production: rate limits', () => {
  it('counts /rest/v1 in the shared Postgres buckets, readers told apart by their verified tokens', async () => {
    const limited = await startGateway(
      loadGatewayConfig({
        SUPABASE_URL: standInUrl,
        SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
        SUPABASE_SECRET_KEY: stack.secretKey,
        DATABASE_URL: stack.databaseUrl,
        RATE_LIMITS: 'anonymous=2/1h,authenticated=3/1h',
        COKO_JWT_SECRET: stack.keys.jwtSecret,
        PORT: '0',
        HOST: '127.0.0.1',
      }),
    );
    try {
      const anonymous = [];
      for (let i = 0; i < 3; i++) anonymous.push(await books(limited.url, { apikey: stack.publishableKey }));
      expect(anonymous.map((r) => r.status)).toEqual([200, 200, 429]);
      expect(anonymous.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['1', '0', '0']);
      expect(Number(anonymous[2]?.headers.get('retry-after'))).toBeGreaterThan(3500);
      expect((await errorOf(anonymous[2] as Response)).code).toBe('RATE_LIMITED');

      // A signed-in reader has a budget of their own, whatever the address already spent.
      const token = await mintUserToken(
        stack.keys,
        { id: '00000000-0000-4000-8000-000000000001' },
        { expiresInSeconds: 600, alg: 'HS256' },
      );
      const reader = await books(limited.url, { apikey: stack.publishableKey, authorization: `Bearer ${token}` });
      expect(reader.status).toBe(200);
      expect(reader.headers.get('x-ratelimit-limit')).toBe('3');
    } finally {
      await limited.stop();
    }
  });

  it('refuses to start limits it cannot apply: RATE_LIMITS needs the API token keys', () => {
    expect(() =>
      loadGatewayConfig({
        SUPABASE_URL: 'https://x.supabase.co',
        SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x',
        SUPABASE_SECRET_KEY: 'sb_secret_x',
        DATABASE_URL: 'postgres://x',
      }),
    ).toThrow(/RATE_LIMITS: counting readers needs the API's token keys/);
  });
});

describe('production: configuration', () => {
  it('names every missing or malformed variable, never a value', () => {
    expect(() => loadGatewayConfig({})).toThrow(
      /SUPABASE_URL: required[\s\S]*SUPABASE_PUBLISHABLE_KEY: required[\s\S]*SUPABASE_SECRET_KEY: required[\s\S]*DATABASE_URL: required/,
    );
    const secret = 'sb_publishable_leaked';
    let message = '';
    try {
      loadGatewayConfig({
        SUPABASE_URL: 'ftp://x',
        SUPABASE_PUBLISHABLE_KEY: 'sb_secret_swapped',
        SUPABASE_SECRET_KEY: secret,
        DATABASE_URL: 'mysql://x',
        PORT: '99999',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SUPABASE_URL: must be an http\(s\) URL/);
    expect(message).toMatch(/SUPABASE_PUBLISHABLE_KEY: must start with sb_publishable_/);
    expect(message).toMatch(/SUPABASE_SECRET_KEY: must start with sb_secret_/);
    expect(message).toMatch(/DATABASE_URL: must be a postgres/);
    expect(message).toMatch(/PORT: must be a whole number/);
    expect(message).not.toContain(secret);
  });

  it('applies defaults', () => {
    const config = loadGatewayConfig({
      SUPABASE_URL: 'https://abc.supabase.co/',
      SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x',
      SUPABASE_SECRET_KEY: 'sb_secret_x',
      DATABASE_URL: 'postgresql://postgres:pw@db.abc.supabase.co:5432/postgres',
      COKO_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters',
    });
    expect(config).toMatchObject({
      supabaseUrl: 'https://abc.supabase.co',
      port: 8000,
      host: '0.0.0.0',
      bodyLimitBytes: 1024 * 1024,
      trustedProxies: 0,
      // The seed's limits.
      rateLimits: { policies: { anonymous: { limit: 100 }, authenticated: { limit: 1000 } } },
    });
  });
});
