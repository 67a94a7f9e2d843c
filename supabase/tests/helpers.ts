// Helpers for the database (RLS) tests: test users, acting as a role in SQL, and supabase-js clients
// acting as each kind of caller through the gateway (basejump's create_supabase_user /
// authenticate_as / clear_authentication, in TypeScript).
//
// Every test file has its own database (test/setup-stack.ts), so the fixed user ids below never
// collide between files. SQL fixtures run as the superuser; `sqlAs` runs a callback inside a
// transaction as an API role with the request's JWT claims, then rolls it back.
import { mintUserToken } from '@coko/server/dev';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg, { type DatabaseError, type PoolClient } from 'pg';
import { afterAll } from 'vitest';
import { testStack } from '../../test/stack.js';

export type AppRole = 'admin' | 'moderator' | 'user';
export type DbRole = 'anon' | 'authenticated' | 'service_role';
const DB_ROLES: readonly DbRole[] = ['anon', 'authenticated', 'service_role'];
export type Row = Record<string, unknown>;

/**
 * The kinds of callers every RLS test covers.
 * - `anon`: the publishable key, no user.
 * - `user`, `otherUser`: signed-in readers without any application role row.
 * - `moderator`, `admin`: signed-in users holding that role in public.user_roles.
 * - `partnerUser`: a signed-in reader whose JWT carries `app_metadata.partner_id`. Partners do not
 *   exist yet (another issue adds them), so today this must behave exactly like `user`; when
 *   partner policies land, give this kind its own expectations.
 * - `service`: the secret key (service_role, bypasses RLS), sent without an Origin header as the
 *   server does.
 */
export type ClientKind = 'anon' | 'user' | 'otherUser' | 'moderator' | 'partnerUser' | 'admin' | 'service';
export type UserKind = Exclude<ClientKind, 'anon' | 'service'>;

export const CLIENT_KINDS: readonly ClientKind[] = [
  'anon',
  'user',
  'otherUser',
  'moderator',
  'partnerUser',
  'admin',
  'service',
];

export interface TestUser {
  id: string;
  email: string;
  roles: AppRole[];
  appMetadata?: Record<string, unknown>;
}

/** A fictional partner id for the partner-claim variant (no partners table yet). */
export const TEST_PARTNER_ID = '20000000-0000-4000-8000-000000000001';

export const USERS: Record<UserKind, TestUser> = {
  user: { id: '10000000-0000-4000-8000-000000000001', email: 'reader@rls.test', roles: [] },
  otherUser: { id: '10000000-0000-4000-8000-000000000002', email: 'other-reader@rls.test', roles: [] },
  moderator: { id: '10000000-0000-4000-8000-000000000003', email: 'moderator@rls.test', roles: ['moderator'] },
  admin: { id: '10000000-0000-4000-8000-000000000004', email: 'admin@rls.test', roles: ['admin'] },
  partnerUser: {
    id: '10000000-0000-4000-8000-000000000005',
    email: 'partner-reader@rls.test',
    roles: [],
    appMetadata: { partner_id: TEST_PARTNER_ID },
  },
};

/**
 * Marks a table as covered by the RLS test that calls it; rls-coverage.test.ts scans the
 * `*-rls.test.ts` files for these calls and fails for any public table that has none.
 */
export function rlsTable<T extends string>(name: T): T {
  return name;
}

// =============================================================================================
// SQL
// =============================================================================================

let pool: InstanceType<typeof pg.Pool> | undefined;

function adminPool(): InstanceType<typeof pg.Pool> {
  pool ??= new pg.Pool({ connectionString: testStack().adminDatabaseUrl, max: 3 });
  return pool;
}

afterAll(async () => {
  await pool?.end();
  pool = undefined;
});

/** Runs a statement as the superuser (fixtures and checks that must see through RLS). */
export async function adminQuery<R extends Row = Row>(text: string, params: unknown[] = []): Promise<R[]> {
  const result = await adminPool().query<R>(text, params);
  return result.rows;
}

