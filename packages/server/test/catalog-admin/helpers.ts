// Fixtures for the editors' API tests: the API app on the file's own database, readers minted through
// POST /v1/sessions (as a partner backend does) and given roles as the superuser, and a JSON request helper.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { cliActor, createPartner } from '../../src/admin/index.ts';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/observability/logger.ts';

export const stack = testStack();
export const config = loadConfig({
  COKO_ENV: 'test',
  LOG_LEVEL: 'silent',
  COKO_JWT_SECRET: 'e'.repeat(40),
  RATE_LIMITS: 'off',
});
export const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 6 });
const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 2 });
db.on('error', () => {});
admin.on('error', () => {});
export const app = createApp({ config, db, logger: createLogger({ level: 'silent' }), limits: false });

afterAll(async () => {
  await db.end();
  await admin.end();
});

export async function sql<R = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
  return (await admin.query(text, values)).rows as R[];
}

export interface User {
  id: string;
  token: string;
}

let partnerKey: string | undefined;

/** A signed-in user holding `role` (none: a reader). */
export async function newUser(role?: 'admin' | 'moderator'): Promise<User> {
  if (!partnerKey) {
    const slug = `editors-${randomUUID().slice(0, 8)}`;
    const { secretKey } = await createPartner({ db, actor: cliActor() }, { name: slug, slug, defaultCountry: 'SN' });
    partnerKey = secretKey?.key;
  }
  const response = await app.request('/api/v1/sessions', {
    method: 'POST',
    headers: { authorization: `Bearer ${partnerKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ externalUserId: `u-${randomUUID().slice(0, 8)}`, name: 'Fatou Ndiaye', country: 'SN' }),
  });
  if (response.status !== 200) throw new Error(`session: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { accessToken: string; user: { id: string } };
  if (role) await sql('insert into public.user_roles (user_id, role) values ($1, $2)', [body.user.id, role]);
  return { id: body.user.id, token: body.accessToken };
}

/** Calls the API as `user` (undefined: anonymous); resolves with the status and the parsed body. */
export async function call(
  user: User | undefined,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON bodies freely; expect() checks their shape.
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'user-agent': 'editors-test' };
  if (user) headers.authorization = `Bearer ${user.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await app.request(`/api${path}`, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
