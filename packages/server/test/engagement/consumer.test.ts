// The gamification consumer through the dispatcher (src/events/dispatch.ts) from real source rows: a
// reader's finished session and finished book (the outbox's source triggers) become ledger rows, a
// streak day and the first-book badge; dispatching again adds nothing.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { gamificationConsumer } from '../../src/engagement/consumer.ts';
import { dispatchConsumer } from '../../src/events/dispatch.ts';
import { queryPool, waitFor } from '../jobs/helpers.ts';

const stack = testStack();
let db: pg.Pool;

beforeAll(() => {
  db = queryPool(stack.adminDatabaseUrl);
});
afterAll(async () => {
  await db.end();
});

async function newReaderWithBook(): Promise<{ userId: string; bookId: string }> {
  const userId = randomUUID();
  const bookId = randomUUID();
  await db.query(
    `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '{}', '{}', now(), now())`,
    [userId, `${userId}@engagement.test`],
  );
  await db.query(
    `insert into public.books (id, title, language, status, format, price, currency, is_free, published_at)
     values ($1, 'Une si longue lettre', 'fr', 'published', 'epub', 0, 'XOF', true, now())`,
    [bookId],
  );
  return { userId, bookId };
}

/** Dispatches until a run hands the consumer nothing (other tests' transactions may hold events back a moment). */
async function dispatchAll(): Promise<number> {
  let handled = 0;
  await waitFor(
    async () => {
      const run = await dispatchConsumer(db, gamificationConsumer);
      if (run.status === 'failed') throw run.error;
      if (run.status === 'done') handled += run.handled;
      return run.status === 'done' && run.handled === 0 && handled > 0 ? true : undefined;
    },
    { what: 'the gamification consumer to catch up', intervalMs: 20 },
  );
  return handled;
}

describe('gamification consumer', () => {
  it('turns a finished session and a finished book into points, a streak day and a badge, once', async () => {
    const { userId, bookId } = await newReaderWithBook();
    await db.query(
      `insert into public.reading_sessions (id, user_id, book_id, started_at, ended_at, pages_read, device_id)
       values ($1, $2, $3, now() - interval '40 minutes', now() - interval '10 minutes', 25, 'phone')`,
      [randomUUID(), userId, bookId],
    );
    await db.query(
      `insert into public.reading_progress (user_id, book_id, locator, percentage, device_id, device_updated_at, finished_at)
       values ($1, $2, '{"href": "/ch1.xhtml", "type": "application/xhtml+xml", "locations": {"progression": 1, "totalProgression": 1}}', 100, 'phone', now(), now())`,
      [userId, bookId],
    );
    expect(await dispatchAll()).toBeGreaterThanOrEqual(2);
    const ledger = async () =>
      (
        await db.query<{ reason: string; points: number }>(
          'select reason, points from public.points_ledger where user_id = $1 order by id',
          [userId],
        )
      ).rows;
    expect(await ledger()).toEqual([
      { reason: 'session', points: 5 },
      { reason: 'streak_day', points: 10 },
      { reason: 'book', points: 50 },
      { reason: 'badge', points: 10 },
    ]);
    // The cursor moved: nothing is offered again, and a replay of the whole range adds nothing.
    const { rows } = await db.query<{ last: string }>(
      `select last_id::text as last from private.event_cursors where consumer = 'gamification'`,
    );
    await db.query('select private.gamification_apply(0, $1::bigint)', [rows[0]!.last]);
    expect(await ledger()).toHaveLength(4);
  });
});
