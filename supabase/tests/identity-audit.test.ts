// Audit triggers (user_roles, role_permissions, partners, partner_keys, books), the request context
// they record, and the monthly partitions of public.audit_logs.

import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack.js';
import { adminQuery, clientAs, ensureTestUsers, rest, sqlAs, tokenFor, USERS } from './helpers.js';
import { createPartner, createPartnerKey } from './identity-helpers.js';

interface AuditRow {
  actor_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  old_values: Record<string, unknown> | null;
  new_values: Record<string, unknown> | null;
  ip_address: string | null;
  user_agent: string | null;
}

async function entries(resourceType: string, resourceId: string): Promise<AuditRow[]> {
  return adminQuery<AuditRow & Record<string, unknown>>(
    `select actor_id, action, resource_type, resource_id, old_values, new_values, host(ip_address) as ip_address, user_agent
     from public.audit_logs where resource_type = $1 and resource_id = $2 order by created_at, action`,
    [resourceType, resourceId],
  );
}

/** A superuser session that sets transaction-local settings before running statements. */
async function withSettings(
  settings: Record<string, string>,
  statements: string[],
  params: unknown[][] = [],
): Promise<void> {
  const client = new pg.Client({ connectionString: testStack().adminDatabaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    for (const [name, value] of Object.entries(settings)) {
      await client.query('select set_config($1, $2, true)', [name, value]);
    }
    for (const [i, statement] of statements.entries()) await client.query(statement, params[i] ?? []);
    await client.query('commit');
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await ensureTestUsers();
});

// =============================================================================================
// Triggers
// =============================================================================================
describe('user_roles', () => {
  const target = '10000000-0000-4000-8000-000000000501';

  it('grant, change and revoke through the API are logged with actor, IP and user agent', async () => {
    await adminQuery(
      `insert into auth.users (id, email, raw_app_meta_data, raw_user_meta_data) values ($1, 'audited@identity.test', '{}', '{}')`,
      [target],
    );
    const token = await tokenFor(USERS.admin);
    const headers = {
      'content-type': 'application/json',
      'x-forwarded-for': '203.0.113.9, 10.0.0.1',
      'user-agent': 'coko-tests/1.0',
    };
    const grant = await rest('/user_roles', {
      method: 'POST',
      token,
      headers,
      body: JSON.stringify({ user_id: target, role: 'moderator' }),
    });
    expect(grant.status).toBe(201);
    const change = await rest(`/user_roles?user_id=eq.${target}&role=eq.moderator`, {
      method: 'PATCH',
      token,
      headers,
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(change.status).toBe(204);
    const revoke = await rest(`/user_roles?user_id=eq.${target}`, { method: 'DELETE', token, headers });
    expect(revoke.status).toBe(204);

    const rows = await entries('user_role', target);
    const context = { actor_id: USERS.admin.id, ip_address: '203.0.113.9', user_agent: 'coko-tests/1.0' };
    expect(rows).toEqual([
      {
        ...context,
        action: 'user_role.insert',
        resource_type: 'user_role',
        resource_id: target,
        old_values: null,
        new_values: { user_id: target, role: 'moderator', created_at: expect.any(String) },
      },
      {
        ...context,
        action: 'user_role.update',
        resource_type: 'user_role',
        resource_id: target,
        old_values: { role: 'moderator' },
        new_values: { role: 'admin' },
      },
      {
        ...context,
        action: 'user_role.delete',
        resource_type: 'user_role',
        resource_id: target,
        old_values: { user_id: target, role: 'admin', created_at: expect.any(String) },
        new_values: null,
      },
    ]);
  });
});

describe('role_permissions', () => {
  it('changes to the matrix are logged', async () => {
    await adminQuery(`insert into public.role_permissions (role, permission) values ('moderator', 'audit:probe')`);
    await adminQuery(`delete from public.role_permissions where permission = 'audit:probe'`);
    const rows = await entries('role_permission', 'moderator');
    expect(rows.map((row) => [row.action, row.new_values ?? row.old_values])).toEqual([
      ['role_permission.insert', { role: 'moderator', permission: 'audit:probe' }],
      ['role_permission.delete', { role: 'moderator', permission: 'audit:probe' }],
    ]);
  });
});

describe('partners and partner keys', () => {
  const partnerId = '20000000-0000-4000-8000-000000000501';

  it('partner changes log only the changed columns', async () => {
    await createPartner({ id: partnerId, slug: 'audited-partner' });
    await adminQuery(`update private.partners set status = 'suspended' where id = $1`, [partnerId]);
    const rows = await entries('partner', partnerId);
    expect(rows.map((row) => row.action)).toEqual(['partner.insert', 'partner.update']);
    expect(rows[0]!.new_values).toMatchObject({ id: partnerId, slug: 'audited-partner', status: 'active' });
    expect(rows[1]!.old_values).toEqual({ status: 'active', suspended_at: null, updated_at: expect.any(String) });
    expect(rows[1]!.new_values).toEqual({
      status: 'suspended',
      suspended_at: expect.any(String),
      updated_at: expect.any(String),
    });
    await adminQuery(`update private.partners set status = 'active' where id = $1`, [partnerId]);
  });

  it('a key is logged on creation, change, revocation and deletion, and its hash never is', async () => {
    const key = await createPartnerKey(partnerId, 'secret', { label: 'server' });
    await adminQuery(`update private.partner_keys set label = 'server (old)' where id = $1`, [key.id]);
    await adminQuery(`update private.partner_keys set revoked_at = now() where id = $1`, [key.id]);
    // A new hash (never done in practice) is still not logged, even as a change.
    await adminQuery(`update private.partner_keys set key_hash = repeat('0', 64) where id = $1`, [key.id]);
    await adminQuery(`delete from private.partner_keys where id = $1`, [key.id]);

    const rows = await entries('partner_key', key.id);
    expect(rows.map((row) => row.action).sort()).toEqual([
      'partner_key.delete',
      'partner_key.insert',
      'partner_key.update',
      'partner_key.update',
    ]);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(key.hash);
    expect(text).not.toContain('0'.repeat(64));
    expect(text).not.toContain('key_hash');
    expect(text).not.toContain(key.key);
    const insert = rows.find((row) => row.action === 'partner_key.insert')!;
    expect(insert.new_values).toMatchObject({ id: key.id, key_id: key.keyId, kind: 'secret', label: 'server' });
    const updates = rows.filter((row) => row.action === 'partner_key.update').map((row) => row.new_values);
    expect(updates).toEqual(expect.arrayContaining([{ label: 'server (old)' }, { revoked_at: expect.any(String) }]));
  });

  it('last_used_at stamps are not logged', async () => {
    const key = await createPartnerKey(partnerId, 'publishable');
    await adminQuery('update private.partner_keys set last_used_at = now() where id = $1', [key.id]);
    await adminQuery('select private.resolve_publishable_key($1, null)', [key.key]);
    expect((await entries('partner_key', key.id)).map((row) => row.action)).toEqual(['partner_key.insert']);
  });
});

describe('books', () => {
  it('admin edits through the API are logged, without the search vector', async () => {
    const client = await clientAs('admin');
    const created = await client.from('books').insert({ title: 'Livre audité', status: 'draft' }).select('id').single();
    expect(created.error).toBeNull();
    const id = created.data!.id as string;
    const updated = await client.from('books').update({ title: 'Livre audité (2e éd.)' }).eq('id', id);
    expect(updated.error).toBeNull();
    // Touching only updated_at logs nothing.
    await adminQuery('update public.books set updated_at = now() where id = $1', [id]);
    const removed = await client.from('books').delete().eq('id', id);
    expect(removed.error).toBeNull();

    const rows = await entries('book', id);
    expect(rows.map((row) => row.action).sort()).toEqual(['book.delete', 'book.insert', 'book.update']);
    for (const row of rows) expect(row.actor_id).toBe(USERS.admin.id);
    const update = rows.find((row) => row.action === 'book.update')!;
    expect(update.old_values).toEqual({ title: 'Livre audité', updated_at: expect.any(String) });
    expect(update.new_values).toEqual({ title: 'Livre audité (2e éd.)', updated_at: expect.any(String) });
    expect(JSON.stringify(rows)).not.toContain('search_vector');
    expect(rows.find((row) => row.action === 'book.insert')!.new_values).toMatchObject({ id, title: 'Livre audité' });
    expect(rows.find((row) => row.action === 'book.delete')!.old_values).toMatchObject({
      id,
      title: 'Livre audité (2e éd.)',
    });
  });
});

describe('request context outside PostgREST', () => {
  it('the server sets coko.actor_id, coko.ip and coko.user_agent for its own transactions', async () => {
    const partnerId = '20000000-0000-4000-8000-000000000502';
    await withSettings(
      { 'coko.actor_id': USERS.moderator.id, 'coko.ip': '2001:db8::1', 'coko.user_agent': 'coko-worker' },
      [`insert into private.partners (id, name, slug) values ($1, 'Ctx', 'ctx-partner')`],
      [[partnerId]],
    );
    const [row] = await entries('partner', partnerId);
    expect(row).toMatchObject({ actor_id: USERS.moderator.id, ip_address: '2001:db8::1', user_agent: 'coko-worker' });
  });

  it('invalid values are ignored rather than failing the audited write', async () => {
    const partnerId = '20000000-0000-4000-8000-000000000503';
    await withSettings(
      { 'coko.actor_id': 'not-a-uuid', 'coko.ip': 'not an ip' },
      [`insert into private.partners (id, name, slug) values ($1, 'Ctx', 'ctx-partner-2')`],
      [[partnerId]],
    );
    const [row] = await entries('partner', partnerId);
    expect(row).toMatchObject({ actor_id: null, ip_address: null, user_agent: null });
  });

  it('private.write_audit records a server event (service role)', async () => {
    await sqlAs('service_role', { role: 'service_role' }, async (db) => {
      await db.query(`select set_config('coko.actor_id', $1, true)`, [USERS.user.id]);
      await db.query(`select private.write_audit('session.create', 'session', 'abc', null, '{"partner": "p"}')`);
      const { rows } = await db.query(
        `select actor_id, action, new_values from public.audit_logs where resource_id = 'abc'`,
      );
      expect(rows).toEqual([{ actor_id: USERS.user.id, action: 'session.create', new_values: { partner: 'p' } }]);
    });
  });
});

// =============================================================================================
// Partitions
// =============================================================================================
function monthName(offset: number): string {
  const now = new Date();
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `audit_logs_y${date.getUTCFullYear()}m${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

function monthStart(offset: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString();
}

async function partitions(): Promise<string[]> {
  const rows = await adminQuery<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'public.audit_logs'::regclass order by 1`,
  );
  return rows.map((row) => row.name);
}

describe('monthly partitions', () => {
  it('the migration created this month and the next two, plus the default partition', async () => {
    expect(await partitions()).toEqual(
      expect.arrayContaining([monthName(0), monthName(1), monthName(2), 'audit_logs_default']),
    );
  });

  it('create_audit_partitions(n) adds the missing months only and is idempotent', async () => {
    const [first] = await adminQuery<{ created: number }>('select private.create_audit_partitions(4) as created');
    expect(first!.created).toBe(2);
    const [again] = await adminQuery<{ created: number }>('select private.create_audit_partitions(4) as created');
    expect(again!.created).toBe(0);
    expect(await partitions()).toEqual(expect.arrayContaining([0, 1, 2, 3, 4].map((offset) => monthName(offset))));
    expect(await partitions()).not.toContain(monthName(5));
  });

  it('an entry of next month lands in next month’s partition', async () => {
    const [row] = await adminQuery<{ partition: string }>(
      `insert into public.audit_logs (action, resource_type, created_at)
       values ('test.future', 'test', $1::timestamptz + interval '3 days')
       returning tableoid::regclass::text as partition`,
      [monthStart(1)],
    );
    expect(row!.partition).toBe(`private.${monthName(1)}`);
    const [boundary] = await adminQuery<{ partition: string }>(
      `insert into public.audit_logs (action, resource_type, created_at) values ('test.boundary', 'test', $1::timestamptz)
       returning tableoid::regclass::text as partition`,
      [monthStart(2)],
    );
    expect(boundary!.partition).toBe(`private.${monthName(2)}`);
  });

  it('an entry beyond the partitions lands in the default partition and moves when its month is created', async () => {
    const [row] = await adminQuery<{ id: string; partition: string }>(
      `insert into public.audit_logs (action, resource_type, created_at)
       values ('test.far', 'test', $1::timestamptz + interval '10 days')
       returning id, tableoid::regclass::text as partition`,
      [monthStart(7)],
    );
    expect(row!.partition).toBe('private.audit_logs_default');

    const [result] = await adminQuery<{ created: number }>('select private.create_audit_partitions(7) as created');
    expect(result!.created).toBe(3);
    const [moved] = await adminQuery<{ partition: string }>(
      'select tableoid::regclass::text as partition from public.audit_logs where id = $1',
      [row!.id],
    );
    expect(moved!.partition).toBe(`private.${monthName(7)}`);
    const [left] = await adminQuery<{ n: number }>('select count(*)::int as n from private.audit_logs_default');
    expect(left!.n).toBe(0);
    // The attached partition is a real partition with the parent's indexes, RLS and no API grants.
    const [info] = await adminQuery<Record<string, unknown>>(
      `select c.relrowsecurity as rls, c.relispartition as is_partition,
              (select count(*)::int from pg_index x where x.indrelid = c.oid) as indexes,
              has_table_privilege('authenticated', c.oid, 'select') as api
       from pg_class c where c.oid = $1::regclass`,
      [`private.${monthName(7)}`],
    );
    expect(info).toEqual({ rls: true, is_partition: true, indexes: 5, api: false });
  });

  it('rejects an out-of-range argument (22023)', async () => {
    for (const n of [-1, 37]) {
      await expect(adminQuery('select private.create_audit_partitions($1)', [n])).rejects.toMatchObject({
        code: '22023',
      });
    }
  });

  it('only the service role (the worker) may run it among the API roles', async () => {
    const [row] = await adminQuery<Record<string, boolean>>(
      `select has_function_privilege('service_role', f, 'execute') as service,
              has_function_privilege('authenticated', f, 'execute') as authenticated,
              has_function_privilege('anon', f, 'execute') as anon
       from (select 'private.create_audit_partitions(integer)'::regprocedure as f) s`,
    );
    expect(row).toEqual({ service: true, authenticated: false, anon: false });
  });
});
