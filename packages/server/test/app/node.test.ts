import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiFactory } from '../../src/app/api-factory.ts';
import { installShutdownHandlers, StartupError, startApiServer } from '../../src/app/node.ts';
import {
  captureLogs,
  closedPort,
  type Envelope,
  eventsIn,
  fakeSentryTransport,
  TEST_DATABASE_URL,
  testConfig,
} from './helpers.ts';

describe('startApiServer: startup checks', () => {
  it('fails with a clear message when the database is unreachable, without printing the password', async () => {
    const port = await closedPort();
    const config = testConfig({
      DATABASE_URL: `postgres://api:hunter2@127.0.0.1:${port}/coko`,
      DB_CONNECT_TIMEOUT_MS: '500',
    });
    const error = await startApiServer({ config, port: 0, logger: captureLogs().logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot reach the database at 127\\.0\\.0\\.1:${port}/coko: .*ECONNREFUSED`),
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('fails when DATABASE_URL is not set', async () => {
    await expect(startApiServer({ config: testConfig(), port: 0 })).rejects.toThrow('DATABASE_URL is not set');
  });
});

describe('installShutdownHandlers', () => {
  it('closes gracefully on SIGTERM, then exits 0', async () => {
    const close = vi.fn(async () => {});
    const exit = vi.fn();
    const remove = installShutdownHandlers({ close }, { signals: ['SIGTERM'], exit });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
      expect(close).toHaveBeenCalledTimes(1);
    } finally {
      remove();
    }
  });
});

describe.skipIf(!TEST_DATABASE_URL)('startApiServer against the test database', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('serves over HTTP, reports to Sentry, and shuts down gracefully', async () => {
    const envelopes: Envelope[] = [];
    const logs = captureLogs();
    const api = await startApiServer({
      config: testConfig({
        DATABASE_URL: TEST_DATABASE_URL,
        SENTRY_DSN: 'https://public@o0.ingest.sentry.io/1',
        METRICS_TOKEN: 'node-test-metrics-token-0123456789',
      }),
      port: 0,
      hostname: '127.0.0.1',
      logger: logs.logger,
      sentry: { transport: fakeSentryTransport(envelopes) },
    });
    cleanups.push(api.close);
    let release: () => void = () => {};
    api.app.get('/slow', async (c) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return c.text('finished');
    });
    api.app.get('/boom', () => {
      throw new Error('kaboom');
    });

    const health = await fetch(`${api.url}/api/health`, {
      headers: { authorization: 'Bearer node-test-metrics-token-0123456789' },
    });
    expect(health.status).toBe(200);
    expect(((await health.json()) as { checks: { database: { status: string } } }).checks.database.status).toBe('ok');

    const boom = await fetch(`${api.url}/api/boom`);
    const { error } = (await boom.json()) as { error: { id: string } };
    await api.sentry?.flush(2000);
    expect(eventsIn(envelopes).map((event) => event.tags?.error_id)).toEqual([error.id]);

    const inFlight = fetch(`${api.url}/api/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const closing = api.close();
    await new Promise((r) => setTimeout(r, 50));
    release();
    const slow = await inFlight;
    expect(slow.status).toBe(200);
    expect(await slow.text()).toBe('finished');
    await closing;
    expect(Date.now() - started).toBeLessThan(2000);
    expect((api.pool as unknown as { ended: boolean }).ended).toBe(true);
    await expect(fetch(`${api.url}/api/health`)).rejects.toThrow();
    expect(logs.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['api shutting down', 'api stopped']));
  });

  it('refuses to start when a required extension is missing', async () => {
    const config = testConfig({ DATABASE_URL: TEST_DATABASE_URL });
    const error = await startApiServer({
      config,
      port: 0,
      requiredExtensions: ['pgcrypto', 'no_such_extension'],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toContain('lacks required extension(s): no_such_extension');
  });

  it('createApiFactory builds the API the local stack serves', async () => {
    const api = await createApiFactory({ env: 'test', environment: {}, logger: captureLogs().logger })({
      databaseUrl: TEST_DATABASE_URL as string,
      postgrestUrl: `http://127.0.0.1:${await closedPort()}`,
      publicUrl: 'http://127.0.0.1:54321',
      keys: { jwtSecret: 'x'.repeat(48) },
    });
    cleanups.push(api.close);
    const res = await api.fetch(new Request('http://127.0.0.1:54321/api'));
    expect(((await res.json()) as { links: { health: string } }).links.health).toBe(
      'http://127.0.0.1:54321/functions/v1/api/health',
    );
    const ready = (await (await api.fetch(new Request('http://127.0.0.1:54321/api/ready'))).json()) as {
      checks: Record<string, { status: string }>;
    };
    expect(ready.checks.database?.status).toBe('ok');
    expect(ready.checks.postgrest?.status).toBe('error');
  });
});
