// Accounts and partners below the API: the profile trigger, partner rules, publishable-key
// resolution for the gateway, and account deletion (soft delete, then anonymisation after the
// retention period, driven by a controlled clock).
import { beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, ensureTestUsers, sqlAs, sqlError, type TestUser } from './helpers.js';
import { createIdentityUser, createPartner, createPartnerKey, profileOf } from './identity-helpers.js';

const PARTNER = '20000000-0000-4000-8000-000000000601';

const user = (n: number, extra: Partial<TestUser> = {}): TestUser => ({
  id: `10000000-0000-4000-8000-0000000006${String(n).padStart(2, '0')}`,
  email: `account-${n}@identity.test`,
  roles: [],
  ...extra,
});

beforeAll(async () => {
  await ensureTestUsers();
  await createPartner({ id: PARTNER, slug: 'accounts-partner', allowedOrigins: ['https://reader.example.org'] });
});

// =============================================================================================
// Profiles
// =============================================================================================
describe('the profile trigger', () => {
  it('creates a profile from valid sign-up metadata', async () => {
    const created = user(1, { appMetadata: { partner_id: PARTNER } });
    await createIdentityUser({
      ...created,
      userMetadata: {
        full_name: '  Aminata Diallo ',
        country: 'sn',
        language: 'fr-SN',
        avatar_path: `avatars/${created.id}/a.png`,
      },
    });
    expect(await profileOf(created.id)).toMatchObject({
      display_name: 'Aminata Diallo',
      country: 'SN',
      language: 'fr-SN',
      avatar_path: `avatars/${created.id}/a.png`,
      partner_id: PARTNER,
      deleted_at: null,
      preferences: { theme: 'system', fontSize: 16, notifications: { email: true, push: true, sms: false } },
    });
  });

  it('drops invalid metadata instead of failing the sign-up', async () => {
    const created = user(2, { appMetadata: { partner_id: 'not-a-uuid' } });
    await createIdentityUser({
      ...created,
      userMetadata: { name: 'x'.repeat(150), country: 'Senegal', language: 'french', avatar_path: '' },
    });
    expect(await profileOf(created.id)).toMatchObject({
      display_name: 'x'.repeat(100),
      country: null,
      language: 'fr',
      avatar_path: null,
      partner_id: null,
    });
  });

  it('a partner mapping created after the user fills partner_id', async () => {
    const created = user(3);
    await createIdentityUser(created);
    expect((await profileOf(created.id))?.partner_id).toBeNull();
    await adminQuery(
      `insert into private.partner_users (partner_id, external_user_id, user_id) values ($1, 'ext-3', $2)`,
      [PARTNER, created.id],
    );
    expect((await profileOf(created.id))?.partner_id).toBe(PARTNER);
  });

  it('deleting the auth user deletes the profile and the mapping (on delete cascade)', async () => {
    const created = user(4);
    await createIdentityUser({ ...created, partner: { id: PARTNER, externalUserId: 'ext-4' } });
    await adminQuery('delete from auth.users where id = $1', [created.id]);
    expect(await profileOf(created.id)).toBeUndefined();
    expect(await adminQuery('select 1 from private.partner_users where user_id = $1', [created.id])).toEqual([]);
  });
});

