// The error contract: the same fault gives the same code and status whichever layer reports it — the API
// (in-process, on this file's database), the API behind the gateway, PostgREST behind the gateway (its
// `{ code }` read through the shared `codeForPostgrestError`, as the SDK does), and the SDK against this
// stack. Every body of Coko's own is `{ error: { code, message, details?, id } }`; PostgREST's stays its own.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mintUserToken } from '@coko/server/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoko, isCokoError } from '../packages/sdk/src/index.ts';
import { createApp } from '../packages/server/src/app/create-app.ts';
import { loadConfig } from '../packages/server/src/config/index.ts';
import { createPool } from '../packages/server/src/db/index.ts';
import { codeForPostgrestError, ERROR_STATUS, isErrorCode } from '../packages/server/src/errors/codes.ts';
import { TokenService, type TokenServiceOptions } from '../packages/server/src/identity/tokens.ts';
import { createLogger } from '../packages/server/src/observability/index.ts';
import { newPartner, type TestPartner } from '../packages/server/test/identity/helpers.ts';
import { testStack } from './stack.js';

const stack = testStack();
const GATEWAY_API = `${stack.url}/functions/v1/api`;
const REST = `${stack.url}/rest/v1`;
const DEMO_READER = '00000000-0000-4000-8000-000000000001';

const config = (env: Record<string, string> = {}) =>
  loadConfig({ COKO_ENV: 'test', DATABASE_URL: stack.databaseUrl, LOG_LEVEL: 'error', ...env });
const pool = createPool(config());
const tokens = new TokenService({
  signingKey: stack.keys.es256.privateJwk as TokenServiceOptions['signingKey'],
  secret: stack.keys.jwtSecret,
  issuer: 'coko-test',
  ttlSeconds: 600,
});
const logger = createLogger({ level: 'error' });
const api = createApp({ config: config(), db: pool, tokens, logger });

type Layer = 'api' | 'gateway→api' | 'gateway→postgrest' | 'sdk';
interface Outcome {
  status: number | undefined;
  code: string;
}

/** Status and code of an error response, checking that Coko's own bodies are in the one format. */
async function outcomeOf(response: Response): Promise<Outcome> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { status: response.status, code: `NOT_JSON: ${text.slice(0, 80)}` };
  }
  const error = (body as { error?: unknown }).error;
  if (error && typeof error === 'object') {
    const { code, message, id } = error as Record<string, unknown>;
    expect(typeof message, 'error.message').toBe('string');
    // The request id: the API's own (a UUID) or, through the gateway, the gateway's (22 characters of base64url).
    expect(id, 'error.id').toEqual(expect.stringMatching(/^(?:[0-9a-f-]{36}|[A-Za-z0-9_-]{22})$/));
    return { status: response.status, code: isErrorCode(code) ? code : `NOT_IN_VOCABULARY: ${String(code)}` };
  }
  const postgrest = body as { code?: string; message?: string };
  if (typeof postgrest.code === 'string' && typeof postgrest.message === 'string') {
    return { status: response.status, code: codeForPostgrestError(postgrest.code, response.status) };
  }
  return { status: response.status, code: `NOT_AN_ERROR_BODY: ${text.slice(0, 80)}` };
}

/** What the SDK throws, as an outcome. */
async function sdkOutcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    await call();
  } catch (error) {
    if (isCokoError(error)) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('the SDK call succeeded');
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const withKey = (headers: Record<string, string> = {}) => ({ apikey: stack.publishableKey, ...headers });
const sdk = (accessToken?: string) =>
  createCoko({ url: stack.url, publishableKey: stack.publishableKey, ...(accessToken ? { accessToken } : {}) });

let partner: TestPartner;
let readerToken: string;

beforeAll(async () => {
  partner = await newPartner();
  readerToken = await mintUserToken(stack.keys, { id: DEMO_READER }, { expiresInSeconds: 600 });
});

const BIG_BODY = JSON.stringify({ externalUserId: 'x'.repeat(2 * 1024 * 1024) });

/**
 * A POST on a connection of its own, closed afterwards: a server that answers 413 before reading the whole
 * body closes the connection, and fetch's pool could otherwise hand that socket to the next test.
 */
function postAlone(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0 })));
      res.on('error', reject);
    });
    // The server may stop reading once it has answered: the answer is what counts.
    req.on('error', (error) => (req.writableEnded ? undefined : reject(error)));
    req.end(body);
  });
}

