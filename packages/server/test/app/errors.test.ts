import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApp } from '../../src/app/create-app.ts';
import { databaseInputError } from '../../src/app/errors.ts';
import { createPool } from '../../src/db/index.ts';
import { captureLogs, errorOf, fakeDb, TEST_DATABASE_URL, testConfig } from './helpers.ts';

const ID_FORMAT = /^[0-9a-f-]{36}$/;

const bookRoute = createRoute({
  method: 'post',
  path: '/books',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            title: z.string().min(1),
            price: z.number().int().nonnegative(),
            author: z.object({ name: z.string() }),
          }),
        },
      },
    },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: z.object({ title: z.string() }) } } },
  },
});

function appWithRoutes(overrides: Record<string, string> = {}) {
  const logs = captureLogs();
  const captureException = vi.fn();
  const app = createApp({ config: testConfig(overrides), db: fakeDb(), logger: logs.logger, captureException });
  app.openapi(bookRoute, (c) => c.json({ title: c.req.valid('json').title }, 201));
  app.get('/boom', () => {
    throw new Error('relation "secret_table" does not exist at select * from secret_table');
  });
  app.get('/conflict', () => {
    throw new ApiError(409, 'CONFLICT', 'Already in your library', { details: { bookId: 'b1' } });
  });
  app.get('/slow', async (c) => {
    await new Promise((r) => setTimeout(r, 200));
    return c.text('late');
  });
  return { app, logs, captureException };
}

const postJson = (body: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body,
  headers: { 'Content-Type': 'application/json', ...headers },
});

describe('one error format', () => {
  it('404 NOT_FOUND for unknown routes, with the request id', async () => {
    const { app } = appWithRoutes();
    const res = await app.request('/api/nope', { headers: { 'X-Request-Id': 'req-404-abcdef' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await errorOf(res)).toEqual({
      code: 'NOT_FOUND',
      message: 'No route for GET /api/nope',
      id: 'req-404-abcdef',
    });
  });

  it('404 in the same format outside /api', async () => {
    const { app } = appWithRoutes();
    const res = await app.request('/elsewhere');
    expect(res.status).toBe(404);
    const error = await errorOf(res);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.id).toBe(res.headers.get('X-Request-Id'));
  });

  it('405 METHOD_NOT_ALLOWED with an Allow header when the path exists for other methods', async () => {
    const { app } = appWithRoutes();
    const res = await app.request('/api/health', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET, HEAD');
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: 'METHOD_NOT_ALLOWED', details: { allow: ['GET', 'HEAD'] } });
    expect(error.id).toMatch(ID_FORMAT);
  });

  it('413 PAYLOAD_TOO_LARGE by Content-Length and while streaming', async () => {
    const { app } = appWithRoutes({ BODY_LIMIT_BYTES: '64' });
    const big = JSON.stringify({ title: 'x'.repeat(100), price: 1, author: { name: 'A' } });
    const declared = await app.request('/api/books', postJson(big, { 'Content-Length': String(big.length) }));
    expect(declared.status).toBe(413);
    expect(await errorOf(declared)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limitBytes: 64 } });

    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const streamed = await app.request('/api/books', {
      method: 'POST',
      body: stream,
      headers: { 'Content-Type': 'application/json' },
      // @ts-expect-error Node's fetch needs duplex for streamed request bodies
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect((await errorOf(streamed)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('400 INVALID_JSON for a malformed body', async () => {
    const { app } = appWithRoutes();
    const res = await app.request('/api/books', postJson('{"title": "Half'));
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'INVALID_JSON', message: 'The request body is not valid JSON' });
  });

  it('400 VALIDATION_ERROR with the path of each invalid field', async () => {
    const { app } = appWithRoutes();
    const res = await app.request('/api/books', postJson(JSON.stringify({ title: '', price: -1, author: {} })));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details?.target).toBe('json');
    const paths = ((error.details?.issues ?? []) as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).toEqual(['author.name', 'price', 'title']);
  });

  it('passes valid input to the handler', async () => {
    const { app } = appWithRoutes();
    const res = await app.request(
      '/api/books',
      postJson(JSON.stringify({ title: 'Une si longue lettre', price: 1500, author: { name: 'Mariama Bâ' } })),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ title: 'Une si longue lettre' });
  });

  it('ApiError keeps its status, code and details', async () => {
    const { app, captureException } = appWithRoutes();
    const res = await app.request('/api/conflict');
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({
      code: 'CONFLICT',
      message: 'Already in your library',
      details: { bookId: 'b1' },
    });
    expect(captureException).not.toHaveBeenCalled();
  });

  it('500 INTERNAL_ERROR: generic message and id for the client; stack in the log and the error tracker under the same id', async () => {
    const { app, logs, captureException } = appWithRoutes();
    const res = await app.request('/api/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/secret_table|select|stack|at /i);
    const error = (JSON.parse(text) as { error: { code: string; message: string; id: string } }).error;
    expect(error).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred',
      id: expect.stringMatching(ID_FORMAT),
    });
    expect(res.headers.get('X-Request-Id')).toBe(error.id);

    const logged = logs.lines.find((line) => line.msg === 'request failed');
    expect(logged).toMatchObject({
      level: 'error',
      errorId: error.id,
      requestId: error.id,
      status: 500,
      path: '/api/boom',
    });
    expect((logged?.err as { stack?: string } | undefined)?.stack).toMatch(/secret_table[\s\S]*at /);

    expect(captureException).toHaveBeenCalledTimes(1);
    const [captured, context] = captureException.mock.calls[0] as [Error, { errorId: string }];
    expect(captured.message).toMatch(/secret_table/);
    expect(context).toMatchObject({ errorId: error.id, requestId: error.id, method: 'GET', path: '/api/boom' });
  });

  it('504 TIMEOUT when a handler outlives REQUEST_TIMEOUT_MS', async () => {
    const { app } = appWithRoutes({ REQUEST_TIMEOUT_MS: '50' });
    const res = await app.request('/api/slow');
    expect(res.status).toBe(504);
    expect(await errorOf(res)).toMatchObject({ code: 'TIMEOUT', message: 'The request took longer than 50 ms' });
  });
});