// =============================================================================================
// Partners
// =============================================================================================
describe('partners', () => {
  it('suspended_at follows status', async () => {
    const id = '20000000-0000-4000-8000-000000000602';
    await createPartner({ id, slug: 'status-partner' });
    const read = async () =>
      (
        await adminQuery<{ status: string; suspended: boolean }>(
          'select status::text, suspended_at is not null as suspended from private.partners where id = $1',
          [id],
        )
      )[0];
    expect(await read()).toEqual({ status: 'active', suspended: false });
    await adminQuery(`update private.partners set status = 'suspended' where id = $1`, [id]);
    const [first] = await adminQuery<{ at: string }>(
      'select suspended_at::text as at from private.partners where id = $1',
      [id],
    );
    await adminQuery(`update private.partners set name = 'Renamed' where id = $1`, [id]);
    const [still] = await adminQuery<{ at: string }>(
      'select suspended_at::text as at from private.partners where id = $1',
      [id],
    );
    expect(still!.at).toBe(first!.at);
    await adminQuery(`update private.partners set status = 'active' where id = $1`, [id]);
    expect(await read()).toEqual({ status: 'active', suspended: false });
  });

  it.each([
    ['an origin with a path', 'allowed_origins', `'{https://ok.example, https://bad.example/path}'`],
    ['an upper-case origin', 'allowed_origins', `'{HTTPS://UPPER.EXAMPLE}'`],
    ['a non-web origin', 'allowed_origins', `'{ftp://files.example}'`],
    ['a lower-case country', 'default_country', `'sn'`],
    ['a language name', 'default_language', `'french'`],
    ['a non-http webhook', 'webhook_url', `'javascript:alert(1)'`],
  ])('refuses %s (23514)', async (_label, column, value) => {
    const error = await sqlError(
      adminQuery(`insert into private.partners (name, slug, ${column}) values ('Bad', 'bad-partner', ${value})`),
    );
    expect(error.code).toBe('23514');
  });

  it('refuses a slug that is not lower-case words joined by hyphens (23514)', async () => {
    const error = await sqlError(adminQuery(`insert into private.partners (name, slug) values ('Bad', 'Not A Slug')`));
    expect(error.code).toBe('23514');
  });

  it('accepts origins with ports, IPv6 hosts and the * wildcard', async () => {
    await adminQuery(
      `insert into private.partners (name, slug, allowed_origins)
       values ('Origins', 'origins-partner', '{https://app.example.org, http://localhost:5173, http://[::1]:8080, *}')`,
    );
  });

  it('keys: the hash and key id formats are enforced', async () => {
    for (const [keyId, hash] of [
      ['short', 'a'.repeat(64)],
      ['A'.repeat(16), 'not-hex'],
      ['A'.repeat(16), 'A'.repeat(64)],
    ]) {
      const error = await sqlError(
        adminQuery(
          `insert into private.partner_keys (partner_id, kind, key_id, key_hash) values ($1, 'secret', $2, $3)`,
          [PARTNER, keyId, hash],
        ),
      );
      expect(error.code).toBe('23514');
    }
  });

  it('private tables are invisible to the API roles even through SQL', async () => {
    for (const table of ['partners', 'partner_keys', 'partner_users', 'account_states', 'account_anonymizers']) {
      for (const role of ['anon', 'authenticated'] as const) {
        const error = await sqlError(sqlAs(role, null, (db) => db.query(`select * from private.${table}`)));
        expect(error.code, `${role} ${table}`).toBe('42501');
      }
    }
  });
});

