// private.check_request(), PostgREST's db-pre-request: a valid signature is not enough. PostgREST
// refuses (401, code COKO401) the tokens of deleted accounts, tokens issued before the account's
// sessions were revoked, and tokens of a suspended partner's users; anon and the service role are
// never affected.
import { mintUserToken } from '@coko/server/dev';
import { beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack.js';
import { adminQuery, rest, type TestUser } from './helpers.js';
import { createIdentityUser, createPartner, jwtClaims, setPartnerStatus } from './identity-helpers.js';

const PARTNER_A = '20000000-0000-4000-8000-0000000000a1';
const PARTNER_B = '20000000-0000-4000-8000-0000000000b1';

const reader = (n: number, partnerId?: string): TestUser => ({
  id: `10000000-0000-4000-8000-0000000003${String(n).padStart(2, '0')}`,
  email: `pre-request-${n}@identity.test`,
  roles: [],
  ...(partnerId ? { appMetadata: { partner_id: partnerId } } : {}),
});

const ACTIVE = reader(1);
const DELETED = reader(2);
const REVOKED = reader(3);
const OF_PARTNER_A = reader(4, PARTNER_A);
const OF_PARTNER_B = reader(5, PARTNER_B);

function tokenOf(user: TestUser, appMetadata: Record<string, unknown> = user.appMetadata ?? {}): Promise<string> {
  return mintUserToken(testStack().keys, { id: user.id, email: user.email, appMetadata }, { expiresInSeconds: 600 });
}

/** A request a signed-in reader can always make when their token is accepted. */
function readProfile(token: string, user: TestUser): Promise<Response> {
  return rest(`/profiles?select=id&id=eq.${user.id}`, { token });
}

async function expectRefused(response: Response, message: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(await response.json()).toMatchObject({ code: 'COKO401', message });
}

beforeAll(async () => {
  await createPartner({ id: PARTNER_A, slug: 'pre-request-a' });
  await createPartner({ id: PARTNER_B, slug: 'pre-request-b' });
  for (const user of [ACTIVE, DELETED, REVOKED]) await createIdentityUser(user);
  await createIdentityUser({ ...OF_PARTNER_A, partner: { id: PARTNER_A, externalUserId: 'a-1' } });
  await createIdentityUser({ ...OF_PARTNER_B, partner: { id: PARTNER_B, externalUserId: 'b-1' } });
});

describe('configuration', () => {
  it('the migration points PostgREST at private.check_request (pgrst.db_pre_request on authenticator)', async () => {
    const rows = await adminQuery<{ setting: string }>(
      `select unnest(s.setconfig) as setting
       from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
       where r.rolname = 'authenticator'`,
    );
    expect(
      rows.map((row) => row.setting),
      'pgrst.db_pre_request is not set: a local bootstrap must `grant set on parameter pgrst.db_pre_request to postgres` (Postgres 15+), see 20261121010000_identity.sql',
    ).toContain('pgrst.db_pre_request=private.check_request');
  });

  it('the API roles may execute it; PostgREST does not expose it', async () => {
    const [row] = await adminQuery<Record<string, boolean>>(
      `select has_function_privilege('anon', 'private.check_request()', 'execute') as anon,
              has_function_privilege('authenticated', 'private.check_request()', 'execute') as authenticated,
              has_function_privilege('service_role', 'private.check_request()', 'execute') as service_role,
              exists (
                select 1 from aclexplode((select proacl from pg_proc where oid = 'private.check_request()'::regprocedure)) a
                where a.grantee = 0
              ) as public`,
    );
    expect(row).toEqual({ anon: true, authenticated: true, service_role: true, public: false });
    const response = await rest('/rpc/check_request', { method: 'POST' });
    expect(response.status).toBe(404);
  });
});

describe('accepted requests', () => {
  it('a fresh token of an active account: 200', async () => {
    const response = await readProfile(await tokenOf(ACTIVE), ACTIVE);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ id: ACTIVE.id }]);
  });

  it('a token of an active partner’s user: 200', async () => {
    const response = await readProfile(await tokenOf(OF_PARTNER_A), OF_PARTNER_A);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ id: OF_PARTNER_A.id }]);
  });

  it('a token naming a partner that does not exist is not refused by this check', async () => {
    const token = await tokenOf(ACTIVE, { partner_id: '20000000-0000-4000-8000-0000000000ff' });
    expect((await readProfile(token, ACTIVE)).status).toBe(200);
  });

  it('a malformed partner_id claim is ignored, not an error', async () => {
    const token = await tokenOf(ACTIVE, { partner_id: 'not-a-uuid' });
    expect((await readProfile(token, ACTIVE)).status).toBe(200);
  });

  it('anon requests are untouched', async () => {
    const response = await rest('/books?select=id&limit=1');
    expect(response.status).toBe(200);
  });

  it('service role requests are untouched', async () => {
    const response = await fetch(`${testStack().url}/rest/v1/profiles?select=id&id=eq.${DELETED.id}`, {
      headers: { apikey: testStack().secretKey },
    });
    expect(response.status).toBe(200);
  });
});

