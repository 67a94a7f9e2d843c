// Row level security of public.profiles, and public.get_public_profiles().
//
// Rules under test (supabase/migrations/20261121010100_accounts.sql):
// - a reader reads and updates their own profile only, and only the reader-owned columns
//   (display_name, avatar_path, country, language, preferences): never id, partner_id, deleted_at
//   or the timestamps;
// - moderators and admins read every profile (users:read); admins update every profile (users:*);
// - nobody inserts or deletes profiles through the API (they follow auth.users); the service role can;
// - anon has no privilege on the table;
// - other people's public fields (id, display_name, avatar_path) come only from
//   get_public_profiles(ids), for anyone, without deleted accounts;
// - a partner's user sees nothing of another partner's user beyond those public fields.

import type { PoolClient } from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  clientAs,
  ensureTestUsers,
  permissionDenied,
  rlsTable,
  sqlError,
  sqlFor,
  TEST_PARTNER_ID,
  type TestUser,
  USERS,
} from './helpers.js';
import { createIdentityUser, createPartner, profileOf } from './identity-helpers.js';

const TABLE = rlsTable('profiles');

const PARTNER_B = '20000000-0000-4000-8000-0000000000b2';

/** A reader of another partner, the profile every caller tries to read and change. */
const TARGET: TestUser = {
  id: '10000000-0000-4000-8000-000000000199',
  email: 'profile-target@identity.test',
  roles: [],
  appMetadata: { partner_id: PARTNER_B },
};
const TARGET_NAME = 'Cible Partenaire B';

/** A user without a profile row (for the service role's insert). */
const WITHOUT_PROFILE: TestUser = {
  id: '10000000-0000-4000-8000-000000000198',
  email: 'no-profile@identity.test',
  roles: [],
};

const READS_ALL = (kind: ClientKind) => kind === 'moderator' || kind === 'admin' || kind === 'service';
const UPDATES_ALL = (kind: ClientKind) => kind === 'admin' || kind === 'service';
const signedIn = (kind: ClientKind): kind is Exclude<ClientKind, 'anon' | 'service'> =>
  kind !== 'anon' && kind !== 'service';

async function profileCount(): Promise<number> {
  const [row] = await adminQuery<{ n: number }>('select count(*)::int as n from public.profiles');
  return row!.n;
}

async function nameOf(userId: string): Promise<unknown> {
  return (await profileOf(userId))?.display_name;
}

beforeAll(async () => {
  await ensureTestUsers();
  await createPartner({ id: TEST_PARTNER_ID, slug: 'partner-a' });
  await createPartner({ id: PARTNER_B, slug: 'partner-b' });
  await createIdentityUser({ ...TARGET, partner: { id: PARTNER_B, externalUserId: 'target' } });
  await createIdentityUser(WITHOUT_PROFILE);
  for (const [kind, user] of Object.entries(USERS)) {
    await adminQuery('update public.profiles set display_name = $2 where id = $1', [user.id, `Lecteur ${kind}`]);
  }
});

beforeEach(async () => {
  await adminQuery(
    `update public.profiles set display_name = $2, avatar_path = 'avatars/' || $1 || '/target.png', deleted_at = null
     where id = $1`,
    [TARGET.id, TARGET_NAME],
  );
  await adminQuery('delete from public.profiles where id = $1', [WITHOUT_PROFILE.id]);
});

