// The Idempotency-Key middleware against the real private.idempotency_keys table: replay, refusal of another
// body, concurrent duplicates, release after a refusal, takeover of an abandoned claim, scoping per caller.
import { OpenAPIHono } from '@hono/zod-openapi';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import type { AppEnv } from '../../src/app/env.ts';
import { ApiError, createErrorHandler } from '../../src/app/errors.ts';
import { IDEMPOTENCY_ABANDONED_MS, idempotencyKey } from '../../src/middleware/idempotency-key.ts';
import { createLogger } from '../../src/observability/logger.ts';

const stack = testStack();
const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 6 });
afterAll(() => db.end());

const OWNER = '5a0e3f6c-0000-4000-8000-00000000000a';
const OTHER = '5a0e3f6c-0000-4000-8000-00000000000b';

/** A POST route that counts its runs; `gate` holds a run open until released, `refuse` makes it throw a 409. */
function testApp(options: { now?: () => Date } = {}) {
  const app = new OpenAPIHono<AppEnv>();
  app.onError(createErrorHandler({ logger: createLogger({ level: 'error', sink: () => {} }) }));
  const runs: string[] = [];
  const gates = new Map<string, () => void>();
  app.post(
    '/orders',
    idempotencyKey<AppEnv>({ db, scope: (c) => `user:${c.req.header('x-user') ?? OWNER}`, now: options.now }),
    async (c) => {
      const body = (await c.req.json()) as { item: string; gate?: boolean; refuse?: boolean };
      runs.push(body.item);
      if (body.gate) await new Promise<void>((resolve) => gates.set(body.item, resolve));
      if (body.refuse) throw new ApiError(409, 'ALREADY_OWNED', 'owned');
      return c.json({ id: crypto.randomUUID(), item: body.item }, 201);
    },
  );
  const post = (key: string | undefined, body: unknown, user?: string) =>
    app.request('/orders', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        ...(key === undefined ? {} : { 'idempotency-key': key }),
        ...(user ? { 'x-user': user } : {}),
      },
    });
  return { post, runs, gates };
}

const key = () => `key-${crypto.randomUUID()}`;

describe('idempotencyKey', () => {
  it('replays the first response for the same key and body, running the handler once', async () => {
    const { post, runs } = testApp();
    const k = key();
    const first = await post(k, { item: 'book' });
    const firstBody = await first.json();
    const second = await post(k, { item: 'book' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await second.json()).toEqual(firstBody);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(runs).toEqual(['book']);
  });

  it('refuses the same key with another body (422) and keeps the first response', async () => {
    const { post, runs } = testApp();
    const k = key();
    const first = await (await post(k, { item: 'book' })).json();
    const other = await post(k, { item: 'plan' });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('UNPROCESSABLE');
    expect(await (await post(k, { item: 'book' })).json()).toEqual(first);
    expect(runs).toEqual(['book']);
  });

  it('runs one of two concurrent duplicates; the other gets 409 CONFLICT while it runs', async () => {
    const { post, runs, gates } = testApp();
    const k = key();
    const first = post(k, { item: 'slow', gate: true });
    await expect.poll(() => gates.has('slow'), { timeout: 10_000 }).toBe(true);
    const duplicate = await post(k, { item: 'slow', gate: true });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('retry-after')).toBe('1');
    gates.get('slow')?.();
    expect((await first).status).toBe(201);
    expect(runs).toEqual(['slow']);
    expect((await post(k, { item: 'slow', gate: true })).status).toBe(201);
    expect(runs).toEqual(['slow']);
  });

  it('releases the key after a refusal, so a retry is judged again', async () => {
    const { post, runs } = testApp();
    const k = key();
    expect((await post(k, { item: 'owned', refuse: true })).status).toBe(409);
    expect((await post(k, { item: 'owned', refuse: true })).status).toBe(409);
    expect(runs).toEqual(['owned', 'owned']);
    const { rows } = await db.query('select 1 from private.idempotency_keys where key = $1', [k]);
    expect(rows).toHaveLength(0);
  });

  it('takes over a claim abandoned by a dead process, never a live one', async () => {
    let now = new Date('2026-12-07T10:00:00Z');
    const { post, runs, gates } = testApp({ now: () => now });
    const k = key();
    void post(k, { item: 'dies', gate: true });
    await expect.poll(() => gates.has('dies'), { timeout: 10_000 }).toBe(true);
    now = new Date(now.getTime() + IDEMPOTENCY_ABANDONED_MS - 1000);
    expect((await post(k, { item: 'dies' })).status).toBe(409);
    now = new Date(now.getTime() + 2000);
    const retried = await post(k, { item: 'dies' });
    expect(retried.status).toBe(201);
    expect(runs).toEqual(['dies', 'dies']);
    gates.get('dies')?.();
  });

  it('keeps callers apart: the same key from two readers runs twice', async () => {
    const { post, runs } = testApp();
    const k = key();
    expect((await post(k, { item: 'a' }, OWNER)).status).toBe(201);
    expect((await post(k, { item: 'a' }, OTHER)).status).toBe(201);
    expect(runs).toEqual(['a', 'a']);
  });

  it('requires a key of 1–255 visible ASCII characters', async () => {
    const { post, runs } = testApp();
    for (const bad of [undefined, '', 'with space', 'é', 'x'.repeat(256)]) {
      const response = await post(bad, { item: 'x' });
      expect(response.status, String(bad)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_ERROR');
    }
    expect(runs).toEqual([]);
  });
});
