import { describe, expect, it } from 'vitest';
// The app module imports every route module, so every exporter the API uses is registered once this resolves.
import '../../src/app/create-app.ts';
import { ExportRegistry, exportRegistry } from '../../src/gdpr/index.ts';
import {
  admin,
  api,
  db,
  errorOf,
  expectPreRequestConfigured,
  externalId,
  newPartner,
  postSession,
  rest,
  session,
} from './helpers.ts';

/**
 * Tables that hold user data: base tables (not partitions) in public and private with a foreign key to
 * auth.users or a `user_id` column.
 */
async function userOwnedTables(): Promise<string[]> {
  const { rows } = await admin.query<{ name: string }>(`
    with candidates as (
      select c.table_schema, c.table_name
        from information_schema.columns c
       where c.table_schema in ('public', 'private') and c.column_name = 'user_id'
      union
      select tc.table_schema, tc.table_name
        from information_schema.table_constraints tc
        join information_schema.constraint_column_usage ccu
          on ccu.constraint_schema = tc.constraint_schema and ccu.constraint_name = tc.constraint_name
       where tc.constraint_type = 'FOREIGN KEY'
         and tc.table_schema in ('public', 'private')
         and ccu.table_schema = 'auth' and ccu.table_name = 'users'
    )
    select c.table_schema || '.' || c.table_name as name
      from candidates c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      join pg_catalog.pg_class k on k.oid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass
     where t.table_type = 'BASE TABLE' and not k.relispartition
     order by 1`);
  return rows.map((row) => row.name);
}

describe('GDPR export registry', () => {
  it('covers every user-owned table (public and private schemas): new domains must register an exporter', async () => {
    const tables = await userOwnedTables();
    expect(tables).toEqual(
      expect.arrayContaining([
        'public.profiles',
        'public.consents',
        'public.user_roles',
        'private.partner_users',
        'private.account_states',
      ]),
    );
    const covered = exportRegistry.coveredTables();
    const missing = tables.filter((table) => !covered.has(table));
    expect(
      missing,
      `Tables with user data that no GDPR exporter covers (registerExporter in src/gdpr): ${missing.join(', ')}`,
    ).toEqual([]);
  });

  it('refuses duplicate names and unqualified tables', () => {
    const registry = new ExportRegistry();
    const exporter = { name: 'x', tables: ['public.t'], export: async () => null };
    registry.register(exporter).register(exporter);
    expect(() => registry.register({ ...exporter })).toThrow(/already registered/);
    expect(() => registry.register({ name: 'y', tables: ['t'], export: async () => null })).toThrow(/schema-qualified/);
  });
});

describe('GET /v1/me/export', () => {
  it("returns the signed-in user's data: account, profile, consents, roles, partner mapping, activity", async () => {
    const partner = await newPartner();
    const ext = externalId();
    const { accessToken, user } = await session(partner.secretKey, {
      externalUserId: ext,
      email: 'export@example.com',
      name: 'Export Me',
      country: 'BF',
    });
    // A consent decision, recorded by the reader through PostgREST.
    const consent = await rest('/consents', {
      apikey: partner.publishableKey,
      token: accessToken,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'tracking', granted: true }),
      },
    });
    expect(consent.status).toBe(201);
    await admin.query(`insert into public.user_roles (user_id, role) values ($1, 'moderator')`, [user.id]);
    // Someone else's data must not leak into the export.
    const other = await session(partner.secretKey, {
      externalUserId: externalId(),
      email: 'other@example.com',
      name: 'Other',
    });

    const response = await api('/v1/me/export', accessToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const document = await response.json();
    expect(document).toMatchObject({ format: 'coko-export/1', userId: user.id, exportedAt: expect.any(String) });
    expect(document.sources.account).toEqual(expect.arrayContaining(['public.profiles', 'private.partner_users']));
    const account = document.data.account;
    expect(account.user).toMatchObject({
      id: user.id,
      email: 'export@example.com',
      userMetadata: { name: 'Export Me' },
    });
    expect(account.profile).toMatchObject({
      id: user.id,
      display_name: 'Export Me',
      country: 'BF',
      language: 'fr',
      partner_id: partner.id,
    });
    expect(account.consents).toEqual([expect.objectContaining({ kind: 'tracking', granted: true, user_id: user.id })]);
    expect(account.roles).toEqual([expect.objectContaining({ role: 'moderator' })]);
    expect(account.partners).toEqual([
      {
        partner: { id: partner.id, name: partner.name, slug: partner.slug },
        externalUserId: ext,
        createdAt: expect.any(String),
      },
    ]);
    expect(account.accountState).toBeNull();
    expect(Array.isArray(document.data.activity)).toBe(true);
    const text = JSON.stringify(document);
    expect(text).not.toContain(other.user.id);
    expect(text).not.toContain('other@example.com');
  });

  it('needs a user token', async () => {
    const response = await api('/v1/me/export', undefined);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'AUTHENTICATION_ERROR' });
  });
});

describe('DELETE /v1/me', () => {
  it('soft-deletes the account: 204, then the same token gets 401 from the API and from PostgREST, and no new session', async () => {
    await expectPreRequestConfigured();
    const partner = await newPartner();
    const ext = externalId();
    const { accessToken, user } = await session(partner.secretKey, { externalUserId: ext, name: 'Leaving' });
    expect((await rest('/profiles?select=id', { apikey: partner.publishableKey, token: accessToken })).status).toBe(
      200,
    );

    const response = await api('/v1/me', accessToken, {
      method: 'DELETE',
      headers: { 'user-agent': 'coko-test', 'x-forwarded-for': '203.0.113.7' },
    });
    expect(response.status).toBe(204);

    const { rows } = await db.query(
      `select s.deleted_at, s.sessions_revoked_at, s.anonymize_after - s.deleted_at as retention, p.deleted_at as profile_deleted_at
         from private.account_states s join public.profiles p on p.id = s.user_id where s.user_id = $1`,
      [user.id],
    );
    expect(rows[0].deleted_at).toBeInstanceOf(Date);
    expect(rows[0].sessions_revoked_at).toBeInstanceOf(Date);
    expect(rows[0].profile_deleted_at).toBeInstanceOf(Date);
    expect(rows[0].retention).toMatchObject({ days: 30 });
    const audit = await db.query(
      `select actor_id, host(ip_address) as ip, user_agent from public.audit_logs where action = 'account.delete' and resource_id = $1`,
      [user.id],
    );
    expect(audit.rows).toEqual([{ actor_id: user.id, ip: '203.0.113.7', user_agent: 'coko-test' }]);

    const again = await api('/v1/me/export', accessToken);
    expect(again.status).toBe(401);
    expect((await errorOf(again)).details).toEqual({ reason: 'deleted' });
    expect((await api('/v1/me', accessToken, { method: 'DELETE' })).status).toBe(401);
    const viaRest = await rest('/profiles?select=id', { apikey: partner.publishableKey, token: accessToken });
    expect(viaRest.status).toBe(401);

    const resumed = await postSession(partner.secretKey, { externalUserId: ext });
    expect(resumed.status).toBe(409);
    expect(await errorOf(resumed)).toMatchObject({ code: 'CONFLICT', details: { reason: 'account_deleted' } });
  });
});
