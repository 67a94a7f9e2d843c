import { createServer, type Server } from 'node:http';
import { SignJWT } from 'jose';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { findMigrationsDir, readMigrationVersions } from '../../src/app/node.ts';
import { createPool, type Queryable } from '../../src/db/index.ts';
import { captureLogs, closedPort, fakeDb, TEST_DATABASE_URL, testConfig } from './helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted with toEqual/toMatchObject
type Body = Record<string, any>;

const METRICS_TOKEN = 'health-scrape-token-0123456789';
const JWT_SECRET = 'health-test-jwt-secret-0123456789abcdef';
/** The operator's view of /health (the metrics token as a bearer token). */
const operator = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };

function build(db: Queryable = fakeDb(), extra: Partial<Parameters<typeof createApp>[0]> = {}) {
  const config = testConfig({ METRICS_TOKEN, COKO_JWT_SECRET: JWT_SECRET });
  return createApp({ config, db, logger: captureLogs().logger, ...extra });
}

function serviceToken(role: string, secret = JWT_SECRET): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret));
}

describe('GET /api/health', () => {
  it('200 ok with database latency, uptime and request counts', async () => {
    let clock = 1_000;
    const app = build(fakeDb(), { now: () => clock });
    clock += 5;
    await app.request('/api/nope');
    const res = await app.request('/api/health', operator);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const body = (await res.json()) as Body;
    expect(body).toEqual({
      status: 'ok',
      uptimeSeconds: expect.any(Number),
      checks: { database: { status: 'ok', latencyMs: expect.any(Number) } },
      requests: { total: 1, errors: 0, errorRate: 0 },
    });
  });

  it('503 degraded when the database refuses connections (pool on a closed port)', async () => {
    const port = await closedPort();
    const pool = createPool(
      testConfig({ DATABASE_URL: `postgres://coko:pw@127.0.0.1:${port}/coko`, DB_CONNECT_TIMEOUT_MS: '500' }),
    );
    try {
      const res = await build(pool).request('/api/health', operator);
      expect(res.status).toBe(503);
      const body = (await res.json()) as Body;
      expect(body.status).toBe('degraded');
      expect(body.checks.database).toEqual({
        status: 'error',
        latencyMs: expect.any(Number),
        reason: 'connection failed (ECONNREFUSED)',
      });
      expect(JSON.stringify(body)).not.toContain('pw@');
    } finally {
      await pool.end();
    }
  });

  it('503 degraded when the database hangs past the ping timeout', async () => {
    const res = await build(fakeDb({ hang: true })).request('/api/health', operator);
    expect(res.status).toBe(503);
    expect(((await res.json()) as Body).checks.database.reason).toBe('database ping timed out after 1000 ms');
  });

  it('counts 5xx responses as errors', async () => {
    const app = build();
    app.get('/explode', () => {
      throw new Error('kaboom');
    });
    await app.request('/api/explode');
    await app.request('/api/explode');
    await app.request('/api');
    const body = (await (await app.request('/api/health', operator)).json()) as Body;
    expect(body.requests).toEqual({ total: 3, errors: 2, errorRate: 0.6667 });
  });
});

