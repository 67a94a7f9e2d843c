// Row level security of public.consents (append-only history) and public.current_consents.
//
// Rules under test (supabase/migrations/20261121010100_accounts.sql):
// - a reader records decisions for themselves only (user_id defaults to the caller; created_at is
//   the server's) and reads their own history; admins (and the service role) read everyone's;
// - nobody updates or deletes a decision through the API, the service role included; a trigger
//   refuses updates even to the table owner;
// - anon has no privilege at all;
// - current_consents (security_invoker) is the latest decision per kind, under the same rules.
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
  USERS,
} from './helpers.js';

const TABLE = rlsTable('consents');
const VIEW = 'current_consents';

const signedIn = (kind: ClientKind): kind is Exclude<ClientKind, 'anon' | 'service'> =>
  kind !== 'anon' && kind !== 'service';
const READS_ALL = (kind: ClientKind) => kind === 'admin' || kind === 'service';

/** Every signed-in test user: tracking granted, then marketing refused, then marketing granted. */
async function resetHistory(): Promise<void> {
  await adminQuery('delete from public.consents');
  for (const user of Object.values(USERS)) {
    await adminQuery(
      `insert into public.consents (user_id, kind, granted, created_at) values
         ($1, 'tracking', true, now() - interval '3 days'),
         ($1, 'marketing', false, now() - interval '2 days'),
         ($1, 'marketing', true, now() - interval '1 day')`,
      [user.id],
    );
  }
}

async function historyOf(userId: string): Promise<{ kind: string; granted: boolean }[]> {
  return adminQuery('select kind::text, granted from public.consents where user_id = $1 order by id', [userId]);
}

async function total(): Promise<number> {
  const [row] = await adminQuery<{ n: number }>('select count(*)::int as n from public.consents');
  return row!.n;
}

beforeAll(async () => {
  await ensureTestUsers();
});

beforeEach(resetHistory);

describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('consents as $kind', ({ kind }) => {
  const own = signedIn(kind) ? USERS[kind] : undefined;
  const status = kind === 'anon' ? 401 : 403;

  // ----- select --------------------------------------------------------------------------------
  if (kind === 'anon') {
    it('SQL select: permission denied (table and view)', async () => {
      for (const relation of [TABLE, VIEW]) {
        const error = await sqlError(sqlFor(kind, (db) => db.query(`select * from public.${relation}`)));
        expect(error.code).toBe('42501');
        expect(error.message).toBe(`permission denied for ${relation === VIEW ? 'view' : 'table'} ${relation}`);
      }
    });

    it('API select: 401 (table and view)', async () => {
      const client = await clientAs(kind);
      for (const relation of [TABLE, VIEW]) {
        const { error, status: code } = await client.from(relation).select('*');
        expect(code).toBe(401);
        expect(error).toMatchObject({
          code: '42501',
          message: `permission denied for ${relation === VIEW ? 'view' : 'table'} ${relation}`,
        });
      }
    });
  } else if (READS_ALL(kind)) {
    it('API select: reads every decision', async () => {
      const { data, error } = await (await clientAs(kind)).from(TABLE).select('id');
      expect(error).toBeNull();
      expect(data).toHaveLength(await total());
    });

    it('API select of current_consents: the latest decision per reader and kind', async () => {
      const { data, error } = await (await clientAs(kind))
        .from(VIEW)
        .select('kind, granted')
        .eq('user_id', USERS.otherUser.id)
        .order('kind');
      expect(error).toBeNull();
      expect(data).toEqual([
        { kind: 'tracking', granted: true },
        { kind: 'marketing', granted: true },
      ]);
      const all = await (await clientAs(kind)).from(VIEW).select('user_id');
      expect(all.data).toHaveLength(Object.keys(USERS).length * 2);
    });
  } else {
    it('SQL select: its own history only', async () => {
      const result = await sqlFor(kind, (db) =>
        db.query('select user_id, kind::text, granted from public.consents order by id'),
      );
      expect(result.rows).toEqual([
        { user_id: own!.id, kind: 'tracking', granted: true },
        { user_id: own!.id, kind: 'marketing', granted: false },
        { user_id: own!.id, kind: 'marketing', granted: true },
      ]);
    });

    it("API select: its own history; others' is an empty list", async () => {
      const client = await clientAs(kind);
      const mine = await client.from(TABLE).select('user_id');
      expect(mine.error).toBeNull();
      expect(mine.data).toHaveLength(3);
      expect(new Set(mine.data!.map((row) => row.user_id))).toEqual(new Set([own!.id]));
      const other = await client
        .from(TABLE)
        .select('id')
        .eq('user_id', kind === 'user' ? USERS.otherUser.id : USERS.user.id);
      expect(other.data).toEqual([]);
    });

    it('API select of current_consents: its own current state only', async () => {
      const { data, error } = await (await clientAs(kind)).from(VIEW).select('user_id, kind, granted').order('kind');
      expect(error).toBeNull();
      expect(data).toEqual([
        { user_id: own!.id, kind: 'tracking', granted: true },
        { user_id: own!.id, kind: 'marketing', granted: true },
      ]);
    });
  }

  // ----- insert --------------------------------------------------------------------------------
  if (kind === 'anon') {
    it('API insert: 401 permission denied', async () => {
      const { error, status: code } = await (await clientAs(kind))
        .from(TABLE)
        .insert({ user_id: USERS.user.id, kind: 'tracking', granted: false });
      expect(code).toBe(401);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
    });
  } else if (kind === 'service') {
    it('API insert: records a decision for a user (201)', async () => {
      const {
        data,
        error,
        status: code,
      } = await (await clientAs(kind))
        .from(TABLE)
        .insert({ user_id: USERS.user.id, kind: 'analytics', granted: true })
        .select('user_id, kind, granted');
      expect(error).toBeNull();
      expect(code).toBe(201);
      expect(data).toEqual([{ user_id: USERS.user.id, kind: 'analytics', granted: true }]);
    });
  } else {
    it('API insert without user_id: recorded for the caller; current_consents follows', async () => {
      const client = await clientAs(kind);
      const {
        data,
        error,
        status: code,
      } = await client
        .from(TABLE)
        .insert({ kind: 'marketing', granted: false })
        .select('user_id, kind, granted, created_at');
      expect(error).toBeNull();
      expect(code).toBe(201);
      expect(data).toEqual([{ user_id: own!.id, kind: 'marketing', granted: false, created_at: expect.any(String) }]);
      const current = await client.from(VIEW).select('kind, granted').eq('user_id', own!.id).eq('kind', 'marketing');
      expect(current.data).toEqual([{ kind: 'marketing', granted: false }]);
    });

    it('API insert for another user: 403 RLS violation', async () => {
      const { error, status: code } = await (await clientAs(kind)).from(TABLE).insert({
        user_id: USERS.otherUser.id === own!.id ? USERS.user.id : USERS.otherUser.id,
        kind: 'tracking',
        granted: false,
      });
      expect(code).toBe(403);
      expect(error).toMatchObject({ code: '42501', message: rlsViolation(TABLE) });
    });

    it('SQL insert with a chosen created_at or id: permission denied (server time, identity)', async () => {
      const error = await sqlError(
        sqlFor(kind, (db) =>
          db.query(`insert into public.consents (kind, granted, created_at) values ('tracking', true, '2020-01-01')`),
        ),
      );
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
    });
  }

  // ----- update and delete: never ------------------------------------------------------------
  it(`API update: ${status} permission denied (append-only)`, async () => {
    const target = own ?? USERS.user;
    const { error, status: code } = await (await clientAs(kind))
      .from(TABLE)
      .update({ granted: false })
      .eq('user_id', target.id)
      .select();
    expect(code).toBe(status);
    expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
    expect(await historyOf(target.id)).toEqual([
      { kind: 'tracking', granted: true },
      { kind: 'marketing', granted: false },
      { kind: 'marketing', granted: true },
    ]);
  });

  it(`API delete: ${status} permission denied (append-only)`, async () => {
    const target = own ?? USERS.user;
    const { error, status: code } = await (await clientAs(kind)).from(TABLE).delete().eq('user_id', target.id).select();
    expect(code).toBe(status);
    expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
    expect(await historyOf(target.id)).toHaveLength(3);
  });

  it('SQL update and delete: permission denied', async () => {
    for (const statement of ['update public.consents set granted = false', 'delete from public.consents']) {
      const error = await sqlError(sqlFor(kind, (db) => db.query(statement)));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
    }
  });
});

describe('the history is append-only below the API too', () => {
  it('an update is refused even to the table owner (trigger)', async () => {
    const error = await sqlError(adminQuery('update public.consents set granted = not granted'));
    expect(error.code).toBe('42501');
    expect(error.message).toBe('consent decisions are append-only');
  });

  it('current_consents is a security_invoker view', async () => {
    const [row] = await adminQuery<{ options: string[] }>(
      `select c.reloptions as options from pg_class c where c.oid = 'public.current_consents'::regclass`,
    );
    expect(row!.options).toContain('security_invoker=true');
  });

  it('decisions of the same instant are ordered by id (the latest insert wins)', async () => {
    await adminQuery(
      `insert into public.consents (user_id, kind, granted, created_at)
       values ($1, 'analytics', true, '2030-01-01'), ($1, 'analytics', false, '2030-01-01')`,
      [USERS.user.id],
    );
    const [row] = await adminQuery<{ granted: boolean }>(
      `select granted from public.current_consents where user_id = $1 and kind = 'analytics'`,
      [USERS.user.id],
    );
    expect(row!.granted).toBe(false);
  });
});
