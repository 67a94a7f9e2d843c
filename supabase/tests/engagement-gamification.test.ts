// The gamification consumer and its rules (supabase/migrations/*_gamification.sql): points per event
// kind, idempotency, daily caps, levels, streaks, badges, challenges and anti-abuse. Events are written
// with private.emit_event() as the source triggers write them; the consumer is
// private.gamification_apply(from, to), what the TypeScript consumer calls for each dispatched batch.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  applyRange,
  badgesOf,
  consume,
  day,
  emit,
  emitted,
  ledger,
  newReader,
  rejections,
  score,
  session,
} from './engagement-helpers.js';
import { adminQuery, sqlAs, sqlError } from './helpers.js';

const HOUR = 3_600_000;
/** An ISO time `hours` before now (challenges are joined while open, so their activity is recent). */
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
const claims = (id: string) => ({ sub: id, role: 'authenticated', aud: 'authenticated', app_metadata: {} });

describe('seeds', () => {
  it('has the point rules, levels, badges and the December challenge as data', async () => {
    const rules = await adminQuery<{ event_kind: string; points: number }>(
      'select event_kind, points from public.point_rules order by event_kind',
    );
    expect(Object.fromEntries(rules.map((r) => [r.event_kind, r.points]))).toEqual({
      'order.paid': 30,
      'reading.book_finished': 50,
      'reading.session_finished': 5,
      'reading.streak_day': 10,
      'review.created': 20,
    });
    const [first] = await adminQuery('select level, name, min_points from public.levels order by level limit 1');
    expect(first).toEqual({ level: 1, name: 'Lecteur', min_points: 0 });
    const badges = await adminQuery<{ slug: string; criteria: unknown }>('select slug, criteria from public.badges');
    expect(badges).toEqual(
      expect.arrayContaining([
        { slug: 'books-5', criteria: { type: 'books_finished', count: 5 } },
        { slug: 'streak-7', criteria: { type: 'streak_days', count: 7 } },
        { slug: 'first-review', criteria: { type: 'reviews', count: 1 } },
      ]),
    );
    const [december] = await adminQuery(
      `select goal, starts_at, ends_at, partner_id from public.challenges where slug = 'decembre-2026-300-minutes'`,
    );
    expect(december).toEqual({
      goal: { type: 'minutes_read', count: 300 },
      starts_at: new Date('2026-12-01T00:00:00Z'),
      ends_at: new Date('2027-01-01T00:00:00Z'),
      partner_id: null,
    });
  });

  it('refuses a badge criterion that is not data the consumer understands', async () => {
    const error = await sqlError(
      adminQuery(
        `insert into public.badges (slug, name_fr, name_en, description_fr, description_en, criteria)
         values ('bad', 'x', 'x', 'x', 'x', '{"type": "pages_flipped", "count": 3}')`,
      ),
    );
    expect(error.code).toBe('23514');
  });
});