describe('GET /api/health: who sees the figures', () => {
  it('anonymous callers, wrong tokens and user tokens get the status only', async () => {
    const app = build();
    await app.request('/api/nope');
    const userToken = await new SignJWT({ role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('00000000-0000-4000-8000-000000000001')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    for (const authorization of [
      undefined,
      'Bearer health-scrape-token-0123456788',
      `Bearer ${userToken}`,
      `Bearer ${await serviceToken('service_role', 'another-secret-0123456789abcdefghijkl')}`,
      METRICS_TOKEN,
    ]) {
      const res = await app.request('/api/health', authorization ? { headers: { authorization } } : {});
      expect(res.status, authorization).toBe(200);
      expect(await res.json(), authorization).toEqual({ status: 'ok' });
    }
  });

  it('the metrics token and service_role tokens see uptime, checks and request counts', async () => {
    const app = build();
    await app.request('/api/nope');
    for (const authorization of [`Bearer ${METRICS_TOKEN}`, `Bearer ${await serviceToken('service_role')}`]) {
      const body = (await (await app.request('/api/health', { headers: { authorization } })).json()) as Body;
      expect(body).toMatchObject({
        status: 'ok',
        uptimeSeconds: expect.any(Number),
        checks: { database: { status: 'ok' } },
        requests: { total: expect.any(Number), errors: 0 },
      });
    }
  });

  it('a degraded database shows as 503 with the status only to anonymous callers', async () => {
    const res = await build(fakeDb({ hang: true })).request('/api/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'degraded' });
  });
});

describe('GET /api/ready', () => {
  let postgrest: Server;
  let postgrestUrl: string;
  beforeAll(async () => {
    postgrest = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/openapi+json' }).end('{}'));
    await new Promise<void>((resolveListen) => postgrest.listen(0, '127.0.0.1', resolveListen));
    const address = postgrest.address();
    postgrestUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolveClose) => postgrest.close(() => resolveClose())));

  it('200 ready when migrations are recorded and PostgREST answers', async () => {
    const res = await build(fakeDb({ migrations: ['20250101000000', '20250102000000'] }), {
      postgrestUrl,
      expectedMigrations: ['20250101000000'],
    }).request('/api/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: {
        database: { status: 'ok', latencyMs: expect.any(Number) },
        migrations: { status: 'ok', latencyMs: expect.any(Number), applied: 2, latest: '20250102000000' },
        postgrest: { status: 'ok', latencyMs: expect.any(Number) },
        queue: {
          status: 'skipped',
          latencyMs: expect.any(Number),
          reason: 'the job queue schema (pgboss) does not exist: start `coko worker` once',
        },
        // Each payment provider says whether it is on, and why not; one that is off is not an outage.
        payments: {
          status: 'ok',
          providers: {
            sandbox: 'on',
            wave: 'off: WAVE_API_KEY, WAVE_WEBHOOK_SECRET not set',
            orange_money: 'off: ORANGE_MONEY_CLIENT_ID, ORANGE_MONEY_CLIENT_SECRET, ORANGE_MONEY_MERCHANT_KEY not set',
            stripe: 'off: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET not set',
            paypal: 'off: PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET, PAYPAL_WEBHOOK_ID not set',
          },
        },
        // Each notification channel names its adapter (local outside production) or why it is off.
        notifications: {
          status: 'ok',
          channels: { email: 'on: local (in memory)', push: 'on: local (in memory)', sms: 'on: local (in memory)' },
        },
      },
    });
  });

  it('503 when supabase_migrations.schema_migrations is missing', async () => {
    const res = await build(fakeDb({ migrations: null })).request('/api/ready');
    expect(res.status).toBe(503);
    const body = (await res.json()) as Body;
    expect(body.status).toBe('not_ready');
    expect(body.checks.migrations).toEqual({
      status: 'error',
      reason: 'supabase_migrations.schema_migrations does not exist',
    });
    expect(body.checks.postgrest).toEqual({ status: 'skipped', reason: 'POSTGREST_URL not set' });
  });

  it('503 when no migration ran, or an expected one is missing', async () => {
    const empty = (await (await build(fakeDb({ migrations: [] })).request('/api/ready')).json()) as Body;
    expect(empty.checks.migrations).toMatchObject({ status: 'error', reason: 'no migrations applied' });
    const res = await build(fakeDb({ migrations: ['20250101000000'] }), {
      expectedMigrations: ['20250101000000', '20250301000000'],
    }).request('/api/ready');
    expect(res.status).toBe(503);
    expect(((await res.json()) as Body).checks.migrations).toMatchObject({
      status: 'error',
      missing: ['20250301000000'],
      reason: expect.stringContaining('1 migration(s) not applied, up to 20250301000000'),
    });
  });

  it('503 when PostgREST is unreachable', async () => {
    const res = await build(fakeDb(), { postgrestUrl: `http://127.0.0.1:${await closedPort()}` }).request('/api/ready');
    expect(res.status).toBe(503);
    expect(((await res.json()) as Body).checks.postgrest).toMatchObject({ status: 'error', reason: 'unreachable' });
  });

  it('runs extra readiness checks (the job queue, …)', async () => {
    const res = await build(fakeDb(), {
      readinessChecks: { queue: async () => ({ status: 'error', reason: 'pg-boss not started' }) },
    }).request('/api/ready');
    expect(res.status).toBe(503);
    expect(((await res.json()) as Body).checks.queue).toEqual({ status: 'error', reason: 'pg-boss not started' });
  });
});

describe.skipIf(!TEST_DATABASE_URL)('health and readiness against the migrated test database', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = createPool(testConfig({ DATABASE_URL: TEST_DATABASE_URL }));
  });
  afterAll(() => pool.end());

  it('health is ok', async () => {
    const res = await build(pool).request('/api/health', operator);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Body).checks.database.status).toBe('ok');
  });

  it('ready: every migration in supabase/migrations is recorded', async () => {
    const dir = findMigrationsDir();
    const expected = dir ? readMigrationVersions(dir) : [];
    const res = await build(pool, { expectedMigrations: expected }).request('/api/ready');
    const body = (await res.json()) as Body;
    expect(body.checks.database.status).toBe('ok');
    expect(body.checks.migrations).toMatchObject({ status: 'ok', applied: expect.any(Number) });
    expect(res.status).toBe(200);
  });

  it('ready: 503 naming a migration the database lacks', async () => {
    const res = await build(pool, { expectedMigrations: ['29991231235959'] }).request('/api/ready');
    expect(res.status).toBe(503);
    expect(((await res.json()) as Body).checks.migrations).toMatchObject({
      status: 'error',
      missing: ['29991231235959'],
    });
  });

  it('the pool applies statement_timeout and application_name', async () => {
    const tuned = createPool(testConfig({ DATABASE_URL: TEST_DATABASE_URL, DB_STATEMENT_TIMEOUT_MS: '1234' }));
    try {
      const { rows } = await tuned.query<{ timeout: string; app: string }>(
        "select current_setting('statement_timeout') as timeout, current_setting('application_name') as app",
      );
      expect(rows[0]).toEqual({ timeout: '1234ms', app: 'coko-api' });
      await expect(tuned.query('select pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await tuned.end();
    }
  });
});
