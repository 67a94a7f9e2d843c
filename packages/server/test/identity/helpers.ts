// Fixtures for the identity tests: partners created through src/admin, keys through src/identity (as the API's
// `postgres` role), sessions minted through the gateway, raw requests to /rest/v1 and the API.
import pg from 'pg';
import { afterAll, expect } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { cliActor, createPartner } from '../../src/admin/index.ts';
import { type ApiKeyKind, createPartnerKey, type Partner } from '../../src/identity/index.ts';

export const stack = testStack();
export const API = `${stack.url}/functions/v1/api`;

/** The file's database as the API's role (`postgres`, owner of the private tables). */
export const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 4 });
/** The file's database as the superuser. */
export const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 2 });

afterAll(async () => {
  await db.end();
  await admin.end();
});

let counter = 0;
const unique = () => `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

export interface TestPartner extends Partner {
  secretKey: string;
  secretKeyId: string;
  publishableKey: string;
  publishableKeyId: string;
}

/** A partner with one secret and one publishable key. */
export async function newPartner(
  options: { allowedOrigins?: string[]; defaultCountry?: string | null; defaultLanguage?: string } = {},
): Promise<TestPartner> {
  const slug = `partner-${unique()}`;
  // The one way partners are made (as `coko partners create` does): validated, audited, with both keys.
  const { partner, secretKey, publishableKey } = await createPartner(
    { db, actor: cliActor() },
    {
      name: `Partner ${slug}`,
      slug,
      allowedOrigins: options.allowedOrigins ?? ['https://reader.partner.example'],
      defaultCountry: options.defaultCountry === undefined ? 'SN' : options.defaultCountry,
      defaultLanguage: options.defaultLanguage ?? 'fr',
    },
  );
  if (!secretKey || !publishableKey) throw new Error('createPartner issued no keys');
  return {
    ...partner,
    secretKey: secretKey.key,
    secretKeyId: secretKey.keyId,
    publishableKey: publishableKey.key,
    publishableKeyId: publishableKey.keyId,
  };
}

export async function newKey(partnerId: string, kind: ApiKeyKind) {
  return createPartnerKey(db, { partnerId, kind });
}

export const externalId = () => `ext-${unique()}`;

/** `POST /v1/sessions` through the gateway, with a secret key. */
export function postSession(
  secretKey: string | undefined,
  body: unknown,
  init: { headers?: Record<string, string>; raw?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  if (secretKey) headers.authorization = `Bearer ${secretKey}`;
  return fetch(`${API}/v1/sessions`, { method: 'POST', headers, body: init.raw ?? JSON.stringify(body) });
}

export interface SessionBody {
  accessToken: string;
  expiresAt: string;
  user: {
    id: string;
    externalUserId: string;
    email: string | null;
    phone: string | null;
    name: string | null;
    country: string | null;
    language: string | null;
    partnerId: string;
  };
}

/** Mints a session and fails the test unless it is 200. */
export async function session(secretKey: string, body: Record<string, unknown>): Promise<SessionBody> {
  const response = await postSession(secretKey, body);
  if (response.status !== 200) throw new Error(`POST /v1/sessions: ${response.status} ${await response.text()}`);
  return (await response.json()) as SessionBody;
}

/** A request to /rest/v1 through the gateway. */
export function rest(
  path: string,
  options: { apikey?: string; token?: string; origin?: string; init?: RequestInit } = {},
) {
  const headers = new Headers(options.init?.headers);
  headers.set('apikey', options.apikey ?? stack.publishableKey);
  if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  if (options.origin) headers.set('origin', options.origin);
  return fetch(`${stack.url}/rest/v1${path}`, { ...options.init, headers });
}

/** A request to the API through the gateway with a user token. */
export function api(path: string, token: string | undefined, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${API}${path}`, { ...init, headers });
}

/** Asserts the API's error format and returns the error. */
export async function errorOf(
  response: Response,
): Promise<{ code: string; message: string; details?: Record<string, unknown>; id: string }> {
  const body = (await response.json()) as { error?: { code: string; message: string; id: string } };
  if (
    !body.error ||
    typeof body.error.code !== 'string' ||
    typeof body.error.message !== 'string' ||
    typeof body.error.id !== 'string'
  ) {
    throw new Error(`Not the error format: ${JSON.stringify(body)}`);
  }
  return body.error;
}

/** Decodes a JWT's header and payload (no verification). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header ?? '', 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
  };
}

/**
 * Fails with the reason when PostgREST's db-pre-request (private.check_request) is not configured: the
 * identity migration sets `pgrst.db_pre_request` on the authenticator role, which Postgres 15+ allows the
 * non-superuser `postgres` only after `grant set on parameter pgrst.db_pre_request to postgres` (the local
 * bootstrap's job; Supabase grants it). Without it PostgREST accepts tokens of deleted accounts, revoked
 * sessions and suspended partners.
 */
export async function expectPreRequestConfigured(): Promise<void> {
  const { rows } = await admin.query<{ setting: string }>(
    `select unnest(s.setconfig) as setting from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
      where r.rolname = 'authenticator'`,
  );
  expect(
    rows.map((row) => row.setting),
    'PostgREST db-pre-request is not configured (pgrst.db_pre_request on authenticator): the local bootstrap must `grant set on parameter pgrst.db_pre_request to postgres`',
  ).toContain('pgrst.db_pre_request=private.check_request');
}