/** The JWT claims PostgREST would set for a kind of caller. */
export function claimsFor(kind: ClientKind): Row {
  if (kind === 'anon') return { role: 'anon' };
  if (kind === 'service') return { role: 'service_role' };
  const user = USERS[kind];
  return {
    sub: user.id,
    role: 'authenticated',
    aud: 'authenticated',
    email: user.email,
    app_metadata: user.appMetadata ?? {},
    user_metadata: {},
  };
}

/** The database role PostgREST would switch to for a kind of caller. */
export function dbRoleFor(kind: ClientKind): DbRole {
  if (kind === 'anon') return 'anon';
  if (kind === 'service') return 'service_role';
  return 'authenticated';
}

/**
 * Runs `fn` in a transaction as `role` with `request.jwt.claims` set (as PostgREST does), then
 * rolls everything back. A failing statement aborts the transaction, so assert at most one
 * expected error per call.
 */
export async function sqlAs<T>(role: DbRole, claims: Row | null, fn: (db: PoolClient) => Promise<T>): Promise<T> {
  const client = await adminPool().connect();
  try {
    await client.query('begin');
    if (!DB_ROLES.includes(role)) throw new Error(`Unknown database role: ${role}`);
    await client.query(`set local role ${role}`);
    await client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims ?? { role })]);
    return await fn(client);
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

/** `sqlAs` with the role and claims of a kind of caller. */
export function sqlFor<T>(kind: ClientKind, fn: (db: PoolClient) => Promise<T>): Promise<T> {
  return sqlAs(dbRoleFor(kind), claimsFor(kind), fn);
}

/** The database error a promise rejects with (fails when it resolves). */
export async function sqlError(promise: Promise<unknown>): Promise<DatabaseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error && 'code' in error) return error as DatabaseError;
    throw error;
  }
  throw new Error('Expected the statement to fail, but it succeeded.');
}

