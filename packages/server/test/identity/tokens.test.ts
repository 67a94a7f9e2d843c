// The minted tokens against both verifiers: PostgREST (through the gateway) and the API's userAuth.
// Whatever one accepts or refuses, the other must too.
import { exportJWK, generateKeyPair, importJWK, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { setPartnerStatus, TokenService } from '../../src/identity/index.ts';
import { mintUserToken } from '../../src/stack/index.ts';
import {
  api,
  db,
  decodeJwt,
  errorOf,
  expectPreRequestConfigured,
  externalId,
  newPartner,
  rest,
  type SessionBody,
  session,
  stack,
  type TestPartner,
} from './helpers.ts';

let partner: TestPartner;
let alice: SessionBody;
let bob: SessionBody;

beforeAll(async () => {
  partner = await newPartner();
  alice = await session(partner.secretKey, { externalUserId: externalId(), name: 'Alice' });
  bob = await session(partner.secretKey, { externalUserId: externalId(), name: 'Bob' });
});

/**
 * What PostgREST says about a token (a request every signed-in reader may make), sent with the
 * publishable key of the token's partner (the gateway binds the two) or the project's.
 */
async function viaPostgrest(token: string, apikey = partner.publishableKey): Promise<number> {
  const response = await rest('/profiles?select=id', { apikey, token });
  await response.body?.cancel();
  return response.status;
}

/** What the API says about a token. */
async function viaApi(token: string): Promise<{ status: number; reason?: unknown }> {
  const response = await api('/v1/me', token);
  if (response.status === 200) {
    await response.body?.cancel();
    return { status: 200 };
  }
  return { status: response.status, reason: (await errorOf(response)).details?.reason };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs `claims` with the stack's ES256 key (the real one), with its kid. */
async function signWithStackKey(claims: Record<string, unknown>): Promise<string> {
  const key = await importJWK(stack.keys.es256.privateJwk, 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: stack.keys.es256.kid }).sign(key);
}

function claimsOf(token: string): Record<string, unknown> {
  return decodeJwt(token).payload;
}

describe('accepted', () => {
  it('the minted ES256 token (PostgREST and API)', async () => {
    expect(await viaPostgrest(alice.accessToken)).toBe(200);
    expect(await viaApi(alice.accessToken)).toEqual({ status: 200 });
    const me = await (await api('/v1/me', alice.accessToken)).json();
    expect(me).toEqual({
      id: alice.user.id,
      email: null,
      phone: null,
      partnerId: partner.id,
      sessionId: null,
      expiresAt: alice.expiresAt.replace(/\.\d{3}Z$/, '.000Z'),
    });
  });

  it('an HS256 token with the same claims, signed with the project secret', async () => {
    const hs = new TokenService({ secret: stack.keys.jwtSecret, issuer: `${stack.url}/auth/v1`, ttlSeconds: 300 });
    const { accessToken } = await hs.mint({ userId: alice.user.id, partnerId: partner.id });
    expect(decodeJwt(accessToken).header.alg).toBe('HS256');
    expect(await viaPostgrest(accessToken)).toBe(200);
    expect(await viaApi(accessToken)).toEqual({ status: 200 });
  });

  it('a Supabase Auth-style token of a first-party user (no partner)', async () => {
    const token = await mintUserToken(
      stack.keys,
      { id: '00000000-0000-4000-8000-000000000001' },
      { expiresInSeconds: 60 },
    );
    // Not a partner's user: the project's publishable key (a partner's pk_ refuses tokens of others).
    expect(await viaPostgrest(token, stack.publishableKey)).toBe(200);
    expect(await viaApi(token)).toEqual({ status: 200 });
  });
});

describe('refused by PostgREST and by userAuth', () => {
  it('a tampered payload (another sub, or role service_role) with the original signature', async () => {
    const [header, , signature] = alice.accessToken.split('.');
    for (const change of [{ sub: bob.user.id }, { role: 'service_role' }]) {
      const forged = `${header}.${b64({ ...claimsOf(alice.accessToken), ...change })}.${signature}`;
      expect(await viaPostgrest(forged)).toBe(401);
      expect(await viaApi(forged)).toEqual({ status: 401, reason: 'signature' });
    }
  });

  it('an expired token', async () => {
    const past = new TokenService({
      signingKey: stack.keys.es256.privateJwk as never,
      issuer: 'coko',
      ttlSeconds: 900,
      now: () => Date.now() - 3_600_000,
    });
    const { accessToken } = await past.mint({ userId: alice.user.id, partnerId: partner.id });
    expect(await viaPostgrest(accessToken)).toBe(401);
    expect(await viaApi(accessToken)).toEqual({ status: 401, reason: 'expired' });
  });

  it('alg none', async () => {
    const unsigned = new UnsecuredJWT({ ...claimsOf(alice.accessToken) }).encode();
    expect(await viaPostgrest(unsigned)).toBe(401);
    expect((await viaApi(unsigned)).status).toBe(401);
    // And "none" with the real key's kid, in case a verifier picks the key by kid first.
    const withKid = `${b64({ alg: 'none', typ: 'JWT', kid: stack.keys.es256.kid })}.${b64(claimsOf(alice.accessToken))}.`;
    expect(await viaPostgrest(withKid)).toBe(401);
    expect((await viaApi(withKid)).status).toBe(401);
  });

  it('a token signed with another key (same kid), or another HS256 secret', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const other = { ...(await exportJWK(privateKey)), kid: stack.keys.es256.kid, alg: 'ES256' };
    const impostor = new TokenService({ signingKey: other as never, issuer: 'coko', ttlSeconds: 300 });
    const es = (await impostor.mint({ userId: alice.user.id, partnerId: partner.id })).accessToken;
    expect(await viaPostgrest(es)).toBe(401);
    expect(await viaApi(es)).toEqual({ status: 401, reason: 'signature' });
    const hs = new TokenService({ secret: 'x'.repeat(48), issuer: 'coko', ttlSeconds: 300 });
    const forged = (await hs.mint({ userId: alice.user.id, partnerId: partner.id })).accessToken;
    expect(await viaPostgrest(forged)).toBe(401);
    expect(await viaApi(forged)).toEqual({ status: 401, reason: 'signature' });
  });

  it('a forged service_role token signed with a wrong key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ role: 'service_role', iat: now, exp: now + 300 })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: stack.keys.es256.kid })
      .sign(privateKey);
    const drafts = await rest('/books?select=id&status=eq.draft', { token: forged });
    expect(drafts.status).toBe(401);
    expect((await viaApi(forged)).status).toBe(401);
  });

  it('a wrong audience (PostgREST runs with jwt-aud = authenticated)', async () => {
    const token = await signWithStackKey({ ...claimsOf(alice.accessToken), aud: 'partner-dashboard' });
    expect(await viaPostgrest(token)).toBe(401);
    expect(await viaApi(token)).toEqual({ status: 401, reason: 'claims' });
  });

  it('a missing audience: refused by userAuth (PostgREST accepts tokens without aud, as the anon and service JWTs have none)', async () => {
    const { aud: _aud, ...claims } = claimsOf(alice.accessToken);
    const token = await signWithStackKey(claims);
    expect(await viaApi(token)).toEqual({ status: 401, reason: 'claims' });
  });
});