describe('point rules', () => {
  it('credits each kind of event by its rule, with the streak day and the first badges', async () => {
    const reader = await newReader();
    await session(reader, day(0), 30);
    await emit('reading.book_finished', reader, { bookId: randomUUID() });
    await emit('review.created', reader, { bookId: randomUUID(), reviewId: randomUUID(), rating: 5 });
    await emit('order.paid', reader, { orderId: randomUUID(), amount: 1000, currency: 'XOF' });
    await consume();

    const rows = await ledger(reader);
    expect(rows.map((r) => [r.reason, r.points])).toEqual([
      ['session', 5],
      ['streak_day', 10],
      ['book', 50],
      ['review', 20],
      ['purchase', 30],
      ['badge', 10], // first-book
      ['badge', 10], // first-purchase
      ['badge', 10], // first-review
    ]);
    expect(await badgesOf(reader)).toEqual(['first-book', 'first-purchase', 'first-review']);
    expect(await score(reader)).toMatchObject({ points: 145, level: 2, weekly_points: 145 });
  });

  it('counts an event written twice once, and a second run of the consumer adds nothing', async () => {
    const reader = await newReader();
    const before = Number(
      (await adminQuery<{ n: string }>('select coalesce(max(id), 0) as n from private.domain_events'))[0]!.n,
    );
    const subjectId = randomUUID();
    expect(await emit('review.created', reader, { rating: 4 }, { subjectId })).not.toBeNull();
    expect(await emit('review.created', reader, { rating: 4 }, { subjectId })).toBeNull();
    await consume();
    const after = Number((await adminQuery<{ n: string }>('select max(id) as n from private.domain_events'))[0]!.n);
    const once = await ledger(reader);
    expect(once.map((r) => r.reason)).toEqual(['review', 'badge']);

    expect(await applyRange(before, after)).toEqual({ handled: 0, rejected: 0, readers: 0 });
    expect(await ledger(reader)).toEqual(once);
    expect(await emitted(reader, ['badge.earned'])).toHaveLength(1);
  });

  it('keeps the ledger append-only', async () => {
    const reader = await newReader();
    await emit('review.created', reader);
    await consume();
    const update = await sqlError(
      adminQuery('update public.points_ledger set points = 1000 where user_id = $1', [reader]),
    );
    expect([update.code, update.message]).toEqual(['42501', 'The points ledger is append-only']);
    const remove = await sqlError(adminQuery('delete from public.points_ledger where user_id = $1', [reader]));
    expect(remove.code).toBe('42501');
  });

  it('applies a rule change made in Studio to later events only, and an inactive rule earns nothing', async () => {
    const reader = await newReader();
    await emit('order.paid', reader);
    await consume();
    await adminQuery(`update public.point_rules set points = 45 where event_kind = 'order.paid'`);
    await emit('order.paid', reader);
    await consume();
    await adminQuery(`update public.point_rules set is_active = false where event_kind = 'order.paid'`);
    await emit('order.paid', reader);
    await consume();
    await adminQuery(`update public.point_rules set points = 30, is_active = true where event_kind = 'order.paid'`);
    expect((await ledger(reader)).filter((r) => r.reason === 'purchase').map((r) => r.points)).toEqual([30, 45]);
  });

  it('caps session points per local day; capped sessions still count as reading', async () => {
    const reader = await newReader();
    for (let i = 0; i < 11; i++) await session(reader, day(1, 6 + i), 20);
    await consume();
    const sessions = (await ledger(reader)).filter((r) => r.reason === 'session');
    expect(sessions.map((r) => r.points)).toEqual(Array(10).fill(5));
    expect(await rejections(reader)).toEqual([{ reason: 'daily_cap', details: { dailyCap: 50, day: '2026-11-03' } }]);
    expect((await ledger(reader)).filter((r) => r.reason === 'streak_day')).toHaveLength(1);
    const [minutes] = await adminQuery<{ m: string }>(`select private.gamification_metric($1, 'minutes_read') as m`, [
      reader,
    ]);
    expect(Number(minutes!.m)).toBe(220);
  });

  it('rebuilds the score cache from the ledger', async () => {
    const reader = await newReader();
    await emit('reading.book_finished', reader, { bookId: randomUUID() });
    await session(reader, day(2), 15);
    await consume();
    const cached = await score(reader);
    await adminQuery('update public.reader_scores set points = 0, level = 1 where user_id = $1', [reader]);
    await adminQuery('select private.rebuild_reader_score($1)', [reader]);
    expect(await score(reader)).toMatchObject({
      points: cached!.points,
      level: cached!.level,
      weekly_points: cached!.weekly_points,
      current_streak: 1,
    });
  });
});

describe('levels', () => {
  it('derives the level from the thresholds and emits level.reached once per level', async () => {
    const reader = await newReader();
    await emit('reading.book_finished', reader, { bookId: randomUUID() });
    await consume();
    expect(await score(reader)).toMatchObject({ points: 60, level: 1 });
    await emit('reading.book_finished', reader, { bookId: randomUUID() });
    await consume();
    expect(await score(reader)).toMatchObject({ points: 110, level: 2 });
    // A Studio adjustment crossing two thresholds at once.
    await adminQuery(
      `insert into public.points_ledger (user_id, points, reason, source_key) values ($1, 600, 'adjustment', 'adjustment:1')`,
      [reader],
    );
    expect(await score(reader)).toMatchObject({ points: 710, level: 4 });
    expect((await emitted(reader, ['level.reached'])).map((e) => e.payload)).toEqual([
      { level: 2 },
      { level: 3 },
      { level: 4 },
    ]);
  });
});

