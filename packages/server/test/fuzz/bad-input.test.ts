// Issue 8 §5 — bad input, systematically. Malformed JSON, wrong types, huge, empty, negative, unicode and
// control-character values and odd headers go to every API route (from the OpenAPI document and the Hono router),
// every RPC of the exposed schema (from pg_proc) and the gateway itself, as anon, a reader (user token) and a partner
// (sk_ secret key on the API; pk_ publishable key through the gateway). Any 5xx, or any error that is not in the
// right format (Coko's `{ error: { code, message, details?, id } }` with a code of error-codes.ts from the gateway
// and the API; PostgREST's `{ code, message, details, hint }` with a 4xx from /rest/v1), fails the test. The tables of
// values are fixed (values.ts): every run sends the same cases, and the count is printed.
import { readFile } from 'node:fs/promises';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { mintJwt } from '../../src/stack/keys.ts';
import { captureLogs, fakeDb, testConfig } from '../app/helpers.ts';
import { admin, newPartner, session, stack, type TestPartner } from '../identity/helpers.ts';
import {
  type ApiRoute,
  apiCases,
  apiRoutes,
  type FuzzCase,
  type OpenApiDocument,
  RPC_QUERY,
  type RpcFunction,
  rpcCases,
} from './cases.ts';
import { type Outcome, postgrestErrorOf, problemOf } from './check.ts';
import { gatewayCases } from './gateway-cases.ts';
import { rawRequest } from './raw-http.ts';
import { type ExposedTable, TABLE_QUERY, tableCases } from './table-cases.ts';

/** Requests in flight at once (the stack runs in another process; 2 cores shared). */
const CONCURRENCY = 8;
/** Readers the reader cases rotate over, so per-user limits (exports, downloads) rarely answer 429 instead. */
const READERS = 24;
/** Enough for every reader case of a DELETE route (baseline, query, header share, methods). */
const DISPOSABLE_READERS = 20;

interface Failure {
  fuzz: FuzzCase;
  problem: string;
  status: number;
  body: string;
}

const counts: Record<string, number> = {};
/** PostgREST's own error bodies seen under /rest/v1 (passed through the gateway unnormalised), by status and code. */
const postgrestErrors = new Map<string, number>();
let partner: TestPartner;
let readerPartner: TestPartner;
let readers: string[] = [];
/** Readers for the cases of DELETE routes (account deletion), one per case so each reaches the handler. */
let disposableReaders: string[] = [];
let bookId: string;
let jwts: { alg_none: string; expired: string; wrongKey: string; hugeClaims: string };