interface Fault {
  expected: Outcome & { code: keyof typeof ERROR_STATUS };
  layers: Partial<Record<Layer, () => Promise<Outcome>>>;
}

const faults: Record<string, Fault> = {
  'no credentials': {
    expected: { status: 401, code: 'AUTHENTICATION_ERROR' },
    layers: {
      api: async () => outcomeOf(await api.request('/api/v1/me')),
      'gateway→api': async () => outcomeOf(await fetch(`${GATEWAY_API}/v1/me`)),
      'gateway→postgrest': async () => outcomeOf(await fetch(`${REST}/books?select=id&limit=1`)),
      sdk: () =>
        sdkOutcome(() => createCoko({ url: stack.url, publishableKey: 'pk_unknown_0000' }).catalog.list({ limit: 1 })),
    },
  },
  'a bad token': {
    expected: { status: 401, code: 'AUTHENTICATION_ERROR' },
    layers: {
      api: async () => outcomeOf(await api.request('/api/v1/me', { headers: bearer('not.a.jwt') })),
      'gateway→api': async () =>
        outcomeOf(await fetch(`${GATEWAY_API}/v1/me`, { headers: withKey(bearer('not.a.jwt')) })),
      'gateway→postgrest': async () =>
        outcomeOf(await fetch(`${REST}/books?select=id&limit=1`, { headers: withKey(bearer('not.a.jwt')) })),
      sdk: () => sdkOutcome(() => sdk('not.a.jwt').catalog.list({ limit: 1 })),
    },
  },
  forbidden: {
    expected: { status: 403, code: 'PERMISSION_DENIED' },
    layers: {
      // The API's only 403 of this kind: metrics closed in production without METRICS_TOKEN.
      api: async () => {
        const production = config({
          COKO_ENV: 'production',
          COKO_JWT_SECRET: stack.keys.jwtSecret,
          COKO_PUBLIC_URL: 'https://coko.example.com',
          CORS_ORIGINS: 'https://reader.example.com',
        });
        const app = createApp({ config: production, db: pool, tokens, logger });
        return outcomeOf(await app.request('/api/metrics'));
      },
      // A reader may not write the catalogue.
      'gateway→postgrest': async () =>
        outcomeOf(
          await fetch(`${REST}/books`, {
            method: 'POST',
            headers: withKey({ ...bearer(readerToken), 'content-type': 'application/json' }),
            body: JSON.stringify({ title: 'Interdit' }),
          }),
        ),
    },
  },
  'not found': {
    expected: { status: 404, code: 'NOT_FOUND' },
    layers: {
      api: async () => outcomeOf(await api.request('/api/v1/nope')),
      'gateway→api': async () => outcomeOf(await fetch(`${GATEWAY_API}/v1/nope`, { headers: withKey() })),
      'gateway→postgrest': async () => outcomeOf(await fetch(`${REST}/no_such_table`, { headers: withKey() })),
      sdk: () => sdkOutcome(() => sdk().catalog.get(randomUUID())),
    },
  },
  'a validation error': {
    expected: { status: 400, code: 'VALIDATION_ERROR' },
    layers: {
      api: async () =>
        outcomeOf(await api.request('/api/v1/books/not-a-uuid/notes.md', { headers: bearer(readerToken) })),
      'gateway→api': async () =>
        outcomeOf(
          await fetch(`${GATEWAY_API}/v1/books/not-a-uuid/notes.md`, { headers: withKey(bearer(readerToken)) }),
        ),
      'gateway→postgrest': async () =>
        outcomeOf(await fetch(`${REST}/books?select=id&id=eq.not-a-uuid`, { headers: withKey() })),
      sdk: () => sdkOutcome(() => sdk().catalog.get('not-a-uuid')),
    },
  },
  'a wrong method': {
    expected: { status: 405, code: 'METHOD_NOT_ALLOWED' },
    layers: {
      api: async () => outcomeOf(await api.request('/api/health', { method: 'DELETE' })),
      'gateway→api': async () =>
        outcomeOf(await fetch(`${GATEWAY_API}/health`, { method: 'DELETE', headers: withKey() })),
      'gateway→postgrest': async () =>
        outcomeOf(await fetch(`${REST}/rpc/search_books`, { method: 'DELETE', headers: withKey() })),
    },
  },
  'a payload too large': {
    expected: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
    layers: {
      api: async () =>
        outcomeOf(
          await api.request('/api/v1/sessions', {
            method: 'POST',
            headers: { ...bearer(partner.secretKey), 'content-type': 'application/json' },
            body: BIG_BODY,
          }),
        ),
      'gateway→api': async () =>
        outcomeOf(
          await postAlone(
            `${GATEWAY_API}/v1/sessions`,
            { ...bearer(partner.secretKey), 'content-type': 'application/json' },
            BIG_BODY,
          ),
        ),
    },
  },
  'rate limited': {
    expected: { status: 429, code: 'RATE_LIMITED' },
    layers: {
      // Notes exports: 30 a minute per reader, counted before the book is looked up.
      api: async () => {
        const reader = await mintUserToken(stack.keys, { id: DEMO_READER }, { expiresInSeconds: 600 });
        const app = createApp({ config: config(), db: pool, tokens, logger });
        let last: Response | undefined;
        for (let i = 0; i < 31; i++) {
          last = await app.request(`/api/v1/books/${randomUUID()}/notes.md`, { headers: bearer(reader) });
          if (last.status === 429) break;
          await last.body?.cancel();
        }
        expect(last?.headers.get('retry-after')).toMatch(/^\d+$/);
        return outcomeOf(last as Response);
      },
    },
  },
};

