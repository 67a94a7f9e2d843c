// Guards for the security model as a whole (ARCHITECTURE.md §3):
// - RLS is on for every table of every exposed schema (PostgREST exposes `public`; `storage` is
//   served by the storage API with the caller's role);
// - every public table has an RLS test (a `rlsTable('name')` call in a supabase/tests/*-rls.test.ts);
// - relations readable through the API are RLS tables or security_invoker views;
// - the `private` schema is not reachable through PostgREST;
// - functions in public are not executable by PUBLIC, and the API roles can only execute the
//   deliberate RPCs listed here;
// - security definer functions pin their search_path.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { adminQuery, clientAs, ensureTestUsers, rest, tokenFor, USERS } from './helpers.js';

const EXPOSED_SCHEMAS = ['public', 'storage'];

/**
 * Functions in `public` that the API roles may execute on purpose (RPCs with their own checks). A
 * new RPC must be added here, deliberately; security definer ones too.
 */
const PUBLIC_RPCS = [
  'search_books',
  'authorize',
  'get_public_profiles',
  'sync_reading',
  'reading_stats',
  'can_read',
  'group_progress',
  'moderation_queue',
  'moderate',
  'leaderboard',
  'my_rank',
  'unread_notifications_count',
  'register_push_device',
];

const testsDir = dirname(fileURLToPath(import.meta.url));

/** Tables marked as covered: `rlsTable('name')` calls in the *-rls.test.ts files. */
function markedTables(): Map<string, string[]> {
  const marked = new Map<string, string[]>();
  for (const file of readdirSync(testsDir).filter((name) => name.endsWith('-rls.test.ts'))) {
    const text = readFileSync(join(testsDir, file), 'utf8');
    for (const match of text.matchAll(/\brlsTable\(\s*['"`]([A-Za-z0-9_]+)['"`]\s*\)/g)) {
      marked.set(match[1]!, [...(marked.get(match[1]!) ?? []), file]);
    }
  }
  return marked;
}

/** Public tables that need an RLS test (partitions are covered by their parent's). */
async function publicTables(): Promise<string[]> {
  const rows = await adminQuery<{ name: string }>(
    `select c.relname as name
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
     order by 1`,
  );
  return rows.map((row) => row.name);
}

describe('row level security is on everywhere', () => {
  it('every table of an exposed schema has RLS enabled', async () => {
    const tables = await adminQuery<{ schema: string; name: string; rls: boolean }>(
      `select n.nspname as schema, c.relname as name, c.relrowsecurity as rls
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = any($1) and c.relkind in ('r', 'p')
       order by 1, 2`,
      [EXPOSED_SCHEMAS],
    );
    expect(tables.map((table) => `${table.schema}.${table.name}`)).toEqual(
      expect.arrayContaining(['public.books', 'public.user_roles', 'storage.objects', 'storage.buckets']),
    );
    const withoutRls = tables.filter((table) => !table.rls).map((table) => `${table.schema}.${table.name}`);
    expect(withoutRls, 'tables with RLS disabled').toEqual([]);
  });

  it('every relation the API roles can read in public is an RLS table or a security_invoker view', async () => {
    const unsafe = await adminQuery<{ name: string; kind: string }>(
      `select c.relname as name, c.relkind::text as kind
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public'
         and c.relkind in ('r', 'p', 'v', 'm', 'f')
         and (has_table_privilege('anon', c.oid, 'select') or has_table_privilege('authenticated', c.oid, 'select'))
         and not (
           (c.relkind in ('r', 'p') and c.relrowsecurity)
           or (c.relkind = 'v' and coalesce(c.reloptions @> array['security_invoker=true'], false))
         )
       order by 1`,
    );
    expect(unsafe, 'readable relations that bypass RLS').toEqual([]);
  });

  it('anon and authenticated hold no TRUNCATE, REFERENCES or TRIGGER on exposed tables (TRUNCATE skips RLS)', async () => {
    const grants = await adminQuery<{ grant: string }>(
      `select format('%s.%s: %s %s', n.nspname, c.relname, r.role, p.privilege) as grant
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       cross join unnest(array['anon', 'authenticated']) as r(role)
       cross join unnest(array['TRUNCATE', 'REFERENCES', 'TRIGGER']) as p(privilege)
       where n.nspname = any($1) and c.relkind in ('r', 'p')
         and has_table_privilege(r.role, c.oid, p.privilege)
       order by 1`,
      [EXPOSED_SCHEMAS],
    );
    expect(grants).toEqual([]);
  });
});

describe('every public table has an RLS test', () => {
  it('each public table is marked with rlsTable() in a *-rls.test.ts file', async () => {
    const marked = markedTables();
    const missing = (await publicTables()).filter((table) => !marked.has(table));
    expect(missing, 'public tables without an RLS test (add rlsTable(name) to a *-rls.test.ts)').toEqual([]);
  });

  it('no marker names a table that does not exist (stale tests)', async () => {
    const tables = new Set(await publicTables());
    const stale = [...markedTables().keys()].filter((table) => !tables.has(table));
    expect(stale).toEqual([]);
  });

  it('finds the markers (the scan itself works)', () => {
    const marked = markedTables();
    expect(marked.get('books')).toEqual(['catalog-rls.test.ts']);
    expect(marked.get('user_roles')).toEqual(['user-roles-rls.test.ts']);
  });
});

describe('the private schema is not exposed', () => {
  it('GET /rest/v1/rpc/has_role is not found (PGRST202) for anon', async () => {
    const response = await rest('/rpc/has_role?requested_role=admin');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'PGRST202' });
  });

  it('POST /rest/v1/rpc/has_role is not found (PGRST202) for a signed-in user', async () => {
    await ensureTestUsers();
    const response = await rest('/rpc/has_role', {
      method: 'POST',
      token: await tokenFor(USERS.user),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requested_role: 'admin' }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'PGRST202' });
  });

  it('supabase-js rpc("has_role") fails with PGRST202', async () => {
    const client = await clientAs('anon');
    const { data, error, status } = await client.rpc('has_role', { requested_role: 'admin' });
    expect(status).toBe(404);
    expect(error).toMatchObject({ code: 'PGRST202' });
    expect(data).toBeNull();
  });

  it('asking for the private schema as a profile is refused (PGRST106)', async () => {
    const response = await rest('/user_roles?select=*', { headers: { 'accept-profile': 'private' } });
    expect(response.status).toBe(406);
    expect(await response.json()).toMatchObject({ code: 'PGRST106' });
  });

  it('tables in private have RLS on and no privileges for anon or authenticated', async () => {
    const exposed = await adminQuery(
      `select * from (
         select c.relname as name, c.relrowsecurity as rls,
           exists (
             select 1 from unnest(array['anon', 'authenticated']) as r(role)
             cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) as p(privilege)
             where has_table_privilege(r.role, c.oid, p.privilege)
           ) as api_privileges
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'private' and c.relkind in ('r', 'p')
       ) t
       where not t.rls or t.api_privileges
       order by 1`,
    );
    expect(exposed).toEqual([]);
  });
});