describe('a deleted account', () => {
  it('its still-valid token is refused from the moment of deletion (401 COKO401)', async () => {
    const token = await tokenOf(DELETED);
    expect((await readProfile(token, DELETED)).status).toBe(200);

    await adminQuery('select private.soft_delete_account($1)', [DELETED.id]);

    await expectRefused(await readProfile(token, DELETED), 'The account has been deleted.');
  });

  it('a token minted after the deletion is refused too', async () => {
    await expectRefused(await readProfile(await tokenOf(DELETED), DELETED), 'The account has been deleted.');
  });

  it('RPCs and writes are refused as well', async () => {
    const token = await tokenOf(DELETED);
    await expectRefused(
      await rest('/rpc/authorize', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ permission: 'books:read' }),
      }),
      'The account has been deleted.',
    );
    await expectRefused(
      await rest('/consents', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'tracking', granted: true }),
      }),
      'The account has been deleted.',
    );
    const [row] = await adminQuery<{ n: number }>('select count(*)::int as n from public.consents where user_id = $1', [
      DELETED.id,
    ]);
    expect(row!.n).toBe(0);
  });

  it('the error is PostgREST-shaped for supabase-js (code, message, details, hint)', async () => {
    const body = await (await readProfile(await tokenOf(DELETED), DELETED)).json();
    expect(body).toEqual({ code: 'COKO401', message: 'The account has been deleted.', details: null, hint: null });
  });
});

describe('revoked sessions', () => {
  it('a token issued before sessions_revoked_at is refused; one issued after is accepted', async () => {
    const old = await tokenOf(REVOKED);
    const { iat } = jwtClaims(old);
    expect((await readProfile(old, REVOKED)).status).toBe(200);

    // Revoked one second after the token was issued.
    await adminQuery(
      `insert into private.account_states (user_id, sessions_revoked_at) values ($1, to_timestamp($2))
       on conflict (user_id) do update set sessions_revoked_at = excluded.sessions_revoked_at`,
      [REVOKED.id, iat + 1],
    );
    await expectRefused(await readProfile(old, REVOKED), 'The session has been revoked.');

    // Revoked one second before the token was issued: the token is newer, so it is accepted.
    await adminQuery('update private.account_states set sessions_revoked_at = to_timestamp($2) where user_id = $1', [
      REVOKED.id,
      iat - 1,
    ]);
    expect((await readProfile(old, REVOKED)).status).toBe(200);
  });

  it('a token from the very second of the revocation is refused (iat has one-second resolution: fail closed)', async () => {
    const token = await tokenOf(REVOKED);
    const { iat } = jwtClaims(token);
    await adminQuery('update private.account_states set sessions_revoked_at = to_timestamp($2) where user_id = $1', [
      REVOKED.id,
      iat + 0.5,
    ]);
    await expectRefused(await readProfile(token, REVOKED), 'The session has been revoked.');
    await adminQuery('update private.account_states set sessions_revoked_at = to_timestamp($2) where user_id = $1', [
      REVOKED.id,
      iat,
    ]);
    expect((await readProfile(token, REVOKED)).status).toBe(200);
  });

  it('revoking one account’s sessions leaves the others alone', async () => {
    expect((await readProfile(await tokenOf(ACTIVE), ACTIVE)).status).toBe(200);
  });
});

describe('a suspended partner', () => {
  it('its users’ tokens are refused while it is suspended and accepted again once it is active', async () => {
    const token = await tokenOf(OF_PARTNER_B);
    expect((await readProfile(token, OF_PARTNER_B)).status).toBe(200);

    await setPartnerStatus(PARTNER_B, 'suspended');
    await expectRefused(await readProfile(token, OF_PARTNER_B), 'The partner is suspended.');
    await expectRefused(await readProfile(await tokenOf(OF_PARTNER_B), OF_PARTNER_B), 'The partner is suspended.');

    await setPartnerStatus(PARTNER_B, 'active');
    expect((await readProfile(token, OF_PARTNER_B)).status).toBe(200);
  });

  it('other partners’ users are not affected', async () => {
    await setPartnerStatus(PARTNER_B, 'suspended');
    try {
      expect((await readProfile(await tokenOf(OF_PARTNER_A), OF_PARTNER_A)).status).toBe(200);
      expect((await readProfile(await tokenOf(ACTIVE), ACTIVE)).status).toBe(200);
    } finally {
      await setPartnerStatus(PARTNER_B, 'active');
    }
  });
});
