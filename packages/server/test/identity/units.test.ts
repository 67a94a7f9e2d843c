import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { type ConfigError, loadConfig } from '../../src/config/index.ts';
import {
  generateApiKey,
  hashApiKey,
  parseApiKey,
  randomBase62,
  TokenError,
  TokenService,
  timingSafeEqual,
  verifyApiKey,
} from '../../src/identity/index.ts';
import { DEFAULT_RATE_LIMITS } from '../../src/limits/policies.ts';
import { MemoryRateLimitStore, rateLimit } from '../../src/middleware/rate-limit.ts';
import { db, errorOf, externalId, newPartner } from './helpers.ts';

describe('api keys', () => {
  it('generates pk_/sk_ keys with a 16-character id and 32 random base62 characters', async () => {
    const secret = await generateApiKey('secret');
    expect(secret.key).toMatch(/^sk_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$/);
    expect(secret.key.slice(3, 19)).toBe(secret.keyId);
    expect(secret.hash).toBe(await hashApiKey(secret.key));
    expect(secret.hash).toBe(createHash('sha256').update(secret.key).digest('hex'));
    expect((await generateApiKey('publishable')).key).toMatch(/^pk_/);
    const many = new Set(
      await Promise.all(Array.from({ length: 200 }, async () => (await generateApiKey('secret')).key)),
    );
    expect(many.size).toBe(200);
  });

  it('draws base62 characters uniformly enough (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (const char of randomBase62(62_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
  });

  it('parses well-formed keys only', async () => {
    const { key, keyId } = await generateApiKey('publishable');
    expect(parseApiKey(key)).toEqual({ kind: 'publishable', keyId });
    for (const bad of ['', 'sk_', `${key}x`, key.replace('pk_', 'xk_'), key.replace(/_/g, '-'), ` ${key}`]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });

  it('verifies against the stored hash, and fails on any other key or a malformed hash', async () => {
    const { key, hash } = await generateApiKey('secret');
    expect(await verifyApiKey(key, hash)).toBe(true);
    expect(await verifyApiKey(key, hash.toUpperCase())).toBe(true);
    expect(await verifyApiKey(`${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`, hash)).toBe(false);
    expect(await verifyApiKey(key, 'nope')).toBe(false);
    expect(await verifyApiKey(key, '0'.repeat(64))).toBe(false);
  });

  it('timingSafeEqual compares whole byte arrays', () => {
    const a = new Uint8Array([1, 2, 3]);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 4]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([9, 2, 3]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([1, 2]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([]))).toBe(false);
  });
});

describe('TokenService', () => {
  it('signs RS256 with kid, verifies it, and publishes only the public key', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'rsa-1' };
    const config = loadConfig({ COKO_JWT_SIGNING_KEY: JSON.stringify(jwk), COKO_PUBLIC_URL: 'https://coko.example' });
    expect(config.jwt).toMatchObject({
      issuer: 'https://coko.example/auth/v1',
      sessionTtlSeconds: 900,
      signingKey: { alg: 'RS256', kid: 'rsa-1' },
    });
    const tokens = new TokenService({ signingKey: config.jwt.signingKey, issuer: config.jwt.issuer, ttlSeconds: 60 });
    const { accessToken, claims } = await tokens.mint({
      userId: '00000000-0000-4000-8000-00000000000a',
      partnerId: '00000000-0000-4000-8000-00000000000b',
      name: 'N',
    });
    const header = JSON.parse(Buffer.from(accessToken.split('.')[0] ?? '', 'base64url').toString());
    expect(header).toEqual({ alg: 'RS256', kid: 'rsa-1' });
    expect(await tokens.verify(accessToken)).toEqual(claims);
    const [published] = tokens.jwks().keys;
    expect(published).toMatchObject({ kty: 'RSA', kid: 'rsa-1', alg: 'RS256', use: 'sig', n: jwk.n, e: jwk.e });
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(published).not.toHaveProperty(member);
  });

  it('refuses HS256 tokens when no secret is configured, and a token whose role is not authenticated', async () => {
    const secret = 's'.repeat(40);
    const hs = new TokenService({ secret, issuer: 'coko', ttlSeconds: 60 });
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const es = new TokenService({
      signingKey: { ...(await exportJWK(privateKey)), kid: 'k', alg: 'ES256' } as never,
      issuer: 'coko',
      ttlSeconds: 60,
    });
    const token = (
      await hs.mint({
        userId: '00000000-0000-4000-8000-00000000000a',
        partnerId: '00000000-0000-4000-8000-00000000000b',
      })
    ).accessToken;
    await expect(es.verify(token)).rejects.toBeInstanceOf(TokenError);
    await expect(hs.verify('not.a.jwt')).rejects.toMatchObject({ reason: 'malformed' });
    const none = new TokenService({ issuer: 'coko', ttlSeconds: 60 });
    await expect(none.mint({ userId: 'x', partnerId: 'y' })).rejects.toMatchObject({ reason: 'no_key' });
  });
});

