// src/admin against the real stack: partners and keys created here are checked through the real
// sessions endpoint and PostgREST (through the gateway), and every change against audit_logs.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AdminError,
  cliActor,
  createKey,
  createPartner,
  grantRole,
  listKeys,
  listPartners,
  listRoles,
  normalizeOrigin,
  parseDuration,
  resumePartner,
  revokeKey,
  revokeRole,
  rotateKey,
  suspendPartner,
  updatePartner,
} from '../../src/admin/index.ts';
import { slugify } from '../../src/text/slugify.ts';
import {
  admin,
  auditOf,
  ctx,
  db,
  meExport,
  postSession,
  refusal,
  rest,
  SEED_ADMIN,
  SEED_READER,
  session,
  stack,
  unique,
} from './helpers.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

async function newPartner(options: { allowedOrigins?: string[] } = {}) {
  const name = unique('Partner');
  const created = await createPartner(ctx, {
    name,
    allowedOrigins: options.allowedOrigins ?? ['https://reader.example.com'],
    defaultCountry: 'sn',
    defaultLanguage: 'fr',
  });
  if (!created.secretKey || !created.publishableKey) throw new Error('no keys');
  return { ...created, secretKey: created.secretKey, publishableKey: created.publishableKey };
}

async function expectAdminError(promise: Promise<unknown>, code: AdminError['code'], message?: RegExp) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AdminError);
  expect((error as AdminError).code).toBe(code);
  if (message) expect((error as AdminError).message).toMatch(message);
}

