import { mintJwt, mintUserToken } from '@coko/server/dev';
import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';

const stack = testStack();
const rest = (path: string, headers: Record<string, string> = {}) => fetch(`${stack.url}/rest/v1${path}`, { headers });
const DRAFTS = '/books?select=id&status=eq.draft';

describe('gateway: Supabase URL layout and API keys', () => {
  it('refuses requests without an API key, in the error format', async () => {
    const response = await rest('/books?select=id&limit=1');
    expect(response.status).toBe(401);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: 'AUTHENTICATION_ERROR', message: expect.stringMatching(/No API key/) });
    expect(body.error.id).toEqual(expect.any(String));
  });

  it('refuses an unknown API key', async () => {
    const response = await rest('/books?select=id&limit=1', { apikey: 'sb_publishable_nope' });
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toMatch(/Invalid API key/);
  });

  it('maps the publishable key to anon: published books only', async () => {
    const published = await rest('/books?select=id&limit=5', { apikey: stack.publishableKey });
    expect(published.status).toBe(200);
    expect(await published.json()).toHaveLength(5);
    const drafts = await rest(DRAFTS, { apikey: stack.publishableKey });
    expect(await drafts.json()).toEqual([]);
  });

  it('maps the secret key to service_role (sees drafts), and refuses it from a browser origin', async () => {
    const drafts = await rest(DRAFTS, { apikey: stack.secretKey });
    expect((await drafts.json()).length).toBeGreaterThanOrEqual(10);
    const fromBrowser = await rest(DRAFTS, { apikey: stack.secretKey, origin: 'https://reader.example' });
    expect(fromBrowser.status).toBe(401);
  });

  it('passes a user JWT through to PostgREST, signed with ES256 or HS256', async () => {
    for (const alg of ['ES256', 'HS256'] as const) {
      const token = await mintUserToken(
        stack.keys,
        { id: '00000000-0000-4000-8000-000000000001' },
        { expiresInSeconds: 60, alg },
      );
      const response = await rest('/books?select=id&limit=1', {
        apikey: stack.publishableKey,
        authorization: `Bearer ${token}`,
      });
      expect(response.status, alg).toBe(200);
    }
  });

  it('lets PostgREST reject a token signed with another key', async () => {
    const other = { ...stack.keys, jwtSecret: 'another-secret-another-secret-another-secret' };
    const forged = await mintJwt(other, { role: 'service_role', expiresInSeconds: 60, alg: 'HS256' });
    const response = await rest(DRAFTS, { apikey: stack.publishableKey, authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
  });

  it('works unchanged with supabase-js createClient(url, publishableKey)', async () => {
    const supabase = createClient(stack.url, stack.publishableKey);
    const { data, error, count } = await supabase
      .from('books')
      .select('id, title', { count: 'exact' })
      .eq('status', 'published')
      .limit(3);
    expect(error).toBeNull();
    expect(data).toHaveLength(3);
    expect(count).toBeGreaterThanOrEqual(200);
  });

  it('compresses responses over 1 kB with brotli or gzip, and leaves small ones alone', async () => {
    const big = await fetch(`${stack.url}/rest/v1/books?select=id,title,description&limit=50`, {
      headers: { apikey: stack.publishableKey, 'accept-encoding': 'br' },
    });
    expect(big.headers.get('content-encoding')).toBe('br');
    expect((await big.json()).length).toBe(50);
    const gz = await fetch(`${stack.url}/rest/v1/books?select=id,title,description&limit=50`, {
      headers: { apikey: stack.publishableKey, 'accept-encoding': 'gzip' },
    });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const small = await fetch(`${stack.url}/rest/v1/books?select=id&limit=1`, {
      headers: { apikey: stack.publishableKey, 'accept-encoding': 'br, gzip' },
    });
    expect(small.headers.get('content-encoding')).toBeNull();
  });

  it('serves the public JWKS (asymmetric keys only, never the HS256 secret)', async () => {
    const jwks = await (await fetch(`${stack.url}/auth/v1/.well-known/jwks.json`)).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: stack.keys.es256.kid });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('forwards /functions/v1/api/* to the API app', async () => {
    const response = await fetch(`${stack.url}/functions/v1/api/health`);
    expect(response.status).toBe(200);
    expect((await response.json()).status).toBe('ok');
  });
});
