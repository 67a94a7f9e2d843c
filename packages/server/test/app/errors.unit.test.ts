import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApp } from '../../src/app/create-app.ts';
import { captureLogs, errorOf, fakeDb, testConfig } from './helpers.ts';

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