describe('one error contract across the API, the gateway, PostgREST and the SDK', () => {
  it('every expected code has the status the vocabulary gives it', () => {
    for (const fault of Object.values(faults)) expect(ERROR_STATUS[fault.expected.code]).toBe(fault.expected.status);
  });

  for (const [name, fault] of Object.entries(faults)) {
    it(`${name}: ${fault.expected.status} ${fault.expected.code} from ${Object.keys(fault.layers).join(', ')}`, async () => {
      const seen: Partial<Record<Layer, Outcome>> = {};
      for (const [layer, send] of Object.entries(fault.layers) as [Layer, () => Promise<Outcome>][]) {
        seen[layer] = await send();
      }
      const expected = Object.fromEntries(Object.keys(fault.layers).map((layer) => [layer, fault.expected]));
      expect(seen).toEqual(expected);
    }, 60_000);
  }
});

describe('a bad JSON body', () => {
  it('is 400 INVALID_JSON from the API, in-process and behind the gateway', async () => {
    const fromApi = await outcomeOf(
      await api.request('/api/v1/sessions', {
        method: 'POST',
        headers: { ...bearer(partner.secretKey), 'content-type': 'application/json' },
        body: '{"externalUserId": ',
      }),
    );
    const fromGateway = await outcomeOf(
      await fetch(`${GATEWAY_API}/v1/sessions`, {
        method: 'POST',
        headers: { ...bearer(partner.secretKey), 'content-type': 'application/json' },
        body: '{"externalUserId": ',
      }),
    );
    expect([fromApi, fromGateway]).toEqual([
      { status: 400, code: 'INVALID_JSON' },
      { status: 400, code: 'INVALID_JSON' },
    ]);
  });

  // PostgREST's PGRST102 ("Empty or invalid json") reads as the API's INVALID_JSON.
  it('is 400 INVALID_JSON from PostgREST through the gateway too', async () => {
    const fromPostgrest = await outcomeOf(
      await fetch(`${REST}/rpc/search_books`, {
        method: 'POST',
        headers: withKey({ 'content-type': 'application/json' }),
        body: '{"query": ',
      }),
    );
    expect(fromPostgrest).toEqual({ status: 400, code: 'INVALID_JSON' });
  });
});

afterAll(() => pool.end());
