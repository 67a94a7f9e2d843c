import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { initSentry } from '../../src/observability/sentry-node.ts';
import { captureLogs, type Envelope, errorOf, eventsIn, fakeDb, fakeSentryTransport, testConfig } from './helpers.ts';

const envelopes: Envelope[] = [];
const sentry = await initSentry({
  dsn: 'https://public@o0.ingest.sentry.io/1',
  environment: 'test',
  transport: fakeSentryTransport(envelopes),
});

describe('Sentry (Node)', () => {
  afterAll(() => sentry.close());

  it('a thrown error becomes one event tagged with the error id that the 500 response and the log line carry', async () => {
    const logs = captureLogs();
    const app = createApp({
      config: testConfig(),
      db: fakeDb(),
      logger: logs.logger,
      captureException: sentry.captureException,
    });
    app.get('/boom', () => {
      throw new TypeError('cannot read the shelf');
    });
    app.get('/fine', (c) => c.text('ok'));

    await app.request('/api/fine');
    const res = await app.request('/api/boom');
    expect(res.status).toBe(500);
    const { id } = await errorOf(res);
    await sentry.flush(2000);

    const events = eventsIn(envelopes);
    expect(events).toHaveLength(1);
    expect(events[0]?.tags).toMatchObject({ error_id: id, request_id: id });
    expect(events[0]?.exception?.values?.[0]).toMatchObject({ type: 'TypeError', value: 'cannot read the shelf' });
    expect(events[0]?.contexts?.request).toMatchObject({ method: 'GET', path: '/api/boom', status: 500 });

    const logged = logs.lines.filter((line) => line.level === 'error' && line.msg === 'request failed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ errorId: id, requestId: id });
  });
});