describe('partners', () => {
  it('creates a partner with a secret and a publishable key; only their hashes are stored', async () => {
    const { partner, secretKey, publishableKey } = await newPartner({
      allowedOrigins: ['https://Reader.Example.com/', 'http://localhost:5173', 'https://reader.example.com'],
    });
    expect(partner).toMatchObject({
      name: expect.stringMatching(/^Partner-/),
      slug: slugify(partner.name),
      status: 'active',
      allowedOrigins: ['https://reader.example.com', 'http://localhost:5173'],
      defaultCountry: 'SN',
      defaultLanguage: 'fr',
    });
    expect(secretKey.key).toMatch(/^sk_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$/);
    expect(publishableKey.key).toMatch(/^pk_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$/);

    const { rows } = await db.query(
      `select key_id, kind::text as kind, key_hash, to_jsonb(k)::text as whole from private.partner_keys k
        where partner_id = $1 order by kind`,
      [partner.id],
    );
    expect(rows.map((r) => [r.kind, r.key_id, r.key_hash])).toEqual([
      ['publishable', publishableKey.keyId, sha256(publishableKey.key)],
      ['secret', secretKey.keyId, sha256(secretKey.key)],
    ]);
    for (const row of rows) {
      expect(row.whole).not.toContain(secretKey.key);
      expect(row.whole).not.toContain(publishableKey.key);
    }

    // Audited with the actor, never with the hash.
    const audit = await auditOf(
      'partner_key',
      (await db.query('select id from private.partner_keys where key_id = $1', [secretKey.keyId])).rows[0].id,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'partner_key.insert',
      actor_id: SEED_ADMIN.id,
      user_agent: 'coko-cli (cli:tester)',
    });
    expect(audit[0]?.new_values).not.toHaveProperty('key_hash');
    expect(JSON.stringify(audit)).not.toContain(sha256(secretKey.key));
    expect(await auditOf('partner', partner.id)).toMatchObject([{ action: 'partner.insert', actor_id: SEED_ADMIN.id }]);

    // The keys work: a session from the backend, anonymous REST from an allowed origin only.
    const minted = await session(secretKey.key, 'user-1');
    expect(minted.user.partnerId).toBe(partner.id);
    expect(
      (await rest('/categories?select=id&limit=1', { apikey: publishableKey.key, origin: 'http://localhost:5173' }))
        .status,
    ).toBe(200);
    expect(
      (await rest('/categories?select=id&limit=1', { apikey: publishableKey.key, origin: 'https://evil.example' }))
        .status,
    ).toBe(403);
  });

  it('refuses bad input with clear errors', async () => {
    await expectAdminError(createPartner(ctx, { name: '  ' }), 'invalid_input', /name/);
    await expectAdminError(
      createPartner(ctx, { name: 'X', allowedOrigins: ['https://a.example/app'] }),
      'invalid_input',
      /no path/,
    );
    await expectAdminError(
      createPartner(ctx, { name: 'X', allowedOrigins: ['ftp://a.example'] }),
      'invalid_input',
      /http or https/,
    );
    await expectAdminError(createPartner(ctx, { name: 'X', defaultCountry: 'ZZ' }), 'invalid_input', /country/);
    await expectAdminError(createPartner(ctx, { name: 'X', defaultLanguage: 'french' }), 'invalid_input', /language/);
    await expectAdminError(createPartner(ctx, { name: '!!!' }), 'invalid_input', /--slug/);
    const { partner } = await newPartner();
    await expectAdminError(
      createPartner(ctx, { name: 'Other', slug: partner.slug }),
      'conflict',
      /slug already exists/,
    );
    await expectAdminError(suspendPartner(ctx, 'no-such-partner'), 'unknown_partner', /coko partners list/);
    await expectAdminError(createKey(ctx, '00000000-0000-4000-8000-00000000dead', 'secret'), 'unknown_partner');
    await expectAdminError(createKey(ctx, partner.slug, 'private' as never), 'invalid_input', /secret or publishable/);
    expect(normalizeOrigin('HTTPS://App.Example.com:443')).toBe('https://app.example.com');
    expect(normalizeOrigin('*')).toBe('*');
    expect(slugify('Éditions Clairafrique & Fils!')).toBe('editions-clairafrique-fils');
    expect([
      parseDuration('24h'),
      parseDuration('30m'),
      parseDuration('7d'),
      parseDuration('0'),
      parseDuration('24 hours'),
    ]).toEqual([86_400, 1800, 604_800, 0, 86_400]);
    expect(() => parseDuration('soon')).toThrow(AdminError);
  });

  it('lists partners with their key counts, and updates origins', async () => {
    const { partner, secretKey } = await newPartner();
    await createKey(ctx, partner.slug, 'secret', { label: 'second server' });
    await revokeKey(ctx, secretKey.keyId);
    const listed = (await listPartners(ctx)).find((p) => p.id === partner.id);
    expect(listed).toMatchObject({ slug: partner.slug, status: 'active', keys: { active: 2, total: 3 } });

    const updated = await updatePartner(ctx, partner.slug, {
      addOrigins: ['https://new.example.com'],
      removeOrigins: ['https://reader.example.com'],
    });
    expect(updated.allowedOrigins).toEqual(['https://new.example.com']);
    const [update] = (await auditOf('partner', partner.id)).filter((entry) => entry.action === 'partner.update');
    expect(update).toMatchObject({
      actor_id: SEED_ADMIN.id,
      old_values: { allowed_origins: ['https://reader.example.com'] },
      new_values: { allowed_origins: ['https://new.example.com'] },
    });
  });

  it('suspension stops its keys and its users’ API sessions at once; resume restores them', async () => {
    const { partner, secretKey } = await newPartner();
    const minted = await session(secretKey.key, 'reader-1');
    expect((await meExport(minted.accessToken)).status).toBe(200);

    const suspended = await suspendPartner(ctx, partner.slug);
    expect(suspended).toMatchObject({ changed: true, partner: { status: 'suspended' } });
    expect((await suspendPartner(ctx, partner.id)).changed).toBe(false);

    const refused = await postSession(secretKey.key, 'reader-1');
    expect(refused.status).toBe(401);
    expect(await refusal(refused)).toBe('suspended');
    expect((await meExport(minted.accessToken)).status).toBe(401);

    const { rows } = await db.query('select status::text, suspended_at from private.partners where id = $1', [
      partner.id,
    ]);
    expect(rows[0]).toMatchObject({ status: 'suspended', suspended_at: expect.any(Date) });
    expect(
      (await auditOf('partner', partner.id)).map((entry) => [entry.action, entry.actor_id, entry.new_values?.status]),
    ).toEqual([
      ['partner.insert', SEED_ADMIN.id, 'active'],
      ['partner.update', SEED_ADMIN.id, 'suspended'],
    ]);

    expect((await resumePartner(ctx, partner.slug)).changed).toBe(true);
    expect((await meExport(minted.accessToken)).status).toBe(200);
    expect((await postSession(secretKey.key, 'reader-1')).status).toBe(200);
  });

  it('suspension: PostgREST refuses the partner’s users’ tokens at once (401), and accepts them again on resume', async () => {
    const { rows: settings } = await admin.query(
      `select coalesce(bool_or(c like 'pgrst.db_pre_request=%'), false) as configured
         from pg_db_role_setting s join pg_roles r on r.oid = s.setrole, unnest(s.setconfig) c
        where r.rolname = 'authenticator'`,
    );
    expect(
      settings[0]?.configured,
      'PostgREST db-pre-request is not configured on this cluster: the local bootstrap must `grant set on parameter pgrst.db_pre_request to postgres` before the identity migration runs (see supabase/migrations/20261121010000_identity.sql and supabase/tests/identity-pre-request.test.ts)',
    ).toBe(true);

    const { partner, secretKey } = await newPartner();
    const minted = await session(secretKey.key, 'reader-2');
    const own = await rest('/profiles?select=id', { token: minted.accessToken });
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual([{ id: minted.user.id }]);

    await suspendPartner(ctx, partner.id);
    const afterSuspension = await rest('/profiles?select=id', { token: minted.accessToken });
    expect(afterSuspension.status).toBe(401);
    expect(await afterSuspension.json()).toMatchObject({ code: 'COKO401', message: 'The partner is suspended.' });

    await resumePartner(ctx, partner.id);
    expect((await rest('/profiles?select=id', { token: minted.accessToken })).status).toBe(200);
  });
});