describe('configuration', () => {
  it('has defaults for the identity variables', () => {
    const config = loadConfig({});
    expect(config.jwt).toEqual({ signingKey: undefined, issuer: 'coko', sessionTtlSeconds: 900 });
    expect(config.rateLimits).toMatchObject({ sessionsPerMinute: 600, policies: DEFAULT_RATE_LIMITS });
    expect(
      loadConfig({ COKO_JWT_ISSUER: 'https://id.example', COKO_SESSION_TTL_SECONDS: '300', SESSIONS_RATE_LIMIT: '5' }),
    ).toMatchObject({
      jwt: { issuer: 'https://id.example', sessionTtlSeconds: 300 },
      rateLimits: { sessionsPerMinute: 5 },
    });
  });

  it('names a bad signing key, TTL or limit without echoing the key', () => {
    const secretish = '{"kty":"EC","crv":"P-256","d":"c2VjcmV0LXZhbHVl"}';
    const failure = (() => {
      try {
        loadConfig({ COKO_JWT_SIGNING_KEY: secretish, COKO_SESSION_TTL_SECONDS: '5', SESSIONS_RATE_LIMIT: 'lots' });
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(failure.issues.map((issue) => issue.variable)).toEqual([
      'COKO_JWT_SIGNING_KEY',
      'COKO_SESSION_TTL_SECONDS',
      'SESSIONS_RATE_LIMIT',
    ]);
    expect(failure.message).toContain('must have a "kid"');
    expect(failure.message).not.toContain('c2VjcmV0LXZhbHVl');
    expect(() => loadConfig({ COKO_JWT_SIGNING_KEY: 'not json' })).toThrow(
      /COKO_JWT_SIGNING_KEY: must be a private JWK as JSON/,
    );
    expect(() => loadConfig({ COKO_JWT_SIGNING_KEY: '{"kty":"oct","k":"x","kid":"a"}' })).toThrow(/kty must be EC/);
  });
});

describe('rateLimit', () => {
  it('counts per key in fixed windows, with headers on every governed response and 429 + Retry-After over the limit', async () => {
    let clock = 1_000_000;
    const app = new Hono();
    app.onError((error, c) =>
      c.json(
        { status: (error as { status?: number }).status },
        ((error as { status?: number }).status ?? 500) as 429,
        (error as { headers?: Record<string, string> }).headers,
      ),
    );
    app.use('*', rateLimit({ limit: 2, windowMs: 60_000, key: (c) => c.req.header('x-key'), now: () => clock }));
    app.get('/', (c) => c.text('ok'));
    const hit = (key?: string) => app.request('/', { headers: key ? { 'x-key': key } : {} });

    const first = await hit('a');
    expect(first.status).toBe(200);
    expect(
      Object.fromEntries(
        ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'].map((h) => [h, first.headers.get(h)]),
      ),
    ).toEqual({
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '1',
      'x-ratelimit-reset': String(Math.ceil((1_000_000 + 60_000) / 1000)),
    });
    expect((await hit('a')).headers.get('x-ratelimit-remaining')).toBe('0');
    clock += 15_000;
    const over = await hit('a');
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('45');
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await hit('b')).status).toBe(200);
    const ungoverned = await hit();
    expect(ungoverned.status).toBe(200);
    expect(ungoverned.headers.get('x-ratelimit-limit')).toBeNull();
    clock += 45_000;
    expect((await hit('a')).status).toBe(200);
  });

  it('sweeps expired windows', async () => {
    const store = new MemoryRateLimitStore();
    const hit = (bucket: string) => ({ bucket, policy: 'custom', limit: 5, windowMs: 1000 });
    for (let i = 0; i < 100; i++) await store.take(hit(`k${i}`), 0);
    expect(store.size).toBe(100);
    await store.take(hit('late'), 5000);
    expect(store.size).toBe(1);
  });
});

describe('POST /v1/sessions rate limit (per partner, in process)', () => {
  const pools: { end(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const pool of pools) await pool.end();
  });

  it('429 in the error format with Retry-After and X-RateLimit-* headers; other partners unaffected', async () => {
    const config = loadConfig({
      COKO_ENV: 'test',
      LOG_LEVEL: 'silent',
      COKO_JWT_SECRET: 'r'.repeat(40),
      SESSIONS_RATE_LIMIT: '3',
    });
    const app = createApp({ config, db });
    const [limited, other] = [await newPartner(), await newPartner()];
    const post = (key: string, body: unknown = { externalUserId: externalId() }) =>
      app.request('/api/v1/sessions', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await post(limited.secretKey);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBe('3');
      remaining.push(response.headers.get('x-ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const over = await post(limited.secretKey);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(over.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(await errorOf(over)).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 3, windowSeconds: 60 } });
    // Invalid requests count too (validation runs after the limit)…
    expect((await post(limited.secretKey, {})).status).toBe(429);
    // …while another partner has its own budget, and a bad key is refused before any counting.
    expect((await post(other.secretKey)).status).toBe(200);
    const anonymous = await post('sk_bad');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-ratelimit-limit')).toBeNull();
  });
});