describe('badges', () => {
  it('awards "5 books finished" once, with its points, counting each book once', async () => {
    const reader = await newReader();
    const books = Array.from({ length: 6 }, () => randomUUID());
    for (const bookId of books.slice(0, 4)) await emit('reading.book_finished', reader, { bookId });
    // The same book finished again (a re-read) is not a new book.
    await emit('reading.book_finished', reader, { bookId: books[0] });
    await consume();
    expect(await badgesOf(reader)).toEqual(['first-book']);
    await emit('reading.book_finished', reader, { bookId: books[4] });
    await consume();
    await emit('reading.book_finished', reader, { bookId: books[5] });
    await consume();
    expect(await badgesOf(reader)).toEqual(['books-5', 'first-book']);
    expect((await ledger(reader)).filter((r) => r.source_key === 'badge:books-5')).toEqual([
      { points: 100, reason: 'badge', source_key: 'badge:books-5' },
    ]);
    const earned = await emitted(reader, ['badge.earned']);
    expect(earned.map((e) => e.payload.slug)).toEqual(['first-book', 'books-5']);
  });

  it('awards "7-day streak" for seven consecutive reading days and tracks the streaks', async () => {
    const reader = await newReader();
    for (let d = 0; d < 6; d++) await session(reader, day(d), 15);
    await consume();
    expect(await badgesOf(reader)).toEqual([]);
    expect(await score(reader)).toMatchObject({ current_streak: 6, longest_streak: 6 });
    await session(reader, day(6, 21), 15);
    await consume();
    expect(await badgesOf(reader)).toEqual(['streak-7']);
    // A gap, then one day: the current streak restarts, the longest stays.
    await session(reader, day(9), 15);
    await consume();
    expect(await score(reader)).toMatchObject({ current_streak: 1, longest_streak: 7 });
    const [last] = await adminQuery(
      'select last_reading_day::text as day from public.reader_scores where user_id = $1',
      [reader],
    );
    expect(last).toEqual({ day: '2026-11-11' });
    expect((await ledger(reader)).filter((r) => r.reason === 'streak_day')).toHaveLength(8);
  });

  it('awards "first review" and "600 minutes" from their events', async () => {
    const reader = await newReader();
    await emit('review.created', reader, { rating: 3 });
    for (let d = 0; d < 3; d++) await session(reader, day(d, 9), 200, 100);
    await consume();
    expect(await badgesOf(reader)).toEqual(['first-review', 'minutes-600']);
  });
});

describe('challenges', () => {
  async function newChallenge(partnerId: string | null = null): Promise<string> {
    const [row] = await adminQuery<{ id: string }>(
      `insert into public.challenges (slug, title_fr, title_en, goal, starts_at, ends_at, partner_id, points)
       values ($1, 'Défi', 'Challenge', '{"type": "minutes_read", "count": 300}', now() - interval '2 days',
               now() + interval '2 days', $2, 40) returning id`,
      [`defi-${randomUUID().slice(0, 8)}`, partnerId],
    );
    return row!.id;
  }
  const join = (reader: string, challengeId: string) =>
    sqlAs('authenticated', claims(reader), async (db) => {
      await db.query('insert into public.challenge_participants (challenge_id) values ($1)', [challengeId]);
      await db.query('commit');
    });

  it('counts activity in the period from before joining, progresses and completes once with points', async () => {
    const reader = await newReader();
    const challenge = await newChallenge();
    await session(reader, ago(72), 100); // before the period: does not count
    await session(reader, ago(40), 100);
    await consume();
    await join(reader, challenge);
    const progress = () =>
      adminQuery(
        'select progress, completed_at is not null as done from public.challenge_participants where user_id = $1',
        [reader],
      );
    expect(await progress()).toEqual([{ progress: 100, done: false }]);
    await session(reader, ago(20), 150);
    await consume();
    expect(await progress()).toEqual([{ progress: 250, done: false }]);
    await session(reader, ago(5), 60);
    await consume();
    expect(await progress()).toEqual([{ progress: 310, done: true }]);
    await session(reader, ago(2), 30);
    await consume();
    expect((await ledger(reader)).filter((r) => r.reason === 'challenge')).toEqual([
      { points: 40, reason: 'challenge', source_key: `challenge:${challenge}` },
    ]);
    expect((await emitted(reader, ['challenge.completed'])).map((e) => e.payload)).toEqual([
      { challengeId: challenge },
    ]);
    // A completed challenge cannot be left.
    const left = await sqlAs('authenticated', claims(reader), (db) =>
      db.query('delete from public.challenge_participants where challenge_id = $1', [challenge]),
    );
    expect(left.rowCount).toBe(0);
  });

  it('refuses joining an ended challenge or another partner’s', async () => {
    const reader = await newReader();
    const [ended] = await adminQuery<{ id: string }>(
      `insert into public.challenges (slug, title_fr, title_en, goal, starts_at, ends_at)
       values ($1, 'Fini', 'Over', '{"type": "reviews", "count": 1}', now() - interval '9 days', now() - interval '1 day')
       returning id`,
      [`fini-${randomUUID().slice(0, 8)}`],
    );
    const endedError = await sqlError(join(reader, ended!.id));
    expect([endedError.code, endedError.message]).toEqual(['22023', 'This challenge has ended']);
    const partnerOnly = await newChallenge(randomUUID());
    const partnerError = await sqlError(join(reader, partnerOnly));
    expect(partnerError.code).toBe('42501');
  });
});