describe('keys', () => {
  it('creates keys that work at once and are shown only at creation', async () => {
    const { partner } = await newPartner();
    const created = await createKey(ctx, partner.slug, 'secret', { label: 'ci' });
    expect(created).toMatchObject({ kind: 'secret', label: 'ci', partner: { id: partner.id } });
    expect((await postSession(created.key, 'u')).status).toBe(200);
    const keys = await listKeys(ctx, partner.id);
    expect(keys).toHaveLength(3);
    expect(JSON.stringify(keys)).not.toContain(created.key.slice(20));
    expect(keys.find((k) => k.keyId === created.keyId)).toMatchObject({ kind: 'secret', state: 'active', label: 'ci' });
  });

  it('rotation: the old key works during the overlap and not after; the new one works', async () => {
    const { partner, secretKey } = await newPartner();
    const before = Date.now();
    const rotated = await rotateKey(ctx, secretKey.keyId, { overlap: '1h' });
    expect(rotated.key.kind).toBe('secret');
    expect(rotated.key.keyId).not.toBe(secretKey.keyId);
    expect(rotated.partner.id).toBe(partner.id);
    expect(rotated.previous.keyId).toBe(secretKey.keyId);
    expect(rotated.previous.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3600_000 - 5000);
    expect(rotated.previous.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000 + 5000);

    // During the overlap both work.
    expect((await postSession(secretKey.key, 'u')).status).toBe(200);
    expect((await postSession(rotated.key.key, 'u')).status).toBe(200);
    expect((await listKeys(ctx, partner.slug)).find((k) => k.keyId === secretKey.keyId)?.state).toBe('expiring');

    // After the overlap (time travel: the window ended a second ago) only the new one does.
    await admin.query(`update private.partner_keys set expires_at = now() - interval '1 second' where key_id = $1`, [
      secretKey.keyId,
    ]);
    const old = await postSession(secretKey.key, 'u');
    expect(old.status).toBe(401);
    expect(await refusal(old)).toBe('expired');
    expect((await postSession(rotated.key.key, 'u')).status).toBe(200);
    await expectAdminError(rotateKey(ctx, secretKey.keyId), 'key_expired');

    // Audited: the old key's expiry (update) and the new key (insert), never a hash.
    const oldRow = (await db.query('select id from private.partner_keys where key_id = $1', [secretKey.keyId])).rows[0];
    const [update] = (await auditOf('partner_key', oldRow.id)).filter((e) => e.action === 'partner_key.update');
    expect(update).toMatchObject({
      actor_id: SEED_ADMIN.id,
      old_values: { expires_at: null },
      new_values: { expires_at: expect.any(String) },
    });
  });

  it('rotating a publishable key keeps its kind; overlap 0 ends the old key at once', async () => {
    const { publishableKey } = await newPartner();
    const rotated = await rotateKey(ctx, publishableKey.keyId, { overlap: 0 });
    expect(rotated.key.kind).toBe('publishable');
    expect(rotated.key.key).toMatch(/^pk_/);
    expect((await rest('/categories?select=id&limit=1', { apikey: publishableKey.key })).status).toBe(401);
    expect((await rest('/categories?select=id&limit=1', { apikey: rotated.key.key })).status).toBe(200);
    await expectAdminError(rotateKey(ctx, rotated.key.keyId, { overlap: '31d' }), 'invalid_input', /30 days/);
  });

  it('revocation fails the key at once, for good', async () => {
    const { secretKey } = await newPartner();
    expect((await postSession(secretKey.key, 'u')).status).toBe(200);
    const revoked = await revokeKey(ctx, secretKey.keyId);
    expect(revoked).toMatchObject({
      changed: true,
      key: { keyId: secretKey.keyId, state: 'revoked', revokedAt: expect.any(Date) },
    });
    const refused = await postSession(secretKey.key, 'u');
    expect(refused.status).toBe(401);
    expect(await refusal(refused)).toBe('revoked');
    expect((await revokeKey(ctx, secretKey.keyId)).changed).toBe(false);
    await expectAdminError(rotateKey(ctx, secretKey.keyId), 'key_revoked');
  });

  it('names keys by id only', async () => {
    const { secretKey } = await newPartner();
    await expectAdminError(
      revokeKey(ctx, secretKey.key),
      'invalid_input',
      new RegExp(`Pass the key id \\(${secretKey.keyId}\\)`),
    );
    await expectAdminError(revokeKey(ctx, 'AAAAAAAAAAAAAAAA'), 'unknown_key');
    await expectAdminError(revokeKey(ctx, 'nope'), 'invalid_input');
    expect((await postSession(secretKey.key, 'u')).status).toBe(200);
  });
});

