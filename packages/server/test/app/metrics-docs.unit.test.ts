import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { captureLogs, fakeDb, testConfig } from './helpers.ts';

function build(overrides: Record<string, string> = {}) {
  const app = createApp({
    config: testConfig(overrides),
    db: fakeDb(),
    logger: captureLogs().logger,
    version: '1.2.3',
  });
  app.get('/books/:id', (c) => c.json({ id: c.req.param('id') }));
  app.get('/explode', () => {
    throw new Error('kaboom');
  });
  return app;
}

describe('GET /api/metrics', () => {
  it('exposes Prometheus text: counters by method, route pattern and status, a histogram, errors, uptime', async () => {
    const app = build();
    await app.request('/api/books/1');
    await app.request('/api/books/2');
    await app.request('/api/explode');
    await app.request('/api/missing');
    const res = await app.request('/api/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const lines = text.trimEnd().split('\n');

    expect(lines).toContain('# TYPE coko_http_requests_total counter');
    expect(lines).toContain('coko_http_requests_total{method="GET",route="/api/books/:id",status="200"} 2');
    expect(lines).toContain('coko_http_requests_total{method="GET",route="/api/explode",status="500"} 1');
    expect(lines).toContain('coko_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(lines).toContain('# TYPE coko_http_request_duration_seconds histogram');
    expect(lines).toContain(
      'coko_http_request_duration_seconds_bucket{method="GET",route="/api/books/:id",status="200",le="+Inf"} 2',
    );
    expect(lines).toContain(
      'coko_http_request_duration_seconds_count{method="GET",route="/api/books/:id",status="200"} 2',
    );
    expect(lines).toContain('# TYPE coko_http_errors_total counter');
    expect(lines).toContain('coko_http_errors_total{method="GET",route="/api/explode",status="500"} 1');
    expect(lines).toContain('coko_http_requests_in_flight 1');
    expect(text).toMatch(/^# TYPE coko_process_uptime_seconds gauge\ncoko_process_uptime_seconds \d+(\.\d+)?$/m);

    // Every sample line is `name{labels} value` or `name value` (exposition format 0.0.4).
    for (const line of lines.filter((l) => !l.startsWith('#'))) {
      expect(line).toMatch(
        /^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+$|^[a-z_]+\{.*le="\+Inf"\} \d+$/,
      );
    }
  });

  it('histogram buckets are cumulative', () => {
    let clock = 0;
    const metrics = createMetrics({ now: () => clock, buckets: [0.1, 1] });
    for (const durationMs of [50, 500, 5000]) {
      metrics.requestStarted();
      metrics.requestFinished({ method: 'GET', route: '/api/x', status: 200, durationMs });
    }
    clock = 2500;
    const text = metrics.render();
    expect(text).toContain(
      'coko_http_request_duration_seconds_bucket{method="GET",route="/api/x",status="200",le="0.1"} 1',
    );
    expect(text).toContain(
      'coko_http_request_duration_seconds_bucket{method="GET",route="/api/x",status="200",le="1"} 2',
    );
    expect(text).toContain(
      'coko_http_request_duration_seconds_bucket{method="GET",route="/api/x",status="200",le="+Inf"} 3',
    );
    expect(text).toContain('coko_http_request_duration_seconds_sum{method="GET",route="/api/x",status="200"} 5.55');
    expect(text).toContain('coko_process_uptime_seconds 2.5');
    expect(metrics.snapshot()).toEqual({ uptimeSeconds: 2.5, total: 3, errors: 0, errorRate: 0, inFlight: 0 });
  });

  it('escapes label values', () => {
    const metrics = createMetrics();
    metrics.requestFinished({ method: 'GET', route: 'a"b\\c\nd', status: 200, durationMs: 1 });
    expect(metrics.render()).toContain('coko_http_requests_total{method="GET",route="a\\"b\\\\c\\nd",status="200"} 1');
  });
});

describe('documentation', () => {
  it('GET /api/openapi.json is an OpenAPI 3.1 document of the routes under /api', async () => {
    const res = await build({ COKO_PUBLIC_URL: 'https://coko.example.com' }).request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      info: { version: string };
      servers: { url: string }[];
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('1.2.3');
    expect(doc.servers).toEqual([{ url: 'https://coko.example.com/functions/v1', description: 'This project' }]);
    expect(
      Object.keys(doc.paths)
        .filter((path) => path.startsWith('/api'))
        .sort(),
    ).toEqual([
      '/api',
      '/api/.well-known/jwks.json',
      '/api/dev/outbox',
      '/api/health',
      '/api/metrics',
      '/api/ready',
      '/api/reference',
      '/api/v1/admin/authors',
      '/api/v1/admin/authors/{id}',
      '/api/v1/admin/books',
      '/api/v1/admin/books/{id}',
      '/api/v1/admin/books/{id}/publish',
      '/api/v1/admin/books/{id}/unpublish',
      '/api/v1/admin/categories',
      '/api/v1/admin/categories/{id}',
      '/api/v1/admin/orders/{id}/refund',
      '/api/v1/admin/publishers',
      '/api/v1/admin/publishers/{id}',
      '/api/v1/admin/uploads',
      '/api/v1/admin/uploads/{id}',
      '/api/v1/books/{id}/access',
      '/api/v1/books/{id}/epub/{token}/{path}',
      '/api/v1/books/{id}/manifest.json',
      '/api/v1/books/{id}/notes.md',
      '/api/v1/books/{id}/notes.pdf',
      '/api/v1/checkout',
      '/api/v1/entitlements',
      '/api/v1/files/{bucket}/{path}',
      '/api/v1/me',
      '/api/v1/me/export',
      '/api/v1/notifications/unsubscribe',
      '/api/v1/orders',
      '/api/v1/orders/{id}',
      '/api/v1/partner/moderation-actions',
      '/api/v1/partner/orders',
      '/api/v1/plans',
      '/api/v1/receipts',
      '/api/v1/receipts/{id}',
      '/api/v1/receipts/{id}/receipt.md',
      '/api/v1/receipts/{id}/receipt.pdf',
      '/api/v1/sandbox/checkout/{orderId}',
      '/api/v1/sessions',
      '/api/v1/share/{code}',
      '/api/v1/webhooks/{provider}',
    ]);
    expect(Object.keys(doc.paths['/api/health']?.get?.responses ?? {})).toEqual(['200', '500', '503']);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Error', 'Health', 'Readiness', 'Check']),
    );
  });

  it('GET /api/reference is an HTML page that loads the document', async () => {
    const res = await build().request('/api/reference');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    // Relative, so it resolves to /api/openapi.json here and /functions/v1/api/openapi.json behind the gateway.
    expect(html).toContain('data-url="./openapi.json"');
    expect(new URL('./openapi.json', 'http://localhost/api/reference').pathname).toBe('/api/openapi.json');
    expect(html).toContain('<script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference');
    expect(res.headers.get('Content-Security-Policy')).toContain('script-src');
  });

  it('GET /api names the API, its version and links', async () => {
    const local = (await (await build().request('/api')).json()) as Record<string, unknown>;
    expect(local).toEqual({
      name: 'coko-api',
      version: '1.2.3',
      links: {
        health: '/api/health',
        ready: '/api/ready',
        metrics: '/api/metrics',
        openapi: '/api/openapi.json',
        reference: '/api/reference',
      },
    });
    const hosted = (await (await build({ COKO_PUBLIC_URL: 'https://coko.example.com' }).request('/api')).json()) as {
      links: { health: string };
    };
    expect(hosted.links.health).toBe('https://coko.example.com/functions/v1/api/health');
  });
});

describe('GET /api/metrics access', () => {
  const token = 'scrape-token-0123456789';

  it('with METRICS_TOKEN set, requires it as a bearer token', async () => {
    const app = build({ METRICS_TOKEN: token });
    const missing = await app.request('/api/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await missing.json()).error.code).toBe('AUTHENTICATION_ERROR');
    const wrong = await app.request('/api/metrics', { headers: { authorization: 'Bearer scrape-token-0123456788' } });
    expect(wrong.status).toBe(401);
    const right = await app.request('/api/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('coko_http_requests_total');
  });

  it('is closed in production without METRICS_TOKEN', async () => {
    const production = {
      COKO_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db.example.com:5432/coko',
      COKO_JWT_SECRET: 'x'.repeat(40),
      COKO_PUBLIC_URL: 'https://coko.example.com',
    };
    const closed = await build(production).request('/api/metrics');
    expect(closed.status).toBe(403);
    expect((await closed.json()).error.code).toBe('PERMISSION_DENIED');
    const open = await build({ ...production, METRICS_TOKEN: token }).request('/api/metrics', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(open.status).toBe(200);
  });

  it('rejects a short METRICS_TOKEN at startup, naming it', () => {
    expect(() => testConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
  });
});