describe('database errors caused by the input', () => {
  // Real Postgres errors (node-postgres DatabaseError), raised by the test file's own database.
  const url = TEST_DATABASE_URL;
  const statements: Record<string, [string, unknown[]]> = {
    nul: ['select $1::text', ['a\u0000b']],
    nulJson: ['select $1::jsonb', ['"a\\u0000b"']],
    badUuid: ['select $1::uuid', ['nope']],
    outOfRange: ['select $1::int', ['99999999999']],
    badTimestamp: ['select $1::timestamptz', ['hier soir']],
    badDate: ['select $1::date', ['2026-13-45']],
    divisionByZero: ['select 1 / $1::int', [0]],
    unique: ['insert into public.role_permissions (role, permission) values ($1, $2)', ['admin', 'users:*']],
    missingTable: ['select * from public.no_such_table', []],
  };

  async function appOnDatabase() {
    const pool = createPool(testConfig({ DATABASE_URL: url }));
    const logs = captureLogs();
    const app = createApp({ config: testConfig(), db: pool, logger: logs.logger });
    for (const [name, [text, values]] of Object.entries(statements)) {
      app.get(`/db/${name}`, async (c) => {
        await pool.query(text, values);
        return c.json({ ok: true });
      });
    }
    return { app, pool, logs };
  }

  it('class 22 (NUL in text or jsonb, a bad uuid, out of range, bad dates, division by zero) → 400 VALIDATION_ERROR; 23505 → 409 CONFLICT; others stay 500', async () => {
    const { app, pool, logs } = await appOnDatabase();
    try {
      for (const [name, sqlstate] of [
        ['nul', '22021'],
        ['nulJson', '22P05'],
        ['badUuid', '22P02'],
        ['outOfRange', '22003'],
        ['badTimestamp', '22007'],
        ['badDate', '22008'],
        ['divisionByZero', '22012'],
      ] as const) {
        const res = await app.request(`/api/db/${name}`);
        expect(res.status, name).toBe(400);
        const error = await errorOf(res);
        expect(error).toEqual({
          code: 'VALIDATION_ERROR',
          message: expect.any(String),
          details: { sqlstate },
          id: expect.stringMatching(ID_FORMAT),
        });
      }
      const duplicate = await app.request('/api/db/unique');
      expect(duplicate.status).toBe(409);
      expect(await errorOf(duplicate)).toMatchObject({
        code: 'CONFLICT',
        details: { sqlstate: '23505', constraint: 'role_permissions_pkey' },
      });
      expect(JSON.stringify(await (await app.request('/api/db/unique')).json())).not.toMatch(/insert|users:\*/);
      // Not the client's doing: a missing table is a bug, still 500 with a generic message.
      const bug = await app.request('/api/db/missingTable');
      expect(bug.status).toBe(500);
      expect((await errorOf(bug)).code).toBe('INTERNAL_ERROR');
      expect(logs.lines.filter((line) => line.msg === 'database refused the input').length).toBeGreaterThanOrEqual(5);
    } finally {
      await pool.end();
    }
  });

  it('maps a check violation (23514) to 400', () => {
    const error = Object.assign(new Error('new row violates check constraint'), {
      code: '23514',
      severity: 'ERROR',
      constraint: 'profiles_avatar_path_format',
    });
    expect(databaseInputError(error)).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: expect.any(String),
      details: { sqlstate: '23514', constraint: 'profiles_avatar_path_format' },
    });
    expect(databaseInputError(Object.assign(new Error('x'), { code: '08006', severity: 'FATAL' }))).toBeUndefined();
    expect(databaseInputError(Object.assign(new Error('x'), { code: '22021' }))).toBeUndefined();
  });
});
