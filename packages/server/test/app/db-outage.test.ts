// A database outage inside a route is a 503 SERVICE_UNAVAILABLE in the one error format, never a 500.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { isDatabaseUnavailable } from '../../src/db/errors.ts';
import { createPool } from '../../src/db/index.ts';
import { captureLogs, closedPort, fakeDb, testConfig } from './helpers.ts';

const secretKey = `sk_${'A'.repeat(16)}_${'b'.repeat(32)}`;

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

function sessionRequest() {
  return {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ externalUserId: 'reader-1' }),
  };
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['ECONNREFUSED', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['ECONNRESET', withCode('read ECONNRESET', 'ECONNRESET')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['connection terminated mid-query', new Error('Connection terminated unexpectedly')],
    ['connection timeout', new Error('Connection terminated due to connection timeout')],
    ['broken client reused', new Error('Client has encountered a connection error and is not queryable')],
    ['SQLSTATE 08006', withCode('connection failure', '08006')],
    ['SQLSTATE 08001', withCode('could not connect', '08001')],
    ['SQLSTATE 57P01 admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['SQLSTATE 57P02 crash shutdown', withCode('terminating connection because of crash of another process', '57P02')],
    ['SQLSTATE 57P03 cannot connect now', withCode('the database system is starting up', '57P03')],
    ['SQLSTATE 53300 too many connections', withCode('sorry, too many clients already', '53300')],
    [
      'AggregateError of ECONNREFUSED (localhost on IPv4 and IPv6)',
      Object.assign(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]), {
        code: 'ECONNREFUSED',
      }),
    ],
    ['wrapped in a cause', new Error('query failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') })],
  ])('%s → unavailable', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a syntax error', withCode('syntax error at or near "x"', '42601')],
    ['a unique violation', withCode('duplicate key', '23505')],
    ['a statement timeout (504, not 503)', withCode('canceling statement due to statement timeout', '57014')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
  ])('%s → not unavailable', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('a route whose database is down', () => {
  it('503 SERVICE_UNAVAILABLE with Retry-After when the pool cannot connect (nothing listens)', async () => {
    const port = await closedPort();
    const pool = createPool(
      testConfig({ DATABASE_URL: `postgres://coko:pw@127.0.0.1:${port}/coko`, DB_CONNECT_TIMEOUT_MS: '500' }),
    );
    const logs = captureLogs();
    const captured: unknown[] = [];
    const app = createApp({
      config: testConfig(),
      db: pool,
      logger: logs.logger,
      captureException: (error) => captured.push(error),
    });
    try {
      const res = await app.request('/api/v1/sessions', sessionRequest());
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect(body).toEqual({
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'The database is unavailable; retry shortly',
          id: res.headers.get('x-request-id'),
        },
      });
      expect(JSON.stringify(body)).not.toContain('pw@');
      expect(JSON.stringify(body)).not.toContain(String(port));
      // Logged and reported with the id the client sees.
      expect(logs.lines.find((line) => line.msg === 'request failed')).toMatchObject({ status: 503 });
      expect(captured).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });

  it.each([
    ['connection terminated mid-query', new Error('Connection terminated unexpectedly')],
    ['admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
  ])('503 when the query fails with %s', async (_, error) => {
    const app = createApp({ config: testConfig(), db: fakeDb({ fail: error }), logger: captureLogs().logger });
    const res = await app.request('/api/v1/sessions', sessionRequest());
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('a query bug stays a 500 INTERNAL_ERROR', async () => {
    const app = createApp({
      config: testConfig(),
      db: fakeDb({ fail: withCode('column "x" does not exist', '42703') }),
      logger: captureLogs().logger,
    });
    const res = await app.request('/api/v1/sessions', sessionRequest());
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INTERNAL_ERROR');
  });
});
