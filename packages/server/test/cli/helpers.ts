// Fixtures for the admin and CLI tests: the file's database (as the API's `postgres` role, and as the
// superuser for time travel), an admin context, and requests through the gateway.
import pg from 'pg';
import { afterAll } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import type { AdminContext } from '../../src/admin/index.ts';

export const stack = testStack();
export const API = `${stack.url}/functions/v1/api`;

/** The seed's admin (supabase/seed.sql). */
export const SEED_ADMIN = { id: '00000000-0000-4000-8000-000000000002', email: 'admin@coko.africa' };
/** The seed's demo reader. */
export const SEED_READER = { id: '00000000-0000-4000-8000-000000000001', email: 'demo@coko.africa' };

export const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 4 });
export const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 2 });

afterAll(async () => {
  await db.end();
  await admin.end();
});

/** An admin context acting as the seed's admin, from the CLI of OS user `tester`. */
export const ctx: AdminContext = {
  db,
  actor: { label: 'cli:tester', userId: SEED_ADMIN.id, userAgent: 'coko-cli (cli:tester)' },
};

let counter = 0;
export const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** `POST /v1/sessions` through the gateway with a secret key. */
export function postSession(secretKey: string, externalUserId: string, body: Record<string, unknown> = {}) {
  return fetch(`${API}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
    body: JSON.stringify({ externalUserId, ...body }),
  });
}

/** Mints a session; fails unless 200. */
export async function session(secretKey: string, externalUserId: string, body: Record<string, unknown> = {}) {
  const response = await postSession(secretKey, externalUserId, body);
  if (response.status !== 200) throw new Error(`POST /v1/sessions: ${response.status} ${await response.text()}`);
  return (await response.json()) as { accessToken: string; expiresAt: string; user: { id: string; partnerId: string } };
}

/** The reason of a 401 from the sessions endpoint (`error.details.reason`). */
export async function refusal(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as { error?: { details?: { reason?: string } } };
  return body.error?.details?.reason;
}

/** `GET /v1/me/export` (the API checks the session, partner suspension included, on every request). */
export function meExport(token: string) {
  return fetch(`${API}/v1/me/export`, { headers: { authorization: `Bearer ${token}` } });
}

/** `GET /rest/v1<path>` through the gateway. */
export function rest(path: string, options: { apikey?: string; token?: string; origin?: string } = {}) {
  const headers: Record<string, string> = { apikey: options.apikey ?? stack.publishableKey };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.origin) headers.origin = options.origin;
  return fetch(`${stack.url}/rest/v1${path}`, { headers });
}

/** Audit entries of one resource, oldest first. */
export async function auditOf(resourceType: string, resourceId: string) {
  const { rows } = await admin.query(
    `select action, actor_id, user_agent, old_values, new_values from public.audit_logs
      where resource_type = $1 and resource_id = $2 order by created_at, action`,
    [resourceType, resourceId],
  );
  return rows as {
    action: string;
    actor_id: string | null;
    user_agent: string | null;
    old_values: Record<string, unknown> | null;
    new_values: Record<string, unknown> | null;
  }[];
}