// =============================================================================================
// resolve_publishable_key
// =============================================================================================
describe('private.resolve_publishable_key', () => {
  const resolve = (key: string, origin: string | null) =>
    adminQuery<{ partner: string }>('select private.resolve_publishable_key($1, $2) as partner', [key, origin]);

  it('a valid key resolves to its partner, with an allowed origin or without Origin', async () => {
    const { key } = await createPartnerKey(PARTNER, 'publishable');
    expect(await resolve(key, 'https://reader.example.org')).toEqual([{ partner: PARTNER }]);
    expect(await resolve(key, null)).toEqual([{ partner: PARTNER }]);
    expect(await resolve(key, '')).toEqual([{ partner: PARTNER }]);
  });

  it('stamps last_used_at (at most once a minute)', async () => {
    const created = await createPartnerKey(PARTNER, 'publishable');
    await resolve(created.key, null);
    const [first] = await adminQuery<{ at: string }>(
      'select last_used_at::text as at from private.partner_keys where id = $1',
      [created.id],
    );
    expect(first!.at).not.toBeNull();
    await resolve(created.key, null);
    const [second] = await adminQuery<{ at: string }>(
      'select last_used_at::text as at from private.partner_keys where id = $1',
      [created.id],
    );
    expect(second!.at).toBe(first!.at);
  });

  it('an origin that is not listed: 42501 origin not allowed', async () => {
    const { key } = await createPartnerKey(PARTNER, 'publishable');
    await expect(resolve(key, 'https://evil.example')).rejects.toMatchObject({
      code: '42501',
      message: 'origin not allowed',
    });
    await expect(resolve(key, 'https://reader.example.org.evil.example')).rejects.toMatchObject({ code: '42501' });
  });

  it('an empty allowed_origins allows no browser origin; * allows any', async () => {
    const closed = '20000000-0000-4000-8000-000000000603';
    const open = '20000000-0000-4000-8000-000000000604';
    await createPartner({ id: closed, slug: 'closed-partner', allowedOrigins: [] });
    await createPartner({ id: open, slug: 'open-partner', allowedOrigins: ['*'] });
    const closedKey = await createPartnerKey(closed, 'publishable');
    const openKey = await createPartnerKey(open, 'publishable');
    await expect(resolve(closedKey.key, 'https://reader.example.org')).rejects.toMatchObject({ code: '42501' });
    expect(await resolve(closedKey.key, null)).toEqual([{ partner: closed }]);
    expect(await resolve(openKey.key, 'https://anything.example')).toEqual([{ partner: open }]);
  });

  it.each([
    ['a malformed key', async () => 'pk_nope'],
    ['a secret key', async () => (await createPartnerKey(PARTNER, 'secret')).key.replace(/^sk_/, 'pk_')],
    [
      'a wrong secret part',
      async () => {
        const { key } = await createPartnerKey(PARTNER, 'publishable');
        return `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
      },
    ],
    ['an unknown key id', async () => `pk_${'Z'.repeat(16)}_${'Z'.repeat(32)}`],
    [
      'a revoked key',
      async () => (await createPartnerKey(PARTNER, 'publishable', { revokedAt: new Date().toISOString() })).key,
    ],
    [
      'an expired key',
      async () =>
        (await createPartnerKey(PARTNER, 'publishable', { expiresAt: new Date(Date.now() - 1000).toISOString() })).key,
    ],
    [
      "a suspended partner's key",
      async () => {
        const id = '20000000-0000-4000-8000-000000000605';
        await createPartner({ id, slug: 'suspended-partner', status: 'suspended' });
        return (await createPartnerKey(id, 'publishable')).key;
      },
    ],
  ])('%s: 28000 invalid key (whatever the origin)', async (_label, makeKey) => {
    const key = await makeKey();
    await expect(resolve(key, null)).rejects.toMatchObject({ code: '28000', message: 'invalid key' });
    await expect(resolve(key, 'https://evil.example')).rejects.toMatchObject({ code: '28000' });
  });

  it('a key within its rotation overlap window (expires_at in the future) still works', async () => {
    const { key } = await createPartnerKey(PARTNER, 'publishable', {
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(await resolve(key, null)).toEqual([{ partner: PARTNER }]);
  });

  it('only the service role may call it among the API roles', async () => {
    const [row] = await adminQuery<Record<string, boolean>>(
      `select has_function_privilege('service_role', f, 'execute') as service,
              has_function_privilege('authenticated', f, 'execute') as authenticated,
              has_function_privilege('anon', f, 'execute') as anon
       from (select 'private.resolve_publishable_key(text, text)'::regprocedure as f) s`,
    );
    expect(row).toEqual({ service: true, authenticated: false, anon: false });
  });
});

// =============================================================================================
// Deletion and anonymisation
// =============================================================================================
interface AccountState {
  deleted: boolean;
  anonymize_after: string | null;
  anonymized: boolean;
  revoked: boolean;
}

async function stateOf(userId: string): Promise<AccountState | undefined> {
  const [row] = await adminQuery<AccountState & Record<string, unknown>>(
    `select deleted_at is not null as deleted, anonymize_after::text, anonymized_at is not null as anonymized,
            sessions_revoked_at is not null as revoked
     from private.account_states where user_id = $1`,
    [userId],
  );
  return row;
}

/** A user with personal data everywhere identity keeps some. */
async function createRichUser(n: number): Promise<TestUser> {
  const created = user(n, { appMetadata: { partner_id: PARTNER } });
  await createIdentityUser({
    ...created,
    userMetadata: { full_name: `Personne ${n}`, country: 'CI' },
    partner: { id: PARTNER, externalUserId: `rich-${n}` },
  });
  await adminQuery(`update auth.users set phone = $2 where id = $1`, [
    created.id,
    `+22170000${String(n).padStart(4, '0')}`,
  ]);
  await adminQuery(`update public.profiles set avatar_path = 'avatars/' || $1 || '/x.png' where id = $1`, [created.id]);
  await adminQuery(
    `insert into public.consents (user_id, kind, granted) values ($1, 'tracking', true), ($1, 'marketing', true)`,
    [created.id],
  );
  await adminQuery(`insert into public.user_roles (user_id, role) values ($1, 'moderator')`, [created.id]);
  await adminQuery(
    `insert into public.audit_logs (actor_id, action, resource_type, ip_address, user_agent)
     values ($1, 'test.own-action', 'test', '192.0.2.10', 'Mozilla/5.0 (personal)')`,
    [created.id],
  );
  return created;
}

describe('private.soft_delete_account', () => {
  it('marks the account deleted, revokes sessions, hides the profile, bans it and schedules anonymisation in 30 days', async () => {
    const created = await createRichUser(10);
    const [{ scheduled }] = (await adminQuery<{ scheduled: string }>(
      'select private.soft_delete_account($1)::text as scheduled',
      [created.id],
    )) as [{ scheduled: string }];
    const [check] = await adminQuery<{ days: number; banned: boolean }>(
      `select round(extract(epoch from ($2::timestamptz - now())) / 86400)::int as days,
              banned_until > now() + interval '50 years' as banned
       from auth.users where id = $1`,
      [created.id, scheduled],
    );
    expect(check).toEqual({ days: 30, banned: true });
    expect(await stateOf(created.id)).toEqual({
      deleted: true,
      anonymize_after: scheduled,
      anonymized: false,
      revoked: true,
    });
    expect((await profileOf(created.id))?.deleted_at).not.toBeNull();
    // Personal data stays until anonymisation.
    expect((await profileOf(created.id))?.display_name).toBe('Personne 10');
    const audit = await adminQuery(
      `select actor_id, new_values from public.audit_logs where action = 'account.delete' and resource_id = $1`,
      [created.id],
    );
    expect(audit).toHaveLength(1);
  });

  it('is idempotent: deleting again neither postpones nor advances anonymisation', async () => {
    const created = await createRichUser(11);
    await adminQuery(`select private.soft_delete_account($1, interval '10 days')`, [created.id]);
    const before = await stateOf(created.id);
    await adminQuery(`select private.soft_delete_account($1, interval '1 day')`, [created.id]);
    expect((await stateOf(created.id))?.anonymize_after).toBe(before?.anonymize_after);
  });

  it('an unknown user: P0002; a negative retention: 22023', async () => {
    await expect(
      adminQuery('select private.soft_delete_account($1)', ['10000000-0000-4000-8000-0000000006ff']),
    ).rejects.toMatchObject({
      code: 'P0002',
    });
    const created = await createRichUser(12);
    await expect(
      adminQuery(`select private.soft_delete_account($1, interval '-1 day')`, [created.id]),
    ).rejects.toMatchObject({
      code: '22023',
    });
  });
});

describe('private.anonymize_due_accounts (controlled clock)', () => {
  it('anonymises only the accounts whose retention period has passed', async () => {
    // Earlier tests' deleted accounts first, so that the counts below are this test's alone.
    await adminQuery(`select private.anonymize_due_accounts(now() + interval '1000 days')`);
    const due = await createRichUser(20);
    const notYet = await createRichUser(21);
    const active = await createRichUser(22);
    await adminQuery(`select private.soft_delete_account($1, interval '30 days')`, [due.id]);
    await adminQuery(`select private.soft_delete_account($1, interval '60 days')`, [notYet.id]);

    const [none] = await adminQuery<{ n: number }>(
      `select private.anonymize_due_accounts(now() + interval '29 days') as n`,
    );
    expect(none!.n).toBe(0);

    const [one] = await adminQuery<{ n: number }>(
      `select private.anonymize_due_accounts(now() + interval '31 days') as n`,
    );
    expect(one!.n).toBe(1);
    expect((await stateOf(due.id))?.anonymized).toBe(true);
    expect((await stateOf(notYet.id))?.anonymized).toBe(false);
    expect(await stateOf(active.id)).toBeUndefined();
    expect((await profileOf(notYet.id))?.display_name).toBe('Personne 21');
    expect((await profileOf(active.id))?.display_name).toBe('Personne 22');

    const [again] = await adminQuery<{ n: number }>(
      `select private.anonymize_due_accounts(now() + interval '31 days') as n`,
    );
    expect(again!.n).toBe(0);

    const [later] = await adminQuery<{ n: number }>(
      `select private.anonymize_due_accounts(now() + interval '61 days') as n`,
    );
    expect(later!.n).toBe(1);
    expect((await stateOf(notYet.id))?.anonymized).toBe(true);
    expect(await stateOf(active.id)).toBeUndefined();
  });

  it('respects max_accounts', async () => {
    const a = await createRichUser(30);
    const b = await createRichUser(31);
    await adminQuery(`select private.soft_delete_account($1, interval '0 days')`, [a.id]);
    await adminQuery(`select private.soft_delete_account($1, interval '0 days')`, [b.id]);
    const [first] = await adminQuery<{ n: number }>('select private.anonymize_due_accounts(now(), 1) as n');
    expect(first!.n).toBe(1);
    const [second] = await adminQuery<{ n: number }>('select private.anonymize_due_accounts(now(), 1) as n');
    expect(second!.n).toBe(1);
    expect((await stateOf(a.id))?.anonymized && (await stateOf(b.id))?.anonymized).toBe(true);
  });
});

describe('private.anonymize_account', () => {
  it('erases personal data and keeps the anonymised audit trail', async () => {
    const created = await createRichUser(40);
    await adminQuery('select private.soft_delete_account($1)', [created.id]);
    const [result] = await adminQuery<{ done: boolean }>('select private.anonymize_account($1) as done', [created.id]);
    expect(result!.done).toBe(true);

    const [authUser] = await adminQuery(
      `select email, phone, encrypted_password, raw_user_meta_data, raw_app_meta_data, deleted_at is not null as deleted
       from auth.users where id = $1`,
      [created.id],
    );
    expect(authUser).toEqual({
      email: null,
      phone: null,
      encrypted_password: null,
      raw_user_meta_data: {},
      raw_app_meta_data: { provider: 'email', partner_id: PARTNER },
      deleted: true,
    });
    expect(await profileOf(created.id)).toMatchObject({
      display_name: null,
      avatar_path: null,
      country: null,
      preferences: { theme: 'system', fontSize: 16, notifications: { email: true, push: true, sms: false } },
    });
    expect(await adminQuery('select 1 from public.consents where user_id = $1', [created.id])).toEqual([]);
    expect(await adminQuery('select 1 from private.partner_users where user_id = $1', [created.id])).toEqual([]);
    expect(await adminQuery('select 1 from public.user_roles where user_id = $1', [created.id])).toEqual([]);

    const trail = await adminQuery<{ action: string; ip: string | null; agent: string | null }>(
      `select action, host(ip_address) as ip, user_agent as agent from public.audit_logs where actor_id = $1 order by created_at`,
      [created.id],
    );
    expect(trail.map((row) => row.action)).toContain('test.own-action');
    expect(trail.every((row) => row.ip === null && row.agent === null)).toBe(true);
    const anonymised = await adminQuery(
      `select 1 from public.audit_logs where action = 'account.anonymize' and resource_id = $1`,
      [created.id],
    );
    expect(anonymised).toHaveLength(1);
    expect(await stateOf(created.id)).toMatchObject({ deleted: true, anonymized: true });
  });

  it('is idempotent (false the second time) and marks a not-yet-deleted account deleted', async () => {
    const created = await createRichUser(41);
    const [first] = await adminQuery<{ done: boolean }>('select private.anonymize_account($1) as done', [created.id]);
    const [second] = await adminQuery<{ done: boolean }>('select private.anonymize_account($1) as done', [created.id]);
    expect([first!.done, second!.done]).toEqual([true, false]);
    expect(await stateOf(created.id)).toMatchObject({ deleted: true, anonymized: true, revoked: true });
  });

  it('runs the erasure steps other domains register in private.account_anonymizers', async () => {
    await adminQuery(`create table if not exists private.test_domain_data (user_id uuid primary key, note text)`);
    await adminQuery(
      `create or replace function private.test_erase_domain(user_id uuid) returns void
       language sql set search_path = '' as $$ delete from private.test_domain_data d where d.user_id = test_erase_domain.user_id $$`,
    );
    await adminQuery(
      `grant all on private.test_domain_data to postgres; grant execute on function private.test_erase_domain(uuid) to postgres`,
    );
    await adminQuery(
      `insert into private.account_anonymizers (function_name, description)
       values ('private.test_erase_domain(uuid)', 'Test domain notes')`,
    );
    try {
      const created = await createRichUser(42);
      await adminQuery(`insert into private.test_domain_data values ($1, 'personal note')`, [created.id]);
      await adminQuery('select private.anonymize_account($1)', [created.id]);
      expect(await adminQuery('select 1 from private.test_domain_data where user_id = $1', [created.id])).toEqual([]);
    } finally {
      await adminQuery(`delete from private.account_anonymizers`);
      await adminQuery(`drop function private.test_erase_domain(uuid); drop table private.test_domain_data`);
    }
  });

  it('the deletion functions are for the server only', async () => {
    const rows = await adminQuery<{ f: string; service: boolean; api: boolean }>(
      `select f::text, has_function_privilege('service_role', f, 'execute') as service,
              has_function_privilege('authenticated', f, 'execute') or has_function_privilege('anon', f, 'execute') as api
       from unnest(array[
         'private.soft_delete_account(uuid, interval)',
         'private.anonymize_account(uuid)',
         'private.anonymize_due_accounts(timestamptz, integer)'
       ]::regprocedure[]) as f`,
    );
    for (const row of rows) expect(row, row.f).toMatchObject({ service: true, api: false });
  });
});