// =============================================================================================
// The matrix
// =============================================================================================
describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('profiles as $kind', ({ kind }) => {
  const own = signedIn(kind) ? USERS[kind] : undefined;

  // ----- select --------------------------------------------------------------------------------
  if (kind === 'anon') {
    it('SQL select: permission denied', async () => {
      const error = await sqlError(sqlFor(kind, (db) => db.query('select id from public.profiles')));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
    });

    it('API select: 401 permission denied', async () => {
      const { data, error, status } = await (await clientAs(kind)).from(TABLE).select('id');
      expect(status).toBe(401);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
      expect(data).toBeNull();
    });
  } else if (READS_ALL(kind)) {
    it('SQL select: reads every profile', async () => {
      const result = await sqlFor(kind, (db) => db.query('select id from public.profiles'));
      expect(result.rowCount).toBe(await profileCount());
    });

    it("API select: reads every profile, others' private fields included", async () => {
      const client = await clientAs(kind);
      const all = await client.from(TABLE).select('id');
      expect(all.error).toBeNull();
      expect(all.data).toHaveLength(await profileCount());
      const target = await client.from(TABLE).select('id, display_name, partner_id, preferences').eq('id', TARGET.id);
      expect(target.data).toEqual([
        { id: TARGET.id, display_name: TARGET_NAME, partner_id: PARTNER_B, preferences: expect.any(Object) },
      ]);
    });
  } else {
    it('SQL select: reads only its own profile', async () => {
      const result = await sqlFor(kind, (db) => db.query('select id from public.profiles'));
      expect(result.rows).toEqual([{ id: own!.id }]);
    });

    it("API select: its own row with every column; others' rows are an empty list", async () => {
      const client = await clientAs(kind);
      const mine = await client.from(TABLE).select('*');
      expect(mine.error).toBeNull();
      expect(mine.data).toEqual([
        expect.objectContaining({
          id: own!.id,
          display_name: `Lecteur ${kind}`,
          partner_id: own!.appMetadata?.partner_id ?? null,
          deleted_at: null,
          language: 'fr',
          preferences: { theme: 'system', fontSize: 16, notifications: { email: true, push: true, sms: false } },
        }),
      ]);
      const other = await client.from(TABLE).select('id').eq('id', TARGET.id);
      expect(other.error).toBeNull();
      expect(other.data).toEqual([]);
      const admin = await client.from(TABLE).select('id').eq('id', USERS.admin.id);
      expect(admin.data).toEqual([]);
    });
  }

  // ----- insert --------------------------------------------------------------------------------
  if (kind === 'service') {
    it('API insert: creates a missing profile (201)', async () => {
      const { data, error, status } = await (await clientAs(kind))
        .from(TABLE)
        .insert({ id: WITHOUT_PROFILE.id, display_name: 'Créé' })
        .select('id, display_name');
      expect(error).toBeNull();
      expect(status).toBe(201);
      expect(data).toEqual([{ id: WITHOUT_PROFILE.id, display_name: 'Créé' }]);
    });
  } else {
    it('SQL insert: permission denied (profiles follow auth.users)', async () => {
      const error = await sqlError(
        sqlFor(kind, (db) => db.query('insert into public.profiles (id) values ($1)', [WITHOUT_PROFILE.id])),
      );
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
    });

    it(`API insert: ${kind === 'anon' ? 401 : 403} permission denied`, async () => {
      const { error, status } = await (await clientAs(kind)).from(TABLE).insert({ id: WITHOUT_PROFILE.id }).select();
      expect(status).toBe(kind === 'anon' ? 401 : 403);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
      expect(await profileOf(WITHOUT_PROFILE.id)).toBeUndefined();
    });
  }

  // ----- update --------------------------------------------------------------------------------
  if (kind === 'anon') {
    it('SQL update: permission denied', async () => {
      const error = await sqlError(
        sqlFor(kind, (db) => db.query(`update public.profiles set display_name = 'x' where id = $1`, [TARGET.id])),
      );
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
    });

    it('API update: 401 permission denied', async () => {
      const { status, error } = await (await clientAs(kind))
        .from(TABLE)
        .update({ display_name: 'x' })
        .eq('id', TARGET.id)
        .select();
      expect(status).toBe(401);
      expect(error).toMatchObject({ code: '42501' });
      expect(await nameOf(TARGET.id)).toBe(TARGET_NAME);
    });
  } else {
    const verdict = UPDATES_ALL(kind) ? 'allowed' : 'no row affected';

    it(`SQL update of another reader's profile: ${verdict}`, async () => {
      const result = await sqlFor(kind, (db) =>
        db.query(`update public.profiles set display_name = 'Changé' where id = $1`, [TARGET.id]),
      );
      expect(result.rowCount).toBe(UPDATES_ALL(kind) ? 1 : 0);
    });

    it(`API update of another reader's profile: ${verdict}`, async () => {
      const { data, error } = await (await clientAs(kind))
        .from(TABLE)
        .update({ display_name: 'Changé' })
        .eq('id', TARGET.id)
        .select('id, display_name');
      expect(error).toBeNull();
      expect(data).toEqual(UPDATES_ALL(kind) ? [{ id: TARGET.id, display_name: 'Changé' }] : []);
      expect(await nameOf(TARGET.id)).toBe(UPDATES_ALL(kind) ? 'Changé' : TARGET_NAME);
    });
  }

  if (own) {
    it('API update of its own editable fields: allowed', async () => {
      const preferences = { theme: 'dark', fontSize: 20, notifications: { email: false, push: true, sms: true } };
      const { data, error } = await (await clientAs(kind))
        .from(TABLE)
        .update({
          display_name: 'Nouveau nom',
          avatar_path: `avatars/${own.id}/me.png`,
          country: 'SN',
          language: 'wo',
          preferences,
        })
        .eq('id', own.id)
        .select('display_name, avatar_path, country, language, preferences');
      expect(error).toBeNull();
      expect(data).toEqual([
        {
          display_name: 'Nouveau nom',
          avatar_path: `avatars/${own.id}/me.png`,
          country: 'SN',
          language: 'wo',
          preferences,
        },
      ]);
      await adminQuery(
        `update public.profiles set display_name = $2, avatar_path = null, country = null, language = 'fr',
           preferences = default where id = $1`,
        [own.id, `Lecteur ${kind}`],
      );
    });

    for (const [column, value] of [
      ['partner_id', PARTNER_B],
      ['deleted_at', null],
      ['id', USERS.admin.id],
      ['created_at', '2020-01-01T00:00:00Z'],
      ['updated_at', '2020-01-01T00:00:00Z'],
    ] as const) {
      it(`SQL update of its own ${column}: permission denied (column privilege)`, async () => {
        const error = await sqlError(
          sqlFor(kind, (db: PoolClient) =>
            db.query(`update public.profiles set ${column} = $2 where id = $1`, [own.id, value]),
          ),
        );
        expect(error.code).toBe('42501');
        expect(error.message).toBe(permissionDenied(TABLE));
      });
    }

    it('API update of its own partner_id: 403 permission denied', async () => {
      const { status, error } = await (await clientAs(kind))
        .from(TABLE)
        .update({ partner_id: PARTNER_B })
        .eq('id', own.id)
        .select();
      expect(status).toBe(403);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
      expect((await profileOf(own.id))?.partner_id).toBe(own.appMetadata?.partner_id ?? null);
    });

    it('API update with preferences of the wrong shape: 400 check violation', async () => {
      for (const preferences of [
        { theme: 'neon', fontSize: 16, notifications: { email: true, push: true, sms: false } },
        { theme: 'dark', fontSize: 'large', notifications: { email: true, push: true, sms: false } },
        { theme: 'dark', fontSize: 16, notifications: { email: true, push: true } },
        { theme: 'dark', fontSize: 16, notifications: { email: true, push: true, sms: false }, extra: 1 },
        { theme: 'dark', fontSize: 16.5, notifications: { email: true, push: true, sms: false } },
        [],
      ]) {
        const { status, error } = await (await clientAs(kind))
          .from(TABLE)
          .update({ preferences })
          .eq('id', own.id)
          .select();
        expect(status, JSON.stringify(preferences)).toBe(400);
        expect(error).toMatchObject({ code: '23514' });
      }
    });
  }

  // ----- delete --------------------------------------------------------------------------------
  if (kind === 'service') {
    it('API delete: allowed', async () => {
      await adminQuery('insert into public.profiles (id) values ($1) on conflict do nothing', [WITHOUT_PROFILE.id]);
      const { data, error } = await (await clientAs(kind))
        .from(TABLE)
        .delete()
        .eq('id', WITHOUT_PROFILE.id)
        .select('id');
      expect(error).toBeNull();
      expect(data).toEqual([{ id: WITHOUT_PROFILE.id }]);
    });
  } else {
    it('SQL delete: permission denied', async () => {
      const error = await sqlError(
        sqlFor(kind, (db) => db.query('delete from public.profiles where id = $1', [own?.id ?? TARGET.id])),
      );
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
    });

    it(`API delete: ${kind === 'anon' ? 401 : 403} permission denied`, async () => {
      const { status, error } = await (await clientAs(kind))
        .from(TABLE)
        .delete()
        .eq('id', own?.id ?? TARGET.id)
        .select();
      expect(status).toBe(kind === 'anon' ? 401 : 403);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
      expect(await profileOf(own?.id ?? TARGET.id)).toBeDefined();
    });
  }
});

