// The seed's limits counted in Postgres: apps with separate pools on one database (as two API processes
// would be) and the gateway draw from one budget; partners' overrides apply; downloads are limited per hour
// and at once; the store fails safe. Every app here has its own fake clock: nothing depends on timing.

import { type ServerType, serve } from '@hono/node-server';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createGateway } from '../../src/gateway/app.ts';
import { postgrestUpstream } from '../../src/gateway/upstream.ts';
import { ExportRegistry } from '../../src/gdpr/registry.ts';
import { tokenServiceFromConfig } from '../../src/identity/index.ts';
import { limitsFromConfig } from '../../src/limits/from-config.ts';
import { gatewayRateLimit } from '../../src/limits/gateway.ts';
import { PostgresSlotStore } from '../../src/limits/slots.ts';
import { PostgresRateLimitStore } from '../../src/limits/store.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { publicJwks } from '../../src/stack/keys.ts';
import { admin, db, errorOf, externalId, newPartner, stack } from '../identity/helpers.ts';

const pools: pg.Pool[] = [];
afterAll(async () => {
  for (const pool of pools) await pool.end();
});

/** A pool of its own, as another API process would have. */
function ownPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  pools.push(pool);
  return pool;
}

// Fake clocks start at the real time (a whole second): every process of the suite shares the limits'
// tables, and one counting in real time prunes what ended an hour before its clock.
const START = Math.ceil(Date.now() / 1000) * 1000;
const logger = createLogger({ level: 'silent' });

/** An API app on its own pool with `RATE_LIMITS`, a fake clock and optional exporters. */
function apiInstance(rateLimits: string, options: { clock: { now: number }; exporters?: ExportRegistry }) {
  const config = loadConfig({
    COKO_ENV: 'test',
    LOG_LEVEL: 'silent',
    COKO_JWT_SECRET: 'r'.repeat(40),
    RATE_LIMITS: rateLimits,
  });
  const pool = ownPool();
  const tokens = tokenServiceFromConfig(config);
  const limits = limitsFromConfig(config, { db: pool, tokens, logger, now: () => options.clock.now });
  if (!limits) throw new Error('limits are off');
  const app = createApp({ config, db: pool, logger, tokens, limits, exporters: options.exporters });
  return { app, limits, pool };
}

