// Row level security of public.user_roles: who can read role grants and who can change them.
//
// Rules under test (supabase/migrations/*_rbac.sql):
// - signed-in users read their own grants only; admins (and the service role) read all of them;
// - only admins (and the service role) grant, change or revoke roles;
// - anon has no privilege on the table at all;
// - no one escalates: not by granting themselves admin, not by rewriting or stealing a grant, and
//   not with role claims in their JWT (policies re-check the table on every statement).

import type { PoolClient } from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AppRole,
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  clientAs,
  clientWithToken,
  createUser,
  ensureTestUsers,
  grantRole,
  permissionDenied,
  revokeRole,
  rlsTable,
  rlsViolation,
  sqlError,
  sqlFor,
  tokenFor,
  USERS,
} from './helpers.js';

const TABLE = rlsTable('user_roles');

/** A user the tests grant to, change and revoke (never one of the callers). */
const TARGET = {
  id: '10000000-0000-4000-8000-000000000099',
  email: 'target@rls.test',
  roles: [] as AppRole[],
};

const WRITERS: readonly ClientKind[] = ['admin', 'service'];
const isWriter = (kind: ClientKind): kind is 'admin' | 'service' => WRITERS.includes(kind);
const SIGNED_IN_NON_ADMINS = CLIENT_KINDS.filter((kind) => kind !== 'anon' && !isWriter(kind)) as Exclude<
  ClientKind,
  'anon' | 'admin' | 'service'
>[];

async function rolesOf(userId: string): Promise<AppRole[]> {
  const rows = await adminQuery<{ role: AppRole }>(
    'select role from public.user_roles where user_id = $1 order by role',
    [userId],
  );
  return rows.map((row) => row.role);
}

async function totalGrants(): Promise<number> {
  const [row] = await adminQuery<{ n: number }>('select count(*)::int as n from public.user_roles');
  return row!.n;
}

/** The grants a caller should see of its own (what the superuser sees for that user). */
function ownRoles(kind: ClientKind): Promise<AppRole[]> {
  if (kind === 'anon' || kind === 'service') return Promise.resolve([]);
  return rolesOf(USERS[kind].id);
}

beforeAll(async () => {
  await ensureTestUsers();
  await createUser(TARGET);
  // Give the readers a row of their own so that "reads own roles" reads something.
  await grantRole(USERS.user.id, 'user');
  await grantRole(USERS.otherUser.id, 'user');
});

