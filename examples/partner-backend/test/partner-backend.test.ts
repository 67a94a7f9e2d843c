// The example partner backend against the test stack (COKO_TEST_URL): a partner and its keys are
// created through Coko's admin operations in the test database, the backend mints sessions with the
// secret key, and the tokens it hands out work against PostgREST (the user's own profile) and with
// @coko/sdk.
import { createCoko } from '@coko/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor, createPartner, revokeKey } from '../../../packages/server/src/admin/index.ts';
import { loadConfig } from '../src/config.ts';
import { DEMO_USERS, type PartnerBackend, startPartnerBackend } from '../src/server.ts';

const cokoUrl = process.env.COKO_TEST_URL as string;
const databaseUrl = (process.env.COKO_TEST_DATABASE_URL ?? process.env.COKO_TEST_ADMIN_DATABASE_URL) as string;
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const ctx = { db, actor: cliActor() };

let backend: PartnerBackend;
let partner: Awaited<ReturnType<typeof createPartner>>;

beforeAll(async () => {
  partner = await createPartner(ctx, {
    name: `Example partner ${Date.now().toString(36)}`,
    allowedOrigins: ['http://localhost:5173'],
    defaultCountry: 'SN',
  });
  backend = await startPartnerBackend(
    loadConfig({
      COKO_URL: cokoUrl,
      COKO_SECRET_KEY: partner.secretKey?.key,
      COKO_PUBLISHABLE_KEY: partner.publishableKey?.key,
      PORT: '0',
    }),
  );
});

afterAll(async () => {
  await backend?.close();
  await db.end();
});

async function login(username: string): Promise<string> {
  const response = await fetch(`${backend.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { sessionToken: string }).sessionToken;
}

function cokoToken(sessionToken?: string) {
  return fetch(`${backend.url}/coko-token`, {
    method: 'POST',
    headers: sessionToken ? { authorization: `Bearer ${sessionToken}` } : {},
  });
}

describe('examples/partner-backend', () => {
  it('POST /coko-token returns a Coko session for the signed-in user, which reads their own profile', async () => {
    const response = await cokoToken(await login('awa'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { accessToken: string; expiresAt: string };
    expect(Object.keys(body).sort()).toEqual(['accessToken', 'expiresAt']);
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const text = JSON.stringify(body);
    expect(text).not.toContain(partner.secretKey?.key);

    // The token through the gateway, with the partner's publishable key, from its front end's origin.
    const profiles = await fetch(`${cokoUrl}/rest/v1/profiles?select=id,display_name,country`, {
      headers: {
        apikey: partner.publishableKey?.key as string,
        authorization: `Bearer ${body.accessToken}`,
        origin: 'http://localhost:5173',
      },
    });
    expect(profiles.status).toBe(200);
    const rows = (await profiles.json()) as { id: string; display_name: string; country: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ display_name: DEMO_USERS.awa.name, country: 'SN' });

    // It is the Coko user mapped to (partner, awa).
    const { rows: mapped } = await db.query(
      'select user_id from private.partner_users where partner_id = $1 and external_user_id = $2',
      [partner.partner.id, DEMO_USERS.awa.id],
    );
    expect(mapped).toEqual([{ user_id: rows[0]?.id }]);
  });

  it('works as the SDK’s accessToken source', async () => {
    const sessionToken = await login('kofi');
    let calls = 0;
    const coko = createCoko({
      url: cokoUrl,
      publishableKey: partner.publishableKey?.key as string,
      accessToken: async () => {
        calls += 1;
        const response = await cokoToken(sessionToken);
        return ((await response.json()) as { accessToken: string }).accessToken;
      },
    });
    const page = await coko.catalog.list({ limit: 1 });
    expect(page.data.length).toBeLessThanOrEqual(1);
    expect(calls).toBe(1);
  });

  it('refuses users who are not signed in, and never leaks Coko’s refusal details', async () => {
    expect((await cokoToken()).status).toBe(401);
    expect((await cokoToken('made-up')).status).toBe(401);
    const unknown = await fetch(`${backend.url}/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'mallory' }),
    });
    expect(unknown.status).toBe(401);

    // A revoked secret key: the backend answers 502 (its own problem), not Coko's details.
    const sessionToken = await login('awa');
    await revokeKey(ctx, partner.secretKey?.keyId as string);
    const refused = await cokoToken(sessionToken);
    expect(refused.status).toBe(502);
    expect(await refused.json()).toEqual({
      error: 'coko_refused',
      message: 'Coko refused to open a session; see the server log',
    });
  });

  it('reads its configuration from the environment, refusing publishable keys as secrets', () => {
    expect(() => loadConfig({ COKO_URL: cokoUrl, COKO_SECRET_KEY: partner.publishableKey?.key })).toThrow(
      /secret key \(sk_…\)/,
    );
    expect(loadConfig({ COKO_URL: `${cokoUrl}/`, COKO_SECRET_KEY: 'sk_x', PORT: '9000' })).toMatchObject({
      cokoUrl,
      port: 9000,
      frontendOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
    });
  });
});
