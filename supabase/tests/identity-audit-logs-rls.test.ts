// Row level security of public.audit_logs.
//
// Rules under test (supabase/migrations/20261121010200_audit.sql):
// - only admins (and the service role) read the log; everyone else gets an empty list; anon has no
//   privilege;
// - nobody writes it through the API except the service role's inserts (server events); nobody
//   updates or deletes entries, the service role included;
// - the monthly partitions live in `private` and are unreachable.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  clientAs,
  ensureTestUsers,
  permissionDenied,
  rest,
  rlsTable,
  sqlError,
  sqlFor,
  tokenFor,
  USERS,
} from './helpers.js';

const TABLE = rlsTable('audit_logs');
const READS = (kind: ClientKind) => kind === 'admin' || kind === 'service';

async function total(): Promise<number> {
  const [row] = await adminQuery<{ n: number }>('select count(*)::int as n from public.audit_logs');
  return row!.n;
}

beforeAll(async () => {
  await ensureTestUsers();
  await adminQuery(
    `insert into public.audit_logs (actor_id, action, resource_type, resource_id, new_values, ip_address)
     values ($1, 'test.event', 'test', 'fixture', '{"secret": false}', '198.51.100.7')`,
    [USERS.admin.id],
  );
});

describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('audit_logs as $kind', ({ kind }) => {
  const status = kind === 'anon' ? 401 : 403;

  // ----- select --------------------------------------------------------------------------------
  if (kind === 'anon') {
    it('SQL select: permission denied', async () => {
      const error = await sqlError(sqlFor(kind, (db) => db.query('select * from public.audit_logs')));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(TABLE));
    });

    it('API select: 401 permission denied', async () => {
      const { error, status: code } = await (await clientAs(kind)).from(TABLE).select('id');
      expect(code).toBe(401);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
    });
  } else if (READS(kind)) {
    it('SQL select: reads every entry', async () => {
      const result = await sqlFor(kind, (db) => db.query('select id from public.audit_logs'));
      expect(result.rowCount).toBe(await total());
    });

    it('API select: reads every entry', async () => {
      const { data, error } = await (await clientAs(kind))
        .from(TABLE)
        .select('action, resource_type, resource_id, ip_address')
        .eq('action', 'test.event');
      expect(error).toBeNull();
      expect(data).toEqual([
        { action: 'test.event', resource_type: 'test', resource_id: 'fixture', ip_address: '198.51.100.7' },
      ]);
    });
  } else {
    it('SQL select: sees nothing', async () => {
      const result = await sqlFor(kind, (db) => db.query('select id from public.audit_logs'));
      expect(result.rows).toEqual([]);
    });

    it('API select: an empty list, even for its own actions', async () => {
      const client = await clientAs(kind);
      const all = await client.from(TABLE).select('id');
      expect(all.error).toBeNull();
      expect(all.data).toEqual([]);
      const own = await client
        .from(TABLE)
        .select('id')
        .eq('actor_id', USERS[kind as 'user'].id);
      expect(own.data).toEqual([]);
    });
  }

  // ----- insert --------------------------------------------------------------------------------
  if (kind === 'service') {
    it('API insert: the server may record an event (201)', async () => {
      const {
        data,
        error,
        status: code,
      } = await (await clientAs(kind))
        .from(TABLE)
        .insert({ action: 'session.create', resource_type: 'session', resource_id: 'x' })
        .select('action');
      expect(error).toBeNull();
      expect(code).toBe(201);
      expect(data).toEqual([{ action: 'session.create' }]);
    });
  } else {
    it(`API insert: ${status} permission denied`, async () => {
      const { error, status: code } = await (await clientAs(kind))
        .from(TABLE)
        .insert({ action: 'forged.event', resource_type: 'test' });
      expect(code).toBe(status);
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
      expect(await adminQuery(`select 1 from public.audit_logs where action = 'forged.event'`)).toEqual([]);
    });
  }

  // ----- update and delete: never --------------------------------------------------------------
  it(`API update: ${status} permission denied`, async () => {
    const { error, status: code } = await (await clientAs(kind))
      .from(TABLE)
      .update({ action: 'rewritten' })
      .eq('action', 'test.event')
      .select();
    expect(code).toBe(status);
    expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
  });

  it(`API delete: ${status} permission denied`, async () => {
    const { error, status: code } = await (await clientAs(kind))
      .from(TABLE)
      .delete()
      .eq('action', 'test.event')
      .select();
    expect(code).toBe(status);
    expect(error).toMatchObject({ code: '42501', message: permissionDenied(TABLE) });
    expect(await adminQuery(`select 1 from public.audit_logs where action = 'test.event'`)).toHaveLength(1);
  });

  it('SQL update, delete and truncate: permission denied', async () => {
    for (const statement of [
      `update public.audit_logs set action = 'rewritten'`,
      'delete from public.audit_logs',
      'truncate public.audit_logs',
    ]) {
      const error = await sqlError(sqlFor(kind, (db) => db.query(statement)));
      expect(error.code, statement).toBe('42501');
    }
  });
});

describe('partitions are not reachable', () => {
  it('no API role holds any privilege on a partition, and each has RLS on', async () => {
    const partitions = await adminQuery<{ name: string; rls: boolean; privileged: boolean }>(
      `select c.oid::regclass::text as name, c.relrowsecurity as rls,
              has_table_privilege('anon', c.oid, 'select, insert, update, delete')
              or has_table_privilege('authenticated', c.oid, 'select, insert, update, delete')
              or has_table_privilege('service_role', c.oid, 'select, insert, update, delete') as privileged
       from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'public.audit_logs'::regclass`,
    );
    expect(partitions.length).toBeGreaterThanOrEqual(4);
    for (const partition of partitions) {
      expect(partition.name).toMatch(/^private\.audit_logs_(y\d{4}m\d{2}|default)$/);
      expect(partition).toMatchObject({ rls: true, privileged: false });
    }
  });

  it('the API does not know them (404)', async () => {
    const token = await tokenFor(USERS.admin);
    for (const path of ['/audit_logs_default?select=id', '/audit_logs_y2026m11?select=id']) {
      const response = await rest(path, { token });
      expect(response.status, path).toBe(404);
    }
  });
});