describe('anti-abuse', () => {
  it('gives nothing for a session over 4 hours', async () => {
    const reader = await newReader();
    await session(reader, day(0), 5 * 60, 100);
    await consume();
    expect(await ledger(reader)).toEqual([]);
    expect(await rejections(reader)).toEqual([{ reason: 'too_long', details: { minutes: 300 } }]);
  });

  it('gives nothing for more than 3 pages a minute, judged over at least 10 minutes', async () => {
    const reader = await newReader();
    await session(reader, day(0, 6), 20, 61); // 3.05 pages a minute
    await session(reader, day(0, 7), 2, 31); // 31 pages > 3 × 10
    await session(reader, day(0, 8), 2, 30); // a quick flip through 30 pages is fine
    await consume();
    expect((await rejections(reader)).map((r) => r.reason)).toEqual(['too_fast', 'too_fast']);
    expect((await ledger(reader)).map((r) => r.reason)).toEqual(['session', 'streak_day']);
  });

  it('gives nothing for a session overlapping a credited one by more than 5 minutes', async () => {
    const reader = await newReader();
    await session(reader, day(0, 10), 60); // 10:00–11:00, credited
    await session(reader, new Date(Date.parse(day(0, 10)) + 30 * 60_000).toISOString(), 60); // 10:30–11:30
    await session(reader, new Date(Date.parse(day(0, 10)) + 56 * 60_000).toISOString(), 30); // 10:56–11:26: 4 min
    await consume();
    const rejected = await rejections(reader);
    expect(rejected.map((r) => r.reason)).toEqual(['overlapping']);
    expect(rejected[0]!.details).toMatchObject({ overlapMinutes: 30 });
    expect((await ledger(reader)).filter((r) => r.reason === 'session')).toHaveLength(2);
    // Rejected minutes never count towards badges or challenges.
    const [minutes] = await adminQuery<{ m: string }>(`select private.gamification_metric($1, 'minutes_read') as m`, [
      reader,
    ]);
    expect(Number(minutes!.m)).toBe(90);
  });
});

describe('anonymiser', () => {
  it('erases the reader’s gamification data, ledger included', async () => {
    const reader = await newReader();
    await emit('review.created', reader);
    await session(reader, day(0), 300);
    await consume();
    await adminQuery('select private.refresh_leaderboards()');
    await adminQuery('select private.erase_gamification($1)', [reader]);
    const [counts] = await adminQuery(
      `select (select count(*) from public.points_ledger where user_id = $1)::int as ledger,
              (select count(*) from public.reader_scores where user_id = $1)::int as scores,
              (select count(*) from public.badge_awards where user_id = $1)::int as badges,
              (select count(*) from public.leaderboard_entries where user_id = $1)::int as entries,
              (select count(*) from private.gamification_processed where user_id = $1)::int as processed,
              (select count(*) from private.rejected_events where user_id = $1)::int as rejected`,
      [reader],
    );
    expect(counts).toEqual({ ledger: 0, scores: 0, badges: 0, entries: 0, processed: 0, rejected: 0 });
    // The guard is back on after the step.
    const other = await newReader();
    await emit('review.created', other);
    await consume();
    expect((await sqlError(adminQuery('delete from public.points_ledger where user_id = $1', [other]))).code).toBe(
      '42501',
    );
  });
});

describe('the TypeScript consumer', () => {
  it('hands a dispatched batch to the function; the same batch twice adds nothing', async () => {
    const { gamificationConsumer } = await import('../../packages/server/src/engagement/consumer.ts');
    await consume(); // the helper's cursor past earlier tests' events
    const reader = await newReader();
    const ids = [await emit('review.created', reader), await session(reader, day(3), 30)];
    const tx = { query: (text: string, values?: unknown[]) => adminQuery(text, values).then((rows) => ({ rows })) };
    const batch = ids.map((id) => ({ id: id! }));
    expect(await gamificationConsumer.handle(batch, tx)).toEqual({ handled: 2, rejected: 0, readers: 1 });
    expect(await gamificationConsumer.handle(batch, tx)).toEqual({ handled: 0, rejected: 0, readers: 0 });
    expect((await ledger(reader)).map((r) => r.reason)).toEqual(['review', 'session', 'streak_day', 'badge']);
  });
});