describe('function privileges', () => {
  const FUNCTIONS_IN_PUBLIC = `
    select p.oid::regprocedure::text as signature, p.proname as name,
      exists (
        select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
        where a.grantee = 0 and a.privilege_type = 'EXECUTE'
      ) as public_execute,
      has_function_privilege('anon', p.oid, 'execute') as anon_execute,
      has_function_privilege('authenticated', p.oid, 'execute') as authenticated_execute
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public'
      and not exists (
        select 1 from pg_depend d
        where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
      )
    order by 1`;

  type FunctionRow = {
    signature: string;
    name: string;
    public_execute: boolean;
    anon_execute: boolean;
    authenticated_execute: boolean;
  };

  it('no function in public is executable by PUBLIC', async () => {
    const functions = await adminQuery<FunctionRow>(FUNCTIONS_IN_PUBLIC);
    expect(functions.map((fn) => fn.name)).toEqual(expect.arrayContaining(PUBLIC_RPCS));
    expect(functions.filter((fn) => fn.public_execute).map((fn) => fn.signature)).toEqual([]);
  });

  it('anon and authenticated execute only the deliberate RPCs', async () => {
    const functions = await adminQuery<FunctionRow>(FUNCTIONS_IN_PUBLIC);
    const callable = functions.filter((fn) => fn.anon_execute || fn.authenticated_execute).map((fn) => fn.name);
    expect([...new Set(callable)].sort()).toEqual([...PUBLIC_RPCS].sort());
  });

  it('security definer functions in public and private pin their search_path', async () => {
    const unpinned = await adminQuery<{ signature: string }>(
      `select p.oid::regprocedure::text as signature
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname in ('public', 'private') and p.prosecdef
         and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')
       order by 1`,
    );
    expect(unpinned).toEqual([]);
  });

  it('functions that policies call keep their plans (no SQL function Postgres must re-plan on every call)', async () => {
    // A `language sql` function that cannot be inlined (security definer, or SET search_path) is parsed
    // and planned again on every call up to Postgres 17; in a policy that is every statement on the
    // table (20261211100000_plpgsql_policy_functions.sql). PL/pgSQL plans once per connection.
    const replanned = await adminQuery<{ signature: string }>(
      `select distinct p.oid::regprocedure::text as signature
       from pg_policy pol
       cross join lateral regexp_matches(
         coalesce(pol.polqual::text, '') || ' ' || coalesce(pol.polwithcheck::text, ''), ':funcid (\\d+)', 'g'
       ) as m (ids)
       join pg_proc p on p.oid = m.ids[1]::oid
       join pg_language l on l.oid = p.prolang
       where l.lanname = 'sql' and (p.prosecdef or p.proconfig is not null)
       order by 1`,
    );
    expect(replanned).toEqual([]);
  });

  it('the only security definer functions in public are deliberate RPCs', async () => {
    const definers = await adminQuery<{ name: string }>(
      `select p.proname as name
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.prosecdef
       order by 1`,
    );
    const unexpected = definers.map((fn) => fn.name).filter((name) => !PUBLIC_RPCS.includes(name));
    expect(
      unexpected,
      'security definer functions in public (move them to private, or list them in PUBLIC_RPCS)',
    ).toEqual([]);
  });
});
