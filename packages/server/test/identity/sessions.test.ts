import { describe, expect, it } from 'vitest';
import { revokePartnerKey, rotatePartnerKey, setPartnerStatus } from '../../src/identity/index.ts';
import { db, decodeJwt, errorOf, externalId, newPartner, postSession, session, stack } from './helpers.ts';

describe('POST /v1/sessions', () => {
  it('creates the mapped user on first use and returns a token with the compact claim set', async () => {
    const partner = await newPartner();
    const ext = externalId();
    const before = Math.floor(Date.now() / 1000);
    const response = await postSession(partner.secretKey, {
      externalUserId: ext,
      email: 'Awa.Diop@Example.com',
      phone: '+221771234567',
      name: '  Awa Diop ',
      country: 'ci',
      language: 'en-gb',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body.user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      externalUserId: ext,
      email: 'awa.diop@example.com',
      phone: '+221771234567',
      name: 'Awa Diop',
      country: 'CI',
      language: 'en-GB',
      partnerId: partner.id,
    });
    const { header, payload } = decodeJwt(body.accessToken);
    expect(header).toEqual({ alg: 'ES256', kid: stack.keys.es256.kid });
    // Only what PostgREST, the database and the SDK read: no email, phone or name on every request.
    expect(payload).toEqual({
      sub: body.user.id,
      aud: 'authenticated',
      role: 'authenticated',
      iat: expect.any(Number),
      exp: expect.any(Number),
      app_metadata: { partner_id: partner.id },
    });
    expect(body.accessToken.length).toBeLessThan(420);
    expect(payload.iat as number).toBeGreaterThanOrEqual(before);
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    expect(new Date(body.expiresAt).getTime()).toBe((payload.exp as number) * 1000);

    const { rows } = await db.query(
      `select u.email, u.phone, u.aud, u.role, u.is_sso_user, u.raw_app_meta_data, p.display_name, p.country, p.language, p.partner_id
         from auth.users u join public.profiles p on p.id = u.id where u.id = $1`,
      [body.user.id],
    );
    expect(rows[0]).toEqual({
      email: 'awa.diop@example.com',
      phone: '221771234567',
      aud: 'authenticated',
      role: 'authenticated',
      is_sso_user: true,
      raw_app_meta_data: { provider: 'coko-partner', providers: ['coko-partner'], partner_id: partner.id },
      display_name: 'Awa Diop',
      country: 'CI',
      language: 'en-GB',
      partner_id: partner.id,
    });
  });

  it('returns the same user on later sessions, updating only what is sent; new users get the partner defaults', async () => {
    const partner = await newPartner({ defaultCountry: 'SN', defaultLanguage: 'fr' });
    const ext = externalId();
    const first = await session(partner.secretKey, { externalUserId: ext, name: 'Moussa' });
    expect(first.user).toMatchObject({ name: 'Moussa', country: 'SN', language: 'fr', email: null, phone: null });
    const second = await session(partner.secretKey, {
      externalUserId: ext,
      email: 'moussa@example.com',
      language: 'wo',
    });
    expect(second.user).toMatchObject({
      id: first.user.id,
      name: 'Moussa',
      country: 'SN',
      language: 'wo',
      email: 'moussa@example.com',
    });
    expect(second.accessToken).not.toBe(first.accessToken);
    const { rows } = await db.query('select count(*)::int as n from private.partner_users where partner_id = $1', [
      partner.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('signs HS256 when no asymmetric key is configured (JWKS empty then)', async () => {
    const { createApp } = await import('../../src/app/create-app.ts');
    const { loadConfig } = await import('../../src/config/index.ts');
    const config = loadConfig({
      COKO_ENV: 'test',
      LOG_LEVEL: 'silent',
      COKO_JWT_SECRET: stack.keys.jwtSecret,
      COKO_JWT_ISSUER: 'coko-test',
    });
    const app = createApp({ config, db });
    const partner = await newPartner();
    const response = await app.request('/api/v1/sessions', {
      method: 'POST',
      headers: { authorization: `Bearer ${partner.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalUserId: externalId() }),
    });
    expect(response.status).toBe(200);
    const { header, payload } = decodeJwt((await response.json()).accessToken);
    expect(header).toEqual({ alg: 'HS256' });
    expect(payload.iss).toBeUndefined();
    expect(await (await app.request('/api/.well-known/jwks.json')).json()).toEqual({ keys: [] });
  });

  it('serves the public JWKS (the ES256 key PostgREST trusts, never a private member or the HS256 secret)', async () => {
    const response = await fetch(`${stack.url}/functions/v1/api/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('max-age');
    const jwks = await response.json();
    expect(jwks.keys).toHaveLength(1);
    const { d: _d, ...publicPart } = stack.keys.es256.privateJwk as Record<string, unknown>;
    expect(jwks.keys[0]).toEqual({ ...publicPart, use: 'sig' });
    expect(JSON.stringify(jwks)).not.toContain(stack.keys.jwtSecret);
  });
});

describe('POST /v1/sessions: partner keys', () => {
  it('refuses a missing, malformed, unknown or wrong-kind key with 401 in the error format', async () => {
    const partner = await newPartner();
    const cases: [string | undefined, string][] = [
      [undefined, 'missing'],
      ['not-a-key', 'invalid'],
      [`sk_${'A'.repeat(16)}_${'b'.repeat(32)}`, 'invalid'],
      [`${partner.secretKey.slice(0, -1)}${partner.secretKey.endsWith('x') ? 'y' : 'x'}`, 'invalid'],
      [partner.publishableKey, 'wrong_kind'],
    ];
    for (const [key, reason] of cases) {
      const response = await postSession(key, { externalUserId: externalId() });
      expect(response.status, reason).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const error = await errorOf(response);
      expect(error).toMatchObject({ code: 'AUTHENTICATION_ERROR', details: { reason } });
      if (key) expect(JSON.stringify(error)).not.toContain(key);
    }
  });

  it('refuses secret keys from browsers (requests with an Origin)', async () => {
    const partner = await newPartner();
    const response = await postSession(
      partner.secretKey,
      { externalUserId: externalId() },
      { headers: { origin: 'https://reader.partner.example' } },
    );
    expect(response.status).toBe(401);
    expect((await errorOf(response)).details).toEqual({ reason: 'browser' });
  });

  it('rotation: the old key works during the overlap only, the new one from the start', async () => {
    const partner = await newPartner();
    const rotated = await rotatePartnerKey(db, partner.secretKeyId, { overlapSeconds: 3600 });
    expect(rotated.key).toMatch(/^sk_/);
    expect((await postSession(partner.secretKey, { externalUserId: externalId() })).status).toBe(200);
    expect((await postSession(rotated.key, { externalUserId: externalId() })).status).toBe(200);
    // End of the overlap window.
    await db.query(`update private.partner_keys set expires_at = now() - interval '1 second' where key_id = $1`, [
      partner.secretKeyId,
    ]);
    const old = await postSession(partner.secretKey, { externalUserId: externalId() });
    expect(old.status).toBe(401);
    expect((await errorOf(old)).details).toEqual({ reason: 'expired' });
    expect((await postSession(rotated.key, { externalUserId: externalId() })).status).toBe(200);
  });

  it('revocation takes effect at once', async () => {
    const partner = await newPartner();
    expect((await postSession(partner.secretKey, { externalUserId: externalId() })).status).toBe(200);
    await revokePartnerKey(db, partner.secretKeyId);
    const response = await postSession(partner.secretKey, { externalUserId: externalId() });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).details).toEqual({ reason: 'revoked' });
  });

  it('suspension stops the keys at once; reactivation restores them', async () => {
    const partner = await newPartner();
    await setPartnerStatus(db, partner.id, 'suspended');
    const response = await postSession(partner.secretKey, { externalUserId: externalId() });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).details).toEqual({ reason: 'suspended' });
    await setPartnerStatus(db, partner.id, 'active');
    expect((await postSession(partner.secretKey, { externalUserId: externalId() })).status).toBe(200);
  });

  it('stores only the hash, records last use at most once a minute, and never audits the hash', async () => {
    const partner = await newPartner();
    await postSession(partner.secretKey, { externalUserId: externalId() });
    const { rows } = await db.query('select key_hash, last_used_at from private.partner_keys where key_id = $1', [
      partner.secretKeyId,
    ]);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].last_used_at).toBeInstanceOf(Date);
    await postSession(partner.secretKey, { externalUserId: externalId() });
    const again = await db.query('select last_used_at from private.partner_keys where key_id = $1', [
      partner.secretKeyId,
    ]);
    expect(again.rows[0].last_used_at).toEqual(rows[0].last_used_at);
    const audit = await db.query(
      `select count(*)::int as n from public.audit_logs where new_values::text like '%' || $1 || '%'`,
      [rows[0].key_hash],
    );
    expect(audit.rows[0].n).toBe(0);
  });
});

describe('POST /v1/sessions: isolation', () => {
  it("partner A's secret cannot mint for partner B's users: the same external id gives two users", async () => {
    const [a, b] = [await newPartner(), await newPartner()];
    const ext = externalId();
    const atA = await session(a.secretKey, { externalUserId: ext, email: 'same@example.com', phone: '+2250700000001' });
    const atB = await session(b.secretKey, { externalUserId: ext, email: 'same@example.com', phone: '+2250700000001' });
    expect(atA.user.id).not.toBe(atB.user.id);
    expect(atA.user.partnerId).toBe(a.id);
    expect(atB.user.partnerId).toBe(b.id);
    // The phone is unique in auth.users: the second user keeps it in metadata only, and still sees it.
    expect(atB.user.phone).toBe('+2250700000001');
    expect(decodeJwt(atB.accessToken).payload.app_metadata).toEqual({ partner_id: b.id });
    // The token carries neither: GET /v1/me reads them from auth.users (the phone from the metadata here).
    const me = await fetch(`${stack.url}/functions/v1/api/v1/me`, {
      headers: { authorization: `Bearer ${atB.accessToken}` },
    });
    expect(await me.json()).toMatchObject({ email: 'same@example.com', phone: '+2250700000001', sessionId: null });
    // A's key minting "ext" again still reaches A's user, never B's.
    expect((await session(a.secretKey, { externalUserId: ext })).user.id).toBe(atA.user.id);
  });
});

describe('POST /v1/sessions: bad input is 400 in the error format, never 500', () => {
  const cases: [string, unknown, string?][] = [
    ['missing externalUserId', { email: 'a@example.com' }],
    ['empty externalUserId', { externalUserId: '' }],
    ['300-character externalUserId', { externalUserId: 'x'.repeat(300) }],
    ['number externalUserId', { externalUserId: 42 }],
    ['bad email', { externalUserId: 'u1', email: 'not-an-email' }],
    ['bad phone', { externalUserId: 'u1', phone: '0771234567' }],
    ['bad country', { externalUserId: 'u1', country: 'XX' }],
    ['country too long', { externalUserId: 'u1', country: 'SEN' }],
    ['bad language', { externalUserId: 'u1', language: 'français' }],
    ['name too long', { externalUserId: 'u1', name: 'n'.repeat(101) }],
    ['blank name', { externalUserId: 'u1', name: '   ' }],
    ['unknown field', { externalUserId: 'u1', externalId: 'typo' }],
    ['array body', [{ externalUserId: 'u1' }]],
    // Text Postgres refuses (NUL: 22021 in text, 22P05 in jsonb) or that has no place in a name or an id.
    ['NUL in externalUserId', { externalUserId: 'user\u0000evil' }],
    ['NUL in name', { externalUserId: 'u1', name: 'Awa\u0000Diop' }],
    ['escape character in name', { externalUserId: 'u1', name: 'Awa \u001b[31mDiop' }],
    ['C1 control in externalUserId', { externalUserId: 'user\u0085' }],
    ['newline in name', { externalUserId: 'u1', name: 'Awa\nDiop' }],
    ['DEL in name', { externalUserId: 'u1', name: 'Awa\u007f' }],
    ['lone surrogate in name', { externalUserId: 'u1', name: 'Awa \ud800' }],
    ['lone surrogate in externalUserId', { externalUserId: '\udc00user' }],
    ['101 code points of name', { externalUserId: 'u1', name: 'ŋ'.repeat(101) }],
  ];
  for (const [name, body] of cases) {
    it(name, async () => {
      const partner = await newPartnerOnce();
      const response = await postSession(partner.secretKey, body);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe('VALIDATION_ERROR');
    });
  }

  it('normalises names to NFC and counts code points, not UTF-16 units (as Postgres does)', async () => {
    const partner = await newPartnerOnce();
    const decomposed = 'Aminata Sow Fall e\u0301'; // é as e + combining acute
    const named = await postSession(partner.secretKey, { externalUserId: externalId(), name: decomposed });
    expect(named.status).toBe(200);
    expect((await named.json()).user.name).toBe('Aminata Sow Fall é');
    // 100 emoji are 200 UTF-16 units but 100 characters: accepted, like display_name's char_length <= 100.
    const emoji = '🦁'.repeat(100);
    const wide = await postSession(partner.secretKey, { externalUserId: externalId(), name: emoji });
    expect(wide.status).toBe(200);
    expect((await wide.json()).user.name).toBe(emoji);
    // External ids are opaque: kept as sent, even decomposed.
    const ext = `${externalId()}-e\u0301`;
    const opaque = await postSession(partner.secretKey, { externalUserId: ext });
    expect(opaque.status).toBe(200);
    expect((await opaque.json()).user.externalUserId).toBe(ext);
  });

  it('malformed JSON', async () => {
    const partner = await newPartnerOnce();
    const response = await postSession(partner.secretKey, undefined, { raw: '{"externalUserId": ' });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('INVALID_JSON');
  });

  // @hono/zod-openapi answers a body of an undeclared media type with 415, for every route: a client
  // error in the error format, the more precise status than 400.
  it('wrong content type (415)', async () => {
    const partner = await newPartnerOnce();
    const response = await postSession(partner.secretKey, undefined, {
      raw: 'externalUserId=u1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('no body', async () => {
    const partner = await newPartnerOnce();
    const response = await fetch(`${stack.url}/functions/v1/api/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${partner.secretKey}` },
    });
    expect(response.status).toBe(400);
    await errorOf(response);
  });
});

let shared: ReturnType<typeof newPartner> | undefined;
function newPartnerOnce() {
  shared ??= newPartner();
  return shared;
}