/** Quotes an identifier for generated statements (test-controlled names only). */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unexpected identifier: ${name}`);
  return `"${name}"`;
}

// =============================================================================================
// Users and roles
// =============================================================================================

/** Creates a user in auth.users (as the superuser), with its application roles. Idempotent. */
export async function createUser(user: TestUser): Promise<void> {
  await adminQuery(
    `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data,
       raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), $3, '{}', now(), now())
     on conflict (id) do nothing`,
    [user.id, user.email, JSON.stringify({ provider: 'email', providers: ['email'], ...user.appMetadata })],
  );
  for (const role of user.roles) await grantRole(user.id, role);
}

/** Grants an application role (as the superuser). Idempotent. */
export async function grantRole(userId: string, role: AppRole): Promise<void> {
  await adminQuery('insert into public.user_roles (user_id, role) values ($1, $2) on conflict do nothing', [
    userId,
    role,
  ]);
}

/** Revokes an application role (as the superuser). */
export async function revokeRole(userId: string, role: AppRole): Promise<void> {
  await adminQuery('delete from public.user_roles where user_id = $1 and role = $2', [userId, role]);
}

let usersReady: Promise<void> | undefined;

/** Creates every user of USERS once per test file. */
export function ensureTestUsers(): Promise<void> {
  usersReady ??= (async () => {
    for (const user of Object.values(USERS)) await createUser(user);
  })();
  return usersReady;
}

// =============================================================================================
// PostgREST through the gateway (supabase-js)
// =============================================================================================

const clientOptions = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

/** A signed access token for a user, with optional extra claims (e.g. forged role claims). */
export function tokenFor(user: TestUser, extraAppMetadata: Record<string, unknown> = {}): Promise<string> {
  return mintUserToken(
    testStack().keys,
    { id: user.id, email: user.email, appMetadata: { ...user.appMetadata, ...extraAppMetadata } },
    { expiresInSeconds: 600 },
  );
}

/** A supabase-js client that sends the publishable key and the given user access token. */
export function clientWithToken(token: string): SupabaseClient {
  const stack = testStack();
  return createClient(stack.url, stack.publishableKey, {
    ...clientOptions,
    global: { headers: { Authorization: `Bearer ${token}` } },
  });
}

const clients = new Map<ClientKind, Promise<SupabaseClient>>();

/**
 * A supabase-js client acting as a kind of caller through the gateway (see ClientKind). Creates the
 * test users first.
 */
export function clientAs(kind: ClientKind): Promise<SupabaseClient> {
  let client = clients.get(kind);
  if (!client) {
    client = (async () => {
      const stack = testStack();
      if (kind === 'anon') return createClient(stack.url, stack.publishableKey, clientOptions);
      if (kind === 'service') return createClient(stack.url, stack.secretKey, clientOptions);
      await ensureTestUsers();
      return clientWithToken(await tokenFor(USERS[kind]));
    })();
    clients.set(kind, client);
  }
  return client;
}

/** A raw request through the gateway with the publishable key (and a user token, if given). */
export function rest(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const stack = testStack();
  const headers = new Headers(init.headers);
  headers.set('apikey', stack.publishableKey);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return fetch(`${stack.url}/rest/v1${path}`, { ...init, headers });
}

// =============================================================================================
// Expected errors
// =============================================================================================

/** Postgres' message when the role lacks the table privilege (e.g. anon writing). */
export const permissionDenied = (table: string) => `permission denied for table ${table}`;

/** Postgres' message when an INSERT (or UPDATE's new row) fails a WITH CHECK policy. */
export const rlsViolation = (table: string) => `new row violates row-level security policy for table "${table}"`;

// =============================================================================================
// Row statements for the RLS matrices (run inside sqlFor/sqlAs as the role under test)
// =============================================================================================
function where(key: Row, offset = 0): { text: string; params: unknown[] } {
  const columns = Object.keys(key);
  return {
    text: columns.map((column, i) => `${ident(column)} = $${offset + i + 1}`).join(' and '),
    params: Object.values(key),
  };
}

/** select / insert / update / delete of one row of `public.<table>`, keyed by column values. */
export const sql = {
  select: (db: PoolClient, table: string, key: Row) => {
    const w = where(key);
    return db.query(`select * from public.${ident(table)} where ${w.text}`, w.params);
  },
  /** `returning *` also makes the SELECT policy apply to the new row, as PostgREST's inserts do. */
  insert: (db: PoolClient, table: string, row: Row, options: { returning?: boolean } = {}) => {
    const columns = Object.keys(row);
    const values = columns.map((_, i) => `$${i + 1}`).join(', ');
    const returning = options.returning ? ' returning *' : '';
    return db.query(
      `insert into public.${ident(table)} (${columns.map(ident).join(', ')}) values (${values})${returning}`,
      Object.values(row),
    );
  },
  update: (db: PoolClient, table: string, key: Row, patch: Row) => {
    const set = Object.keys(patch)
      .map((column, i) => `${ident(column)} = $${i + 1}`)
      .join(', ');
    const w = where(key, Object.keys(patch).length);
    return db.query(`update public.${ident(table)} set ${set} where ${w.text}`, [...Object.values(patch), ...w.params]);
  },
  delete: (db: PoolClient, table: string, key: Row) => {
    const w = where(key);
    return db.query(`delete from public.${ident(table)} where ${w.text}`, w.params);
  },
};

/** Superuser check: how many rows match `key` (and `patch`, when given). */
export async function countRows(table: string, key: Row, patch: Row = {}): Promise<number> {
  const w = where({ ...key, ...patch });
  const [row] = await adminQuery<{ n: number }>(
    `select count(*)::int as n from public.${ident(table)} where ${w.text}`,
    w.params,
  );
  return row!.n;
}