// =============================================================================================
// The matrix
// =============================================================================================
describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('user_roles as $kind', ({ kind }) => {
  // ----- select ----------------------------------------------------------------------------
  if (kind === 'anon') {
    it('SQL select: permission denied', async () => {
      const error = await sqlError(sqlFor(kind, (db) => db.query('select * from public.user_roles')));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
    });

    it('API select: 401 permission denied', async () => {
      const client = await clientAs(kind);
      const { data, error, status } = await client.from(TABLE).select('*');
      expect(status).toBe(401);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
      expect(data).toBeNull();
    });
  } else if (isWriter(kind)) {
    it('SQL select: reads every grant', async () => {
      const result = await sqlFor(kind, (db) => db.query('select user_id, role from public.user_roles'));
      expect(result.rowCount).toBe(await totalGrants());
      expect(result.rows).toContainEqual({ user_id: USERS.moderator.id, role: 'moderator' });
    });

    it('API select: reads every grant, other users included', async () => {
      const client = await clientAs(kind);
      const { data, error } = await client.from(TABLE).select('user_id, role');
      expect(error).toBeNull();
      expect(data).toHaveLength(await totalGrants());
      expect(data).toContainEqual({ user_id: USERS.moderator.id, role: 'moderator' });
      expect(data).toContainEqual({ user_id: USERS.user.id, role: 'user' });
    });
  } else {
    const user = USERS[kind];
    it('SQL select: reads only its own grants', async () => {
      const result = await sqlFor(kind, (db) => db.query('select user_id, role from public.user_roles order by role'));
      expect(result.rows).toEqual((await ownRoles(kind)).map((role) => ({ user_id: user.id, role })));
    });

    it("API select: reads only its own grants; others' are an empty list", async () => {
      const client = await clientAs(kind);
      const all = await client.from(TABLE).select('user_id, role').order('role');
      expect(all.error).toBeNull();
      expect(all.data).toEqual((await ownRoles(kind)).map((role) => ({ user_id: user.id, role })));
      const admins = await client.from(TABLE).select('user_id').eq('user_id', USERS.admin.id);
      expect(admins.data).toEqual([]);
    });
  }

  // ----- insert (grant) ----------------------------------------------------------------------
  if (isWriter(kind)) {
    it('SQL insert: grants a role', async () => {
      const result = await sqlFor(kind, (db) =>
        db.query(`insert into public.user_roles (user_id, role) values ($1, 'moderator')`, [TARGET.id]),
      );
      expect(result.rowCount).toBe(1);
    });

    it('API insert: grants a role (201)', async () => {
      const client = await clientAs(kind);
      const { data, error, status } = await client
        .from(TABLE)
        .insert({ user_id: TARGET.id, role: 'moderator' })
        .select('user_id, role');
      expect(error).toBeNull();
      expect(status).toBe(201);
      expect(data).toEqual([{ user_id: TARGET.id, role: 'moderator' }]);
      expect(await rolesOf(TARGET.id)).toContain('moderator');
      await revokeRole(TARGET.id, 'moderator');
    });
  } else {
    const message = kind === 'anon' ? permissionDenied(TABLE) : rlsViolation(TABLE);
    const grants: { label: string; userId: string; role: AppRole }[] = [
      { label: 'another user moderator', userId: TARGET.id, role: 'moderator' },
    ];
    if (kind !== 'anon') grants.push({ label: 'itself admin', userId: USERS[kind].id, role: 'admin' });

    for (const grant of grants) {
      it(`SQL insert: cannot grant ${grant.label} (42501)`, async () => {
        const error = await sqlError(
          sqlFor(kind, (db) =>
            db.query('insert into public.user_roles (user_id, role) values ($1, $2)', [grant.userId, grant.role]),
          ),
        );
        expect(error.code).toBe('42501');
        expect(error.message).toBe(message);
      });

      it(`API insert: cannot grant ${grant.label} (${kind === 'anon' ? 401 : 403})`, async () => {
        const client = await clientAs(kind);
        const { data, error, status } = await client
          .from(TABLE)
          .insert({ user_id: grant.userId, role: grant.role })
          .select();
        expect(status).toBe(kind === 'anon' ? 401 : 403);
        expect(error).toMatchObject({ code: '42501', message });
        expect(data).toBeNull();
        expect(await rolesOf(grant.userId)).not.toContain(grant.role);
      });
    }
  }

  // ----- update (change a grant) and delete (revoke) ------------------------------------------
  // Each case works on a fresh grant `TARGET: user`, or on the caller's own grant.
  const verdict = isWriter(kind) ? 'allowed' : kind === 'anon' ? 'permission denied' : 'no row affected';

  it(`SQL update: ${verdict}`, async () => {
    await grantRole(TARGET.id, 'user');
    const statement = (db: PoolClient) =>
      db.query(`update public.user_roles set role = 'admin' where user_id = $1 and role = 'user'`, [TARGET.id]);
    if (kind === 'anon') {
      const error = await sqlError(sqlFor(kind, statement));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
      return;
    }
    const result = await sqlFor(kind, statement);
    expect(result.rowCount).toBe(isWriter(kind) ? 1 : 0);
  });

  it(`API update: ${verdict}`, async () => {
    await revokeRole(TARGET.id, 'admin');
    await grantRole(TARGET.id, 'user');
    const client = await clientAs(kind);
    const { data, error, status } = await client
      .from(TABLE)
      .update({ role: 'admin' })
      .match({ user_id: TARGET.id, role: 'user' })
      .select('user_id, role');
    if (kind === 'anon') {
      expect(status).toBe(401);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
    } else if (isWriter(kind)) {
      expect(data).toEqual([{ user_id: TARGET.id, role: 'admin' }]);
    } else {
      expect(error).toBeNull();
      expect(data).toEqual([]);
    }
    expect(await rolesOf(TARGET.id)).toEqual(isWriter(kind) ? ['admin'] : ['user']);
    await revokeRole(TARGET.id, 'admin');
  });

  it(`SQL delete: ${verdict}`, async () => {
    await grantRole(TARGET.id, 'user');
    const statement = (db: PoolClient) =>
      db.query(`delete from public.user_roles where user_id = $1 and role = 'user'`, [TARGET.id]);
    if (kind === 'anon') {
      const error = await sqlError(sqlFor(kind, statement));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
      return;
    }
    const result = await sqlFor(kind, statement);
    expect(result.rowCount).toBe(isWriter(kind) ? 1 : 0);
  });

  it(`API delete: ${verdict}`, async () => {
    await grantRole(TARGET.id, 'user');
    const client = await clientAs(kind);
    const { data, error, status } = await client
      .from(TABLE)
      .delete()
      .match({ user_id: TARGET.id, role: 'user' })
      .select('user_id, role');
    if (kind === 'anon') {
      expect(status).toBe(401);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
    } else if (isWriter(kind)) {
      expect(data).toEqual([{ user_id: TARGET.id, role: 'user' }]);
    } else {
      expect(error).toBeNull();
      expect(data).toEqual([]);
    }
    expect(await rolesOf(TARGET.id)).toEqual(isWriter(kind) ? [] : ['user']);
  });
});