// =============================================================================================
// Partners
// =============================================================================================
describe("a partner A user and partner B's user", () => {
  it('profiles carry the partner (from app_metadata at creation, or from the partner mapping)', async () => {
    expect((await profileOf(USERS.partnerUser.id))?.partner_id).toBe(TEST_PARTNER_ID);
    expect((await profileOf(TARGET.id))?.partner_id).toBe(PARTNER_B);
  });

  it("the partner A user cannot read the partner B user's profile (empty list), by id or by partner", async () => {
    const client = await clientAs('partnerUser');
    const byId = await client.from(TABLE).select('*').eq('id', TARGET.id);
    expect(byId.error).toBeNull();
    expect(byId.data).toEqual([]);
    const byPartner = await client.from(TABLE).select('id').eq('partner_id', PARTNER_B);
    expect(byPartner.data).toEqual([]);
  });

  it('…and gets only the public fields through get_public_profiles', async () => {
    const { data, error } = await (await clientAs('partnerUser')).rpc('get_public_profiles', { ids: [TARGET.id] });
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: TARGET.id, display_name: TARGET_NAME, avatar_path: `avatars/${TARGET.id}/target.png` },
    ]);
  });
});

// =============================================================================================
// get_public_profiles
// =============================================================================================
describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('get_public_profiles as $kind', ({ kind }) => {
  it('returns id, display_name and avatar_path of the requested users, and nothing else', async () => {
    const { data, error } = await (await clientAs(kind)).rpc('get_public_profiles', {
      ids: [TARGET.id, USERS.admin.id, '10000000-0000-4000-8000-0000000001ff'],
    });
    expect(error).toBeNull();
    expect(data).toEqual(
      [
        { id: TARGET.id, display_name: TARGET_NAME, avatar_path: `avatars/${TARGET.id}/target.png` },
        { id: USERS.admin.id, display_name: 'Lecteur admin', avatar_path: null },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('leaves deleted accounts out', async () => {
    await adminQuery('update public.profiles set deleted_at = now() where id = $1', [TARGET.id]);
    const { data } = await (await clientAs(kind)).rpc('get_public_profiles', { ids: [TARGET.id] });
    expect(data).toEqual([]);
  });
});

describe('get_public_profiles limits', () => {
  it('more than 1000 ids: 400 (22023)', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const { status, error } = await (await clientAs('user')).rpc('get_public_profiles', { ids });
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '22023', message: 'too many ids' });
  });

  it('an empty or null list returns nothing', async () => {
    const client = await clientAs('user');
    expect((await client.rpc('get_public_profiles', { ids: [] })).data).toEqual([]);
    expect((await client.rpc('get_public_profiles', { ids: null })).data).toEqual([]);
  });

  it('is a security invoker RPC over a security definer body in private, both with a pinned search_path', async () => {
    const rows = await adminQuery<Record<string, unknown>>(
      `select p.oid::regprocedure::text as fn, p.prosecdef as definer, p.proconfig as config,
              has_function_privilege('anon', p.oid, 'execute') as anon,
              has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
              has_function_privilege('public', p.oid, 'execute') as public
       from pg_proc p
       where p.oid in ('public.get_public_profiles(uuid[])'::regprocedure, 'private.get_public_profiles(uuid[])'::regprocedure)
       order by 1`,
    );
    const common = { config: ['search_path=""'], anon: true, authenticated: true, public: false };
    expect(rows).toEqual([
      { fn: 'get_public_profiles(uuid[])', definer: false, ...common },
      { fn: 'private.get_public_profiles(uuid[])', definer: true, ...common },
    ]);
  });
});