describe('roles', () => {
  it('grant and revoke are audited with the actor', async () => {
    const target = await session((await newPartner()).secretKey.key, 'future-moderator', {
      email: `${unique('mod')}@example.com`,
    });
    const { rows: users } = await db.query('select email from auth.users where id = $1', [target.user.id]);
    const email = users[0].email as string;

    const granted = await grantRole(ctx, email.toUpperCase(), 'moderator');
    expect(granted).toEqual({ user: { id: target.user.id, email }, role: 'moderator', changed: true });
    expect((await grantRole(ctx, target.user.id, 'moderator')).changed).toBe(false);
    expect((await listRoles(ctx)).filter((g) => g.userId === target.user.id).map((g) => g.role)).toEqual(['moderator']);

    const revoked = await revokeRole(ctx, target.user.id, 'MODERATOR');
    expect(revoked.changed).toBe(true);
    expect((await revokeRole(ctx, target.user.id, 'moderator')).changed).toBe(false);

    const audit = await auditOf('user_role', target.user.id);
    expect(audit).toEqual([
      {
        action: 'user_role.insert',
        actor_id: SEED_ADMIN.id,
        user_agent: 'coko-cli (cli:tester)',
        old_values: null,
        new_values: expect.objectContaining({ user_id: target.user.id, role: 'moderator' }),
      },
      {
        action: 'user_role.delete',
        actor_id: SEED_ADMIN.id,
        user_agent: 'coko-cli (cli:tester)',
        old_values: expect.objectContaining({ user_id: target.user.id, role: 'moderator' }),
        new_values: null,
      },
    ]);
  });

  it('without a Coko user, the CLI actor is recorded as the OS user', async () => {
    const actor = cliActor();
    expect(actor.label).toMatch(/^cli:.+/);
    await grantRole({ db, actor }, SEED_READER.email, 'admin');
    await revokeRole({ db, actor }, SEED_READER.id, 'admin');
    const audit = (await auditOf('user_role', SEED_READER.id)).filter(
      (entry) => entry.new_values?.role === 'admin' || entry.old_values?.role === 'admin',
    );
    expect(audit.map((entry) => [entry.action, entry.actor_id, entry.user_agent])).toEqual([
      ['user_role.insert', null, `coko-cli (${actor.label})`],
      ['user_role.delete', null, `coko-cli (${actor.label})`],
    ]);
  });

  it('refuses unknown roles and users', async () => {
    await expectAdminError(grantRole(ctx, SEED_READER.id, 'superuser'), 'invalid_input', /admin or moderator/);
    await expectAdminError(grantRole(ctx, SEED_READER.id, 'user'), 'invalid_input', /already/);
    await expectAdminError(grantRole(ctx, 'nobody@example.com', 'admin'), 'unknown_user');
    await expectAdminError(grantRole(ctx, '00000000-0000-4000-8000-00000000dead', 'admin'), 'unknown_user');
    await expectAdminError(grantRole(ctx, 'bob', 'admin'), 'invalid_input', /id \(a uuid\) or email/);
    await expectAdminError(
      grantRole({ db, actor: { label: 'x', userId: 'not-a-uuid' } }, SEED_READER.id, 'admin'),
      'invalid_input',
    );
    // Nothing was written.
    const { rows } = await db.query(
      `select count(*)::int as n from public.user_roles where user_id = $1 and role = 'admin'`,
      [SEED_READER.id],
    );
    expect(rows[0].n).toBe(0);
    expect(stack.url).toMatch(/^http/);
  });
});