beforeAll(async () => {
  partner = await newPartner({ allowedOrigins: ['https://reader.partner.example'] });
  readerPartner = await newPartner({ allowedOrigins: ['https://reader.partner.example'] });
  readers = await Promise.all(
    Array.from(
      { length: READERS },
      async (_, i) => (await session(readerPartner.secretKey, { externalUserId: `fuzz-reader-${i}` })).accessToken,
    ),
  );
  disposableReaders = await Promise.all(
    Array.from(
      { length: DISPOSABLE_READERS },
      async (_, i) => (await session(readerPartner.secretKey, { externalUserId: `fuzz-disposable-${i}` })).accessToken,
    ),
  );
  const { rows } = await admin.query<{ id: string }>(
    `select id from public.books where status = 'published' order by id limit 1`,
  );
  bookId = rows[0]?.id ?? '';
  const header = (alg: string) => Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({
      sub: '00000000-0000-4000-8000-000000000001',
      role: 'service_role',
      aud: 'authenticated',
      exp: 4102444800,
    }),
  ).toString('base64url');
  const otherSecret = new TextEncoder().encode('another-secret-that-is-long-enough-to-sign-hs256');
  jwts = {
    alg_none: `${header('none')}.${payload}.`,
    expired: await mintJwt(stack.keys, {
      role: 'authenticated',
      sub: '00000000-0000-4000-8000-000000000001',
      expiresInSeconds: -3600,
    }),
    wrongKey: await new SignJWT({ role: 'service_role' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(otherSecret),
    hugeClaims: await mintJwt(stack.keys, {
      role: 'authenticated',
      expiresInSeconds: 600,
      claims: { blob: 'x'.repeat(6000) },
    }),
  };
});

afterAll(() => {
  const byPart = Object.entries(counts)
    .map(([part, n]) => `${part}: ${n}`)
    .join(', ');
  const passedThrough = [...postgrestErrors.entries()]
    .sort()
    .map(([error, n]) => `${error} ×${n}`)
    .join(', ');
  console.log(`[fuzz] ${totalCases()} bad-input cases sent (${byPart})`);
  console.log(`[fuzz] PostgREST error bodies passed through /rest/v1 unnormalised: ${passedThrough || 'none'}`);
});

const totalCases = () => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** The schemas PostgREST exposes, as deployed: `[api] schemas` of supabase/config.toml. */
async function exposedSchemas(): Promise<string[]> {
  const config = await readFile(new URL('../../../../supabase/config.toml', import.meta.url), 'utf8');
  const list = config.match(/^\[api\][^[]*?^schemas\s*=\s*\[([^\]]*)\]/m)?.[1];
  if (!list) throw new Error('supabase/config.toml has no [api] schemas');
  return [...list.matchAll(/"([^"]+)"/g)].map((match) => match[1] as string);
}

let rotation = 0;
const nextReader = () => `Bearer ${readers[rotation++ % readers.length]}`;
let disposed = 0;
const nextDisposableReader = () => `Bearer ${disposableReaders[disposed++ % disposableReaders.length]}`;

async function send(fuzz: FuzzCase): Promise<Outcome> {
  if (fuzz.raw) {
    const res = await rawRequest(stack.url, fuzz.raw);
    return { status: res.status, headers: res.headers, body: res.body, method: fuzz.method };
  }
  const res = await fetch(`${stack.url}${fuzz.path}`, {
    method: fuzz.method,
    headers: fuzz.headers,
    body: fuzz.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: res.status, headers, body: fuzz.method === 'HEAD' ? '' : await res.text(), method: fuzz.method };
}

/** Sends every case (CONCURRENCY at a time) and returns the ones that broke a rule. */
async function run(part: string, cases: FuzzCase[]): Promise<Failure[]> {
  counts[part] = cases.length;
  const failures: Failure[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const fuzz = cases[next++] as FuzzCase;
      let outcome: Outcome;
      try {
        outcome = await send(fuzz);
      } catch (error) {
        failures.push({ fuzz, problem: `no response (${(error as Error).message})`, status: 0, body: '' });
        continue;
      }
      const postgrestError = postgrestErrorOf(outcome);
      if (postgrestError) postgrestErrors.set(postgrestError, (postgrestErrors.get(postgrestError) ?? 0) + 1);
      const problem =
        fuzz.expectStatus !== undefined && outcome.status !== fuzz.expectStatus && outcome.status < 500
          ? `expected status ${fuzz.expectStatus}, got ${outcome.status}`
          : problemOf(fuzz.layer, outcome);
      if (problem) failures.push({ fuzz, problem, status: outcome.status, body: outcome.body });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failures;
}

/** A readable report: failures grouped by problem, route and role, with one example each. */
function report(part: string, total: number, failures: Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const failure of failures) {
    const { fuzz } = failure;
    // API cases vary the path itself (one group per route); gateway paths differ by their query too.
    const where = `${fuzz.method} ${(fuzz.layer === 'api' ? fuzz.path.split('?')[0] : fuzz.path)?.slice(0, 70)}`;
    const key = `${failure.problem} — ${where}`;
    groups.set(key, [...(groups.get(key) ?? []), failure]);
  }
  const lines = [...groups.entries()].map(([key, list]) => {
    const roles = [...new Set(list.map((f) => f.fuzz.role))].join('/');
    const names = [...new Set(list.map((f) => f.fuzz.name))];
    const example = list[0] as Failure;
    return `  ${key} [${roles}] ×${list.length}: ${names.slice(0, 6).join(' | ')}${names.length > 6 ? ` | … (${names.length} kinds)` : ''}\n      e.g. ${example.status} ${example.body.slice(0, 160).replace(/\s+/g, ' ')}`;
  });
  return `${part}: ${failures.length} of ${total} cases broke a rule\n${lines.join('\n')}`;
}

async function check(part: string, cases: FuzzCase[]) {
  const failures = await run(part, cases);
  const text = report(part, cases.length, failures);
  if (failures.length > 0) console.log(text);
  expect(failures.length, text).toBe(0);
}

describe('bad input, systematically (issue 8 §5)', () => {
  it('every API route, as anon, reader (user token) and partner (sk_ key), answers 2xx or a 4xx in the error format', async () => {
    const res = await fetch(`${stack.url}/functions/v1/api/openapi.json`);
    const doc = (await res.json()) as OpenApiDocument & {
      paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
    };
    const app = createApp({ config: testConfig(), db: fakeDb(), logger: captureLogs().logger });
    const routes = apiRoutes(doc, app.routes);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    console.log(
      `[fuzz] ${routes.length} API routes: ${routes.map((route) => `${route.method} ${route.path}`).join(', ')}`,
    );
    const schemeOf = (route: ApiRoute) =>
      Object.keys(doc.paths[route.path]?.[route.method.toLowerCase()]?.security?.[0] ?? {})[0];
    const cases = routes.flatMap((route, index) => {
      const readerToken = route.method === 'DELETE' ? nextDisposableReader : nextReader;
      return apiCases(doc, route, {
        params: { id: bookId, lang: 'fr', tz: 'Africa/Dakar' },
        roles: { anon: () => undefined, reader: readerToken, partner: () => `Bearer ${partner.secretKey}` },
        uniqueBodyFields: { externalUserId: (n) => `fuzz-${route.method}-${n}` },
        headerShare: { index, of: 4 },
        // A role the route's security scheme refuses gets the baseline and method cases only: its input never
        // reaches a handler (and its refusals are covered by the gateway's credential cases).
        shallowRoles: (_, role) => {
          const scheme = schemeOf(route);
          if (scheme === 'userAccessToken') return role !== 'reader';
          if (scheme === 'partnerSecretKey') return role !== 'partner';
          return false;
        },
      });
    });
    expect(cases.length).toBeGreaterThanOrEqual(500);
    await check('API routes', cases);
  }, 240_000);

  it('every RPC of the exposed schema, as anon, reader and partner (pk_), answers 2xx or a 4xx', async () => {
    const { rows } = await admin.query<RpcFunction>(RPC_QUERY, [await exposedSchemas()]);
    expect(rows.map((fn) => fn.name)).toEqual(
      expect.arrayContaining(['search_books', 'sync_reading', 'reading_stats']),
    );
    console.log(`[fuzz] ${rows.length} RPCs: ${rows.map((fn) => fn.name).join(', ')}`);
    const cases = rows.flatMap((fn) =>
      rpcCases(fn, {
        roles: {
          anon: () => ({ apikey: stack.publishableKey }),
          reader: () => ({ apikey: readerPartner.publishableKey, authorization: nextReader() }),
          partner: () => ({ apikey: partner.publishableKey }),
        },
        fullRole: 'reader',
        share: 6,
      }),
    );
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    await check('RPCs', cases);
  }, 240_000);

  it('every table and view of the exposed schema, as anon, reader and partner (pk_), answers 2xx or a 4xx', async () => {
    const { rows } = await admin.query<ExposedTable>(TABLE_QUERY, [await exposedSchemas()]);
    expect(rows.map((table) => table.name)).toEqual(expect.arrayContaining(['books', 'profiles', 'annotations']));
    console.log(`[fuzz] ${rows.length} tables and views: ${rows.map((table) => table.name).join(', ')}`);
    const cases = rows.flatMap((table, index) =>
      tableCases(table, {
        roles: {
          anon: () => ({ apikey: stack.publishableKey }),
          reader: () => ({ apikey: readerPartner.publishableKey, authorization: nextReader() }),
          partner: () => ({ apikey: partner.publishableKey }),
        },
        fullRole: 'reader',
        index,
      }),
    );
    expect(cases.length).toBeGreaterThanOrEqual(500);
    await check('tables', cases);
  }, 240_000);

  it('the gateway answers odd methods, headers, keys and bodies with a 4xx in the error format', async () => {
    const cases = gatewayCases({
      apikeys: { anon: stack.publishableKey, reader: readerPartner.publishableKey, partner: partner.publishableKey },
      readerToken: readers[0] ?? '',
      secretKey: stack.secretKey,
      jwts,
    });
    expect(cases.length).toBeGreaterThanOrEqual(500);
    await check('gateway', cases);
  }, 240_000);

  it('tried at least 2,000 cases in all', () => {
    expect(totalCases()).toBeGreaterThanOrEqual(2000);
  });
});