/** A partner user's access token, minted through `app` (secret-key calls are not in the general budget). */
async function readerToken(app: ReturnType<typeof apiInstance>['app'], secretKey: string): Promise<string> {
  const res = await app.request('/api/v1/sessions', {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ externalUserId: externalId() }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

const unique = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}-${Math.random().toString(36).slice(2, 8)}`;
const rateHeaders = (res: Response) => ({
  limit: res.headers.get('x-ratelimit-limit'),
  remaining: res.headers.get('x-ratelimit-remaining'),
  reset: res.headers.get('x-ratelimit-reset'),
});

describe('one budget shared by every process', () => {
  it('two API instances with separate pools count one anonymous budget per IP; 429 in the error format', async () => {
    const clock = { now: START };
    const [a, b] = [apiInstance('anonymous=4/1h', { clock }), apiInstance('anonymous=4/1h', { clock })];
    const ip = unique();
    const get = (app: typeof a.app) => app.request('/api/v1/me', { headers: { 'x-real-ip': ip } });
    const seen: { status: number; remaining: string | null }[] = [];
    for (const app of [a.app, b.app, a.app, b.app]) {
      const res = await get(app);
      seen.push({ status: res.status, remaining: res.headers.get('x-ratelimit-remaining') });
    }
    // Unauthenticated /v1/me is a 401, counted like any request; the budget is spent across both instances.
    expect(seen.map((s) => s.status)).toEqual([401, 401, 401, 401]);
    expect(seen.map((s) => s.remaining)).toEqual(['3', '2', '1', '0']);
    for (const app of [a.app, b.app]) {
      const over = await get(app);
      expect(over.status).toBe(429);
      expect(rateHeaders(over)).toEqual({
        limit: '4',
        remaining: '0',
        reset: String((START + 3_600_000) / 1000),
      });
      expect(over.headers.get('retry-after')).toBe('3600');
      expect(await errorOf(over)).toMatchObject({
        code: 'RATE_LIMITED',
        details: { limit: 4, windowSeconds: 3600, retryAfterSeconds: 3600 },
      });
    }
    // Another address has its own budget; the window reopens an hour later.
    expect((await a.app.request('/api/v1/me', { headers: { 'x-real-ip': unique() } })).status).toBe(401);
    clock.now += 3_600_000;
    expect((await get(b.app)).headers.get('x-ratelimit-remaining')).toBe('3');
  });

  it('the gateway (over a real socket) counts /rest/v1 in the same bucket as the API', async () => {
    const clock = { now: START };
    const api = apiInstance('anonymous=3/1h', { clock });
    const gateway = createGateway({
      rest: postgrestUpstream({
        url: stack.postgrestUrl,
        anonJwt: stack.anonJwt,
        serviceRoleJwt: stack.serviceRoleJwt,
      }),
      keys: { publishableKey: stack.publishableKey, secretKey: stack.secretKey },
      functions: api.app,
      publicJwks: publicJwks(stack.keys),
      // Another process's store on its own pool: the gateway shares the budget through the database.
      limiter: gatewayRateLimit({ ...api.limits, store: new PostgresRateLimitStore(ownPool()) }),
    });
    const server = await new Promise<ServerType>((resolveListen) => {
      const listening = serve({ fetch: gateway.fetch, port: 0, hostname: '127.0.0.1' }, () => resolveListen(listening));
    });
    try {
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      // The client's own X-Real-IP and X-Forwarded-For are ignored: the socket's address is the bucket.
      const forged = (n: number) => ({ 'x-real-ip': `198.51.100.${n}`, 'x-forwarded-for': `198.51.100.${n}` });
      const rest = (n: number) =>
        fetch(`${base}/rest/v1/books?select=id&limit=1`, { headers: { apikey: stack.publishableKey, ...forged(n) } });
      const first = await rest(1);
      expect(first.status).toBe(200);
      expect(rateHeaders(first)).toMatchObject({ limit: '3', remaining: '2' });
      const viaApi = await fetch(`${base}/functions/v1/api/v1/me`, { headers: forged(2) });
      expect(viaApi.status).toBe(401);
      expect(viaApi.headers.get('x-ratelimit-remaining')).toBe('1');
      expect((await rest(3)).headers.get('x-ratelimit-remaining')).toBe('0');
      const over = await rest(4);
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBe('3600');
      expect(((await over.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      expect((await fetch(`${base}/functions/v1/api/v1/me`, { headers: forged(5) })).status).toBe(429);
      // Browsers can read the limit headers (CORS).
      const cors = await fetch(`${base}/rest/v1/books?select=id&limit=1`, {
        headers: { apikey: stack.publishableKey, origin: 'https://reader.example' },
      });
      expect(cors.status).toBe(429);
      expect(cors.headers.get('access-control-expose-headers')).toContain('x-ratelimit-remaining');
    } finally {
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    }
  });

  it('leases keep the hot path cheap: 200 requests of a 1000/h user cost 10 round trips and one ahead', async () => {
    const store = new PostgresRateLimitStore(ownPool());
    const hit = { bucket: `authenticated:user:${unique()}`, policy: 'authenticated', limit: 1000, windowMs: 3_600_000 };
    for (let i = 0; i < 200; i++) expect((await store.take(hit, START)).allowed).toBe(true);
    // Ten leases of 20, and the eleventh asked for as the 200th request was served.
    expect(store.roundTrips).toBe(11);
    // Another process took the rest of the window meanwhile: ours serves what it leased, then is refused.
    const other = new PostgresRateLimitStore(ownPool(), { leaseSize: () => 1000 });
    expect((await other.take(hit, START)).allowed).toBe(true);
    let allowed = 0;
    for (let i = 0; i < 50; i++) if ((await store.take(hit, START)).allowed) allowed += 1;
    const { rows } = await db.query('select used from private.rate_limit_counters where bucket = $1', [hit.bucket]);
    expect(rows[0].used).toBe(1000);
    expect(allowed).toBeLessThanOrEqual(20);
  });

  it("a lease is renewed ahead: the client's next request does not wait for the database", async () => {
    // The store's round trips go to a real pool, but each waits for the test to let it through.
    const pool = ownPool();
    const held: { release: () => void; done: Promise<unknown> }[] = [];
    const gated = {
      query(text: string, values?: unknown[]) {
        let release = () => {};
        const gate = new Promise<void>((resolveGate) => {
          release = resolveGate;
        });
        const done = gate.then(() => pool.query(text, values));
        held.push({ release, done });
        return done;
      },
    };
    const store = new PostgresRateLimitStore(gated, { pruneEveryMs: Number.MAX_SAFE_INTEGER });
    // 100/h anonymous: leases of 2. (The first round trip also prunes closed windows: let both through.)
    const hit = { bucket: `anonymous:ip:${unique()}`, policy: 'anonymous', limit: 100, windowMs: 3_600_000 };
    const first = store.take(hit, START);
    for (const query of held.splice(0)) query.release();
    expect(await first).toMatchObject({ allowed: true, remaining: 99 });
    // The lease's last request is answered at once; the next lease is asked for meanwhile.
    const tripsBefore = store.roundTrips;
    expect(await store.take(hit, START)).toMatchObject({ allowed: true, remaining: 98 });
    expect(store.roundTrips).toBe(tripsBefore + 1);
    expect(held).toHaveLength(1);
    const [ahead] = held.splice(0);
    ahead?.release();
    await ahead?.done;
    // The third request is served from that lease: no round trip of its own.
    expect(await store.take(hit, START)).toMatchObject({ allowed: true, remaining: 97 });
    expect(store.roundTrips).toBe(tripsBefore + 1);
    expect(held).toHaveLength(0);
    const { rows } = await db.query('select used from private.rate_limit_counters where bucket = $1', [hit.bucket]);
    expect(rows[0].used).toBe(4);
    for (const query of held.splice(0)) query.release();
  });

  it('prunes windows closed an hour before its clock, not those another process may still count in', async () => {
    const pool = ownPool();
    const prunes: Promise<unknown>[] = [];
    const recorded = {
      query(text: string, values?: unknown[]) {
        const done = pool.query(text, values);
        if (text.includes('prune_rate_limits')) prunes.push(done);
        return done;
      },
    };
    const hour = 3_600_000;
    const buckets = {
      old: `anonymous:ip:${unique()}`,
      recent: `anonymous:ip:${unique()}`,
      open: `anonymous:ip:${unique()}`,
    };
    const hit = (bucket: string) => ({ bucket, policy: 'anonymous', limit: 100, windowMs: hour });
    // Windows opened 3 h and 1.5 h ago (closed 2 h and 30 min ago), and one open now.
    await new PostgresRateLimitStore(ownPool()).take(hit(buckets.old), START - 3 * hour);
    await new PostgresRateLimitStore(ownPool()).take(hit(buckets.recent), START - 1.5 * hour);
    await new PostgresRateLimitStore(ownPool()).take(hit(buckets.open), START);
    // A store's first request prunes, in the background.
    await new PostgresRateLimitStore(recorded).take(hit(`anonymous:ip:${unique()}`), START);
    expect(prunes).toHaveLength(1);
    await Promise.all(prunes);
    const { rows } = await db.query('select bucket from private.rate_limit_counters where bucket = any($1)', [
      Object.values(buckets),
    ]);
    expect(rows.map((row: { bucket: string }) => row.bucket).sort()).toEqual([buckets.open, buckets.recent].sort());
  });

  it('small limits stay exact: a lease of one request is not renewed ahead', async () => {
    const store = new PostgresRateLimitStore(ownPool());
    const hit = { bucket: `sessions:ip:${unique()}`, policy: 'sessions', limit: 5, windowMs: 60_000 };
    for (let i = 0; i < 3; i++) expect((await store.take(hit, START)).allowed).toBe(true);
    expect(store.roundTrips).toBe(3);
    const { rows } = await db.query('select used from private.rate_limit_counters where bucket = $1', [hit.bucket]);
    expect(rows[0].used).toBe(3);
  });

  it('a lease asked ahead that fails is asked again by the next request, which fails open', async () => {
    const errors: unknown[] = [];
    const pool = ownPool();
    let failing = false;
    const flaky = {
      query(text: string, values?: unknown[]) {
        if (failing) return Promise.reject(Object.assign(new Error('connection terminated'), { code: '57P01' }));
        return pool.query(text, values);
      },
    };
    const store = new PostgresRateLimitStore(flaky, { onError: (error) => errors.push(error) });
    const hit = { bucket: `anonymous:ip:${unique()}`, policy: 'anonymous', limit: 100, windowMs: 3_600_000 };
    expect((await store.take(hit, START)).allowed).toBe(true);
    failing = true;
    expect((await store.take(hit, START)).allowed).toBe(true);
    const trips = store.roundTrips;
    expect((await store.take(hit, START)).allowed).toBe(true);
    expect(store.roundTrips).toBe(trips + 1);
    expect(errors.filter((error) => (error as { code?: string }).code === '57P01')).toHaveLength(2);
    // Back to normal after the fail-open second: the budget is counted again.
    failing = false;
    expect(await store.take(hit, START + 1_000)).toMatchObject({ allowed: true, remaining: 97 });
  });
});

describe('per-partner overrides (private.partners.rate_limits)', () => {
  it("a partner's sessions override replaces the default; other partners keep it", async () => {
    const clock = { now: START };
    const { app } = apiInstance('sessions=5/1m', { clock });
    const [strict, other] = [await newPartner(), await newPartner()];
    await db.query(`update private.partners set rate_limits = '{"sessions": 2}' where id = $1`, [strict.id]);
    const post = (key: string) =>
      app.request('/api/v1/sessions', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ externalUserId: externalId() }),
      });
    expect((await post(strict.secretKey)).headers.get('x-ratelimit-limit')).toBe('2');
    expect((await post(strict.secretKey)).status).toBe(200);
    expect((await post(strict.secretKey)).status).toBe(429);
    const res = await post(other.secretKey);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('5');
  });

  it("a partner's downloads override applies to its users (app_metadata.partner_id)", async () => {
    const clock = { now: START };
    const { app } = apiInstance('', { clock, exporters: new ExportRegistry() });
    const partner = await newPartner();
    await db.query(`update private.partners set rate_limits = '{"downloads": 1}' where id = $1`, [partner.id]);
    const token = await readerToken(app, partner.secretKey);
    const download = () => app.request('/api/v1/me/export', { headers: { authorization: `Bearer ${token}` } });
    const first = await download();
    expect(first.status).toBe(200);
    expect(rateHeaders(first)).toMatchObject({ limit: '1', remaining: '0' });
    expect((await download()).status).toBe(429);
  });

  it('the column only takes known policies with whole limits', async () => {
    const partner = await newPartner();
    for (const bad of ['[]', '{"sessions": -1}', '{"sessions": 1.5}', '{"sessions": "9"}', '{"everything": 9}']) {
      await expect(
        admin.query('update private.partners set rate_limits = $1::jsonb where id = $2', [bad, partner.id]),
      ).rejects.toMatchObject({ code: '23514' });
    }
    await admin.query('update private.partners set rate_limits = $1::jsonb where id = $2', [
      '{"authenticated": 5000, "downloads_concurrent": 5}',
      partner.id,
    ]);
  });
});

describe('downloads: 10 per hour and 3 at once per reader', () => {
  /** An exporter that holds each export until told to finish (explicit events, no timers). */
  function heldExports() {
    const waiting: (() => void)[] = [];
    const exporters = new ExportRegistry().register({
      name: 'held',
      tables: ['private.partners'],
      export: () => new Promise<unknown>((resolve) => waiting.push(() => resolve({}))),
    });
    const started = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (waiting.length >= count ? resolve() : setImmediate(check));
        check();
      });
    return { exporters, waiting, started };
  }

  it('a fourth concurrent download is refused until one ends, across instances', async () => {
    const clock = { now: START };
    const held = heldExports();
    const a = apiInstance('', { clock, exporters: held.exporters });
    const b = apiInstance('', { clock, exporters: held.exporters });
    const partner = await newPartner();
    const token = await readerToken(a.app, partner.secretKey);
    const download = (app: typeof a.app) =>
      app.request('/api/v1/me/export', { headers: { authorization: `Bearer ${token}` } });
    const running = [download(a.app), download(b.app), download(a.app)];
    await held.started(3);
    const fourth = await download(b.app);
    expect(fourth.status).toBe(429);
    expect(await errorOf(fourth)).toMatchObject({
      code: 'RATE_LIMITED',
      details: { concurrentLimit: 3, inProgress: 3 },
    });
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The first export to start ends; which request that is depends on arrival order, so race them.
    held.waiting.shift()?.();
    const ended = await Promise.race(
      running.map((done, index) => Promise.resolve(done).then((res) => ({ index, res }))),
    );
    expect(ended.res.status).toBe(200);
    const again = download(b.app);
    await held.started(3);
    for (const finish of held.waiting.splice(0)) finish();
    const rest = running.filter((_, index) => index !== ended.index);
    expect((await Promise.all([...rest, again])).map((res) => res.status)).toEqual([200, 200, 200]);
  });

  it('a slot its holder never released frees itself after its lease', async () => {
    const slots = new PostgresSlotStore(ownPool());
    const request = {
      bucket: `downloads_concurrent:user:${unique()}`,
      policy: 'downloads_concurrent',
      limit: 1,
      ttlMs: 60_000,
    };
    expect((await slots.acquire(request, START)).slot).toBeDefined();
    const refused = await slots.acquire(request, START + 59_000);
    expect(refused).toMatchObject({ slot: undefined, held: 1, nextFreeAt: START + 60_000 });
    expect((await slots.acquire(request, START + 60_000)).slot).toBeDefined();
  });

  it('the eleventh download of the hour is refused with Retry-After', async () => {
    const clock = { now: START };
    const { app } = apiInstance('', { clock, exporters: new ExportRegistry() });
    const token = await readerToken(app, (await newPartner()).secretKey);
    const download = () => app.request('/api/v1/me/export', { headers: { authorization: `Bearer ${token}` } });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await download();
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-ratelimit-remaining'));
    }
    expect(remaining.at(-1)).toBe('0');
    expect(remaining[0]).toBe('9');
    clock.now += 600_000;
    const over = await download();
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('3000');
    expect(await errorOf(over)).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 10 } });
  });
});

describe('fail safe', () => {
  const broken = {
    queries: 0,
    async query(text: string): Promise<never> {
      if (text.includes('take_rate_limit')) this.queries += 1;
      throw Object.assign(new Error('connection terminated'), { code: '57P01' });
    },
  };

  it('request budgets fail open for a second, without asking a failing database on every request', async () => {
    const errors: unknown[] = [];
    const store = new PostgresRateLimitStore(broken, { onError: (error) => errors.push(error) });
    const hit = { bucket: 'anonymous:ip:198.51.100.1', policy: 'anonymous', limit: 1, windowMs: 3_600_000 };
    const before = broken.queries;
    for (let i = 0; i < 5; i++) expect((await store.take(hit, START)).allowed).toBe(true);
    expect(broken.queries - before).toBe(1);
    // Reported (the failed lease, and the background prune of closed windows).
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors).toContainEqual(expect.objectContaining({ code: '57P01' }));
    await store.take(hit, START + 1_000);
    expect(broken.queries - before).toBe(2);
  });

  it('download slots fail closed: 503 SERVICE_UNAVAILABLE in the error format, not 500', async () => {
    const clock = { now: START };
    const { app, limits } = apiInstance('', { clock, exporters: new ExportRegistry() });
    const token = await readerToken(app, (await newPartner()).secretKey);
    limits.slots = new PostgresSlotStore(broken);
    const config = loadConfig({ COKO_ENV: 'test', LOG_LEVEL: 'silent', COKO_JWT_SECRET: 'r'.repeat(40) });
    const failing = createApp({ config, db: ownPool(), logger, tokens: tokenServiceFromConfig(config), limits });
    const res = await failing.request('/api/v1/me/export', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