// =============================================================================================
// Privilege escalation through PostgREST
// =============================================================================================
describe.each(SIGNED_IN_NON_ADMINS.map((kind) => ({ kind })))('escalation attempts as $kind', ({ kind }) => {
  const self = USERS[kind];

  it('cannot upsert an admin grant for itself', async () => {
    const client = await clientAs(kind);
    const { error, status } = await client
      .from(TABLE)
      .upsert({ user_id: self.id, role: 'admin' }, { onConflict: 'user_id,role' })
      .select();
    expect(status).toBe(403);
    expect(error).toMatchObject({ code: '42501', message: rlsViolation(TABLE) });
    expect(await rolesOf(self.id)).not.toContain('admin');
  });

  it('cannot turn its own grant into admin', async () => {
    const before = await rolesOf(self.id);
    const client = await clientAs(kind);
    const { data, error } = await client.from(TABLE).update({ role: 'admin' }).eq('user_id', self.id).select();
    expect(error).toBeNull();
    expect(data).toEqual([]);
    expect(await rolesOf(self.id)).toEqual(before);
  });

  it("cannot take over the admin's grant by rewriting user_id", async () => {
    const client = await clientAs(kind);
    const { data, error } = await client
      .from(TABLE)
      .update({ user_id: self.id })
      .match({ user_id: USERS.admin.id, role: 'admin' })
      .select();
    expect(error).toBeNull();
    expect(data).toEqual([]);
    expect(await rolesOf(USERS.admin.id)).toContain('admin');
    expect(await rolesOf(self.id)).not.toContain('admin');
  });

  it("cannot revoke the admin's grant", async () => {
    const client = await clientAs(kind);
    const { data, error } = await client.from(TABLE).delete().eq('user_id', USERS.admin.id).select();
    expect(error).toBeNull();
    expect(data).toEqual([]);
    expect(await rolesOf(USERS.admin.id)).toEqual(['admin']);
  });

  it('gains nothing from role claims in its JWT (the table is re-checked)', async () => {
    const forged = clientWithToken(
      await tokenFor(self, { role: 'admin', roles: ['admin'], app_role: 'admin', user_role: 'admin' }),
    );
    const grant = await forged.from(TABLE).insert({ user_id: self.id, role: 'admin' }).select();
    expect(grant.status).toBe(403);
    expect(grant.error).toMatchObject({ code: '42501', message: rlsViolation(TABLE) });
    const others = await forged.from(TABLE).select('user_id').neq('user_id', self.id);
    expect(others.data).toEqual([]);
    // Drafts: exactly what its real roles show (moderators are editors and see them; readers do not).
    const drafts = await forged.from('books').select('id').eq('status', 'draft').order('id');
    const honest = await (await clientAs(kind)).from('books').select('id').eq('status', 'draft').order('id');
    expect(drafts.data).toEqual(honest.data);
    if (kind !== 'moderator') expect(drafts.data).toEqual([]);
  });
});

describe('role changes take effect on the next request', () => {
  it('a revoked admin loses admin powers with the same, still valid token', async () => {
    await grantRole(TARGET.id, 'admin');
    const client = clientWithToken(await tokenFor(TARGET));
    const asAdmin = await client.from(TABLE).select('user_id').eq('user_id', USERS.moderator.id);
    expect(asAdmin.data).toEqual([{ user_id: USERS.moderator.id }]);
    const draftsAsAdmin = await client.from('books').select('id').eq('status', 'draft').limit(1);
    expect(draftsAsAdmin.data).toHaveLength(1);

    await revokeRole(TARGET.id, 'admin');
    const afterRevoke = await client.from(TABLE).select('user_id').eq('user_id', USERS.moderator.id);
    expect(afterRevoke.data).toEqual([]);
    const draftsAfter = await client.from('books').select('id').eq('status', 'draft').limit(1);
    expect(draftsAfter.data).toEqual([]);
    const grant = await client.from(TABLE).insert({ user_id: TARGET.id, role: 'admin' }).select();
    expect(grant.error).toMatchObject({ code: '42501', message: rlsViolation(TABLE) });
  });

  it('deleting a user removes their grants (on delete cascade)', async () => {
    const id = '10000000-0000-4000-8000-000000000098';
    await createUser({ id, email: 'short-lived@rls.test', roles: ['moderator'] });
    expect(await rolesOf(id)).toEqual(['moderator']);
    await adminQuery('delete from auth.users where id = $1', [id]);
    expect(await rolesOf(id)).toEqual([]);
  });
});
