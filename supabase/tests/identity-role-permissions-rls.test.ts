// Row level security of public.role_permissions (the RBAC matrix).
//
// Rules under test (supabase/migrations/20261121010000_identity.sql):
// - every signed-in user reads the whole matrix; anon has no privilege;
// - only admins (and the service role) add, change or remove permissions.

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
  rlsViolation,
  sqlError,
  sqlFor,
} from './helpers.js';

const TABLE = rlsTable('role_permissions');

/** The product document's RBAC table (guests are anon and have no rows). */
const SEEDED = [
  { role: 'admin', permission: 'analytics:read' },
  { role: 'admin', permission: 'books:*' },
  { role: 'admin', permission: 'community:*' },
  { role: 'admin', permission: 'payments:*' },
  { role: 'admin', permission: 'system:*' },
  { role: 'admin', permission: 'users:*' },
  { role: 'moderator', permission: 'books:read' },
  { role: 'moderator', permission: 'books:update' },
  { role: 'moderator', permission: 'community:moderate' },
  { role: 'moderator', permission: 'users:read' },
  { role: 'user', permission: 'books:read' },
  { role: 'user', permission: 'community:participate' },
  { role: 'user', permission: 'profile:update' },
  { role: 'user', permission: 'reading:*' },
];

const WRITES = (kind: ClientKind) => kind === 'admin' || kind === 'service';

async function matrix(): Promise<{ role: string; permission: string }[]> {
  return adminQuery('select role::text, permission from public.role_permissions order by role, permission');
}

async function has(role: string, permission: string): Promise<boolean> {
  const rows = await adminQuery('select 1 from public.role_permissions where role = $1 and permission = $2', [
    role,
    permission,
  ]);
  return rows.length === 1;
}

beforeAll(async () => {
  await ensureTestUsers();
});

beforeEach(async () => {
  await adminQuery(`delete from public.role_permissions where permission like 'test:%'`);
  await adminQuery(`insert into public.role_permissions (role, permission) values ('user', 'test:existing')`);
});

describe('the seeded matrix', () => {
  it('is the RBAC table of the product document', async () => {
    await adminQuery(`delete from public.role_permissions where permission like 'test:%'`);
    expect(await matrix()).toEqual(SEEDED);
  });

  it('refuses malformed permissions (23514)', async () => {
    for (const permission of ['Books:read', 'books:', ':read', 'books:*:read', 'books read', '**']) {
      const error = await sqlError(
        adminQuery(`insert into public.role_permissions (role, permission) values ('user', $1)`, [permission]),
      );
      expect(error.code, permission).toBe('23514');
    }
  });
});

describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('role_permissions as $kind', ({ kind }) => {
  const status = kind === 'anon' ? 401 : 403;

  if (kind === 'anon') {
    it('SQL select: permission denied', async () => {
      const error = await sqlError(sqlFor(kind, (db) => db.query('select * from public.role_permissions')));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
    });

    it('API select: 401 permission denied', async () => {
      const { error, status: code } = await (await clientAs(kind)).from(TABLE).select('*');
      expect(code).toBe(401);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
    });
  } else {
    it('API select: reads the whole matrix', async () => {
      const { data, error } = await (await clientAs(kind)).from(TABLE).select('role, permission');
      expect(error).toBeNull();
      expect(data).toHaveLength(SEEDED.length + 1);
      expect(data).toEqual(expect.arrayContaining(SEEDED));
    });
  }

  // ----- insert --------------------------------------------------------------------------------
  it(`API insert: ${WRITES(kind) ? 'allowed' : `${status} ${kind === 'anon' ? 'permission denied' : 'RLS violation'}`}`, async () => {
    const {
      data,
      error,
      status: code,
    } = await (await clientAs(kind))
      .from(TABLE)
      .insert({ role: 'user', permission: 'test:new' })
      .select('role, permission');
    if (WRITES(kind)) {
      expect(error).toBeNull();
      expect(code).toBe(201);
      expect(data).toEqual([{ role: 'user', permission: 'test:new' }]);
    } else {
      expect(code).toBe(status);
      expect(error).toMatchObject({
        code: '42501',
        message: kind === 'anon' ? permissionDenied(TABLE) : rlsViolation(TABLE),
      });
    }
    expect(await has('user', 'test:new')).toBe(WRITES(kind));
  });

  it(`SQL insert of admin powers for the user role: ${WRITES(kind) ? 'allowed' : 'refused'}`, async () => {
    const statement = (db: PoolClient) =>
      db.query(`insert into public.role_permissions (role, permission) values ('user', 'test:escalate')`);
    if (WRITES(kind)) {
      expect((await sqlFor(kind, statement)).rowCount).toBe(1);
    } else {
      const error = await sqlError(sqlFor(kind, statement));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(kind === 'anon' ? permissionDenied(TABLE) : rlsViolation(TABLE));
    }
  });

  // ----- update --------------------------------------------------------------------------------
  it(`API update: ${WRITES(kind) ? 'allowed' : kind === 'anon' ? '401 permission denied' : 'no row affected'}`, async () => {
    const {
      data,
      error,
      status: code,
    } = await (await clientAs(kind))
      .from(TABLE)
      .update({ role: 'admin' })
      .match({ role: 'user', permission: 'test:existing' })
      .select('role, permission');
    if (kind === 'anon') {
      expect(code).toBe(401);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
    } else {
      expect(error).toBeNull();
      expect(data).toEqual(WRITES(kind) ? [{ role: 'admin', permission: 'test:existing' }] : []);
    }
    expect(await has('admin', 'test:existing')).toBe(WRITES(kind));
  });

  // ----- delete --------------------------------------------------------------------------------
  it(`API delete: ${WRITES(kind) ? 'allowed' : kind === 'anon' ? '401 permission denied' : 'no row affected'}`, async () => {
    const {
      data,
      error,
      status: code,
    } = await (await clientAs(kind))
      .from(TABLE)
      .delete()
      .match({ role: 'user', permission: 'test:existing' })
      .select('role, permission');
    if (kind === 'anon') {
      expect(code).toBe(401);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
    } else {
      expect(error).toBeNull();
      expect(data).toEqual(WRITES(kind) ? [{ role: 'user', permission: 'test:existing' }] : []);
    }
    expect(await has('user', 'test:existing')).toBe(!WRITES(kind));
  });
});