describe('sessions stop at once', () => {
  beforeAll(expectPreRequestConfigured);

  it("a suspended partner's sessions: refused by PostgREST and the API, then accepted again on reactivation", async () => {
    const other = await newPartner();
    const carol = await session(other.secretKey, { externalUserId: externalId() });
    expect(await viaPostgrest(carol.accessToken, other.publishableKey)).toBe(200);
    await setPartnerStatus(db, other.id, 'suspended');
    try {
      const viaRest = await rest('/profiles?select=id', { token: carol.accessToken });
      expect(viaRest.status).toBe(401);
      expect(await viaRest.json()).toMatchObject({ code: 'COKO401' });
      expect(await viaApi(carol.accessToken)).toEqual({ status: 401, reason: 'partner_suspended' });
      // Sessions of other partners are unaffected.
      expect(await viaPostgrest(alice.accessToken)).toBe(200);
    } finally {
      await setPartnerStatus(db, other.id, 'active');
    }
    expect(await viaApi(carol.accessToken)).toEqual({ status: 200 });
  });

  it('revoked sessions (account_states.sessions_revoked_at): tokens issued before are refused, new ones work', async () => {
    const dave = await session(partner.secretKey, { externalUserId: externalId() });
    await db.query(
      `insert into private.account_states (user_id, sessions_revoked_at) values ($1, now())
       on conflict (user_id) do update set sessions_revoked_at = excluded.sessions_revoked_at`,
      [dave.user.id],
    );
    expect(await viaPostgrest(dave.accessToken)).toBe(401);
    expect(await viaApi(dave.accessToken)).toEqual({ status: 401, reason: 'revoked' });
    // iat has one-second resolution and the same second is refused too (fail closed).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const fresh = await session(partner.secretKey, { externalUserId: dave.user.externalUserId });
    expect(await viaPostgrest(fresh.accessToken)).toBe(200);
    expect(await viaApi(fresh.accessToken)).toEqual({ status: 200 });
  });

  it('the token of a deleted user', async () => {
    const erin = await session(partner.secretKey, { externalUserId: externalId() });
    await db.query('select private.soft_delete_account($1)', [erin.user.id]);
    expect(await viaPostgrest(erin.accessToken)).toBe(401);
    expect(await viaApi(erin.accessToken)).toEqual({ status: 401, reason: 'deleted' });
  });
});

describe('isolation through PostgREST', () => {
  it("partner A's users cannot read partner B's users' private data", async () => {
    const [a, b] = [await newPartner(), await newPartner()];
    const ext = externalId();
    const atA = await session(a.secretKey, { externalUserId: ext, name: 'At A', country: 'ML' });
    const atB = await session(b.secretKey, { externalUserId: ext, name: 'At B', country: 'NE' });
    const own = await rest('/profiles?select=id,display_name,country,partner_id', {
      apikey: a.publishableKey,
      token: atA.accessToken,
    });
    expect(await own.json()).toEqual([{ id: atA.user.id, display_name: 'At A', country: 'ML', partner_id: a.id }]);
    const theirs = await rest(`/profiles?select=*&id=eq.${atB.user.id}`, {
      apikey: a.publishableKey,
      token: atA.accessToken,
    });
    expect(await theirs.json()).toEqual([]);
    const consents = await rest(`/consents?select=*&user_id=eq.${atB.user.id}`, {
      apikey: a.publishableKey,
      token: atA.accessToken,
    });
    expect(await consents.json()).toEqual([]);
    // Writing someone else's profile changes nothing.
    const write = await rest(`/profiles?id=eq.${atB.user.id}`, {
      apikey: a.publishableKey,
      token: atA.accessToken,
      init: {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', prefer: 'return=representation' },
        body: JSON.stringify({ display_name: 'Hacked' }),
      },
    });
    expect(await write.json()).toEqual([]);
    const { rows } = await db.query('select display_name from public.profiles where id = $1', [atB.user.id]);
    expect(rows[0].display_name).toBe('At B');
  });
});
