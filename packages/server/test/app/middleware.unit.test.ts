import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { captureLogs, fakeDb, testConfig } from './helpers.ts';

function build(overrides: Record<string, string> = {}, now?: () => number) {
  const logs = captureLogs();
  const app = createApp({ config: testConfig(overrides), db: fakeDb(), logger: logs.logger, now });
  return { app, logs };
}

describe('request id', () => {
  it('generates a UUID when the request has none', async () => {
    const { app } = build();
    const res = await app.request('/api');
    expect(res.headers.get('X-Request-Id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('propagates a well-formed incoming id to the response and the log line', async () => {
    const { app, logs } = build();
    const res = await app.request('/api', { headers: { 'X-Request-Id': 'partner-req_0042:retry.1' } });
    expect(res.headers.get('X-Request-Id')).toBe('partner-req_0042:retry.1');
    expect(logs.lines.find((line) => line.msg === 'request')?.requestId).toBe('partner-req_0042:retry.1');
  });

  it('replaces a malformed incoming id (header injection, oversize)', async () => {
    const { app } = build();
    for (const bad of ['short', 'x'.repeat(200), 'has space in it', '<script>alert(1)</script>']) {
      const res = await app.request('/api', { headers: { 'X-Request-Id': bad } });
      expect(res.headers.get('X-Request-Id')).not.toBe(bad);
      expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('access log', () => {
  it('writes one JSON line per request with time, level, requestId, method, path, status, durationMs', async () => {
    const { app, logs } = build();
    await app.request('/api/nope?token=abc', {
      headers: { Authorization: 'Bearer super-secret-jwt', apikey: 'sb_secret_shhh', 'X-Request-Id': 'log-test-0001' },
    });
    const requestLines = logs.lines.filter((line) => line.msg === 'request');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      level: 'info',
      requestId: 'log-test-0001',
      method: 'GET',
      path: '/api/nope',
      status: 404,
      durationMs: expect.any(Number),
    });
    expect(new Date(requestLines[0]?.time as string).toISOString()).toBe(requestLines[0]?.time);
    const all = logs.raw.join('\n');
    expect(all).not.toMatch(/super-secret-jwt|sb_secret_shhh|token=abc/);
  });

  it('warns about requests slower than 1 s', async () => {
    let clock = 0;
    const { app, logs } = build({}, () => clock);
    app.get('/sloth', (c) => {
      clock += 1500;
      return c.text('done');
    });
    await app.request('/api/sloth');
    expect(logs.lines.find((line) => line.path === '/api/sloth')).toMatchObject({
      level: 'warn',
      msg: 'slow request',
      slow: true,
      durationMs: 1500,
      thresholdMs: 1000,
    });
  });

  it('logs successful probes at debug level only', async () => {
    const { app, logs } = build();
    await app.request('/api/health');
    expect(logs.lines.find((line) => line.path === '/api/health')).toMatchObject({ level: 'debug', status: 200 });
  });
});

describe('security headers', () => {
  it('are set on every response, errors included', async () => {
    const { app } = build();
    for (const path of ['/api', '/api/nope']) {
      const res = await app.request(path);
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(res.headers.get('X-Frame-Options')).toBe('DENY');
      expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('Strict-Transport-Security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('Content-Security-Policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('X-Powered-By')).toBeNull();
    }
  });
});

describe('CORS', () => {
  const preflight = (origin: string) => ({
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type',
    },
  });

  it('answers a preflight from an allowed origin', async () => {
    const { app } = build();
    const res = await app.request('/api/books', preflight('https://reader.example.com'));
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://reader.example.com');
    expect(res.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('apikey');
    expect(res.headers.get('Access-Control-Max-Age')).toBe('600');
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
  });

  it('does not allow other origins', async () => {
    const { app } = build();
    const res = await app.request('/api/books', preflight('https://evil.example.net'));
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const simple = await app.request('/api', { headers: { Origin: 'https://evil.example.net' } });
    expect(simple.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(simple.headers.get('Vary')).toContain('Origin');
  });

  it('exposes X-Request-Id to browsers, on errors too', async () => {
    const { app } = build();
    const res = await app.request('/api/nope', { headers: { Origin: 'https://reader.example.com' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://reader.example.com');
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('X-Request-Id');
  });

  it("allows any origin with '*' (the development default)", async () => {
    const logs = captureLogs();
    const app = createApp({
      config: testConfig({ COKO_ENV: 'development', CORS_ORIGINS: undefined }),
      db: fakeDb(),
      logger: logs.logger,
    });
    const res = await app.request('/api', { headers: { Origin: 'http://localhost:5173' } });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });
});
