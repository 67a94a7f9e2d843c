// public.reading_stats(from_date, to_date, tz): fixed data, fixed ranges, exact numbers.
//
// The reader's sessions (UTC; Africa/Dakar is UTC+0 all year):
//   Feb 27 10:00–10:30  book A  (30 min)                      ┐
//   Feb 28 10:00–10:20  book A  (20 min)                      │ a 4-day streak
//   Mar  1 23:30–Mar 2 00:45  book A, 10 pages (30 + 45 min)  ┘
//   Mar  3 08:00:00–08:00:30  book B  (30 s: not a reading day)
//   Mar  4 12:00–13:00  book B, 20 pages (60 min)             ┐ 2 days
//   Mar  5 12:00–12:10  book B  (10 min)                      ┘
//   Mar  8 15:00–(open) book B  (counts nothing yet)
//   Mar  9 09:00–09:05  book C, 5 pages                       ┐ 2 days
//   Mar 10 20:00–20:59:59  book C, 7 pages (59 min 59 s → 59)  ┘
// Progress: book A finished on Mar 2 (≥ 99 %), book B at 50 %, book D started (progress only) on
// Mar 6, book E finished on Feb 20. Another reader's sessions must never count.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, type Row, rest, tokenFor } from './helpers.js';
import { locator, newBook, newReader, type Reader } from './reading-helpers.js';

let reader: Reader;
const books: Record<'A' | 'B' | 'C' | 'D' | 'E', string> = { A: '', B: '', C: '', D: '', E: '' };

async function session(userId: string, book: string, start: string, end: string | null, pages = 0): Promise<void> {
  await adminQuery(
    `insert into public.reading_sessions (id, user_id, book_id, started_at, ended_at, pages_read, device_type, device_id)
     values ($1, $2, $3, $4, $5, $6, 'android', 'phone')`,
    [randomUUID(), userId, book, start, end, pages],
  );
}

async function progress(
  userId: string,
  book: string,
  totalProgression: number,
  deviceUpdatedAt: string,
  createdAt: string,
): Promise<void> {
  await adminQuery(
    `insert into public.reading_progress (user_id, book_id, locator, device_id, device_updated_at, created_at)
     values ($1, $2, $3, 'phone', $4, $5)`,
    [userId, book, locator({ totalProgression }), deviceUpdatedAt, createdAt],
  );
}

beforeAll(async () => {
  reader = await newReader();
  for (const key of Object.keys(books) as (keyof typeof books)[]) books[key] = await newBook();
  const u = reader.user.id;
  await session(u, books.A, '2026-02-27T10:00:00Z', '2026-02-27T10:30:00Z');
  await session(u, books.A, '2026-02-28T10:00:00Z', '2026-02-28T10:20:00Z');
  await session(u, books.A, '2026-03-01T23:30:00Z', '2026-03-02T00:45:00Z', 10);
  await session(u, books.B, '2026-03-03T08:00:00Z', '2026-03-03T08:00:30Z');
  await session(u, books.B, '2026-03-04T12:00:00Z', '2026-03-04T13:00:00Z', 20);
  await session(u, books.B, '2026-03-05T12:00:00Z', '2026-03-05T12:10:00Z');
  await session(u, books.B, '2026-03-08T15:00:00Z', null);
  await session(u, books.C, '2026-03-09T09:00:00Z', '2026-03-09T09:05:00Z', 5);
  await session(u, books.C, '2026-03-10T20:00:00Z', '2026-03-10T20:59:59Z', 7);
  await progress(u, books.A, 1, '2026-03-02T00:45:00Z', '2026-02-27T10:30:00Z');
  await progress(u, books.B, 0.5, '2026-03-05T12:10:00Z', '2026-03-03T08:00:30Z');
  await progress(u, books.D, 0.1, '2026-03-06T18:00:00Z', '2026-03-06T18:00:00Z');
  await progress(u, books.E, 0.995, '2026-02-20T18:00:00Z', '2026-02-01T18:00:00Z');

  // Someone else's heavy reading in the same days.
  const other = await newReader();
  for (const day of ['03', '06', '07', '08']) {
    await session(other.user.id, books.A, `2026-03-${day}T10:00:00Z`, `2026-03-${day}T12:00:00Z`, 50);
  }
  await progress(other.user.id, books.C, 1, '2026-03-05T10:00:00Z', '2026-03-04T10:00:00Z');
});

async function stats(args: Row, client = reader.client): Promise<Row> {
  const { data, error, status } = await client.rpc('reading_stats', args);
  expect(error).toBeNull();
  expect(status).toBe(200);
  return data as Row;
}

const days = (from: number, to: number, minutes: Record<number, number>) =>
  Array.from({ length: to - from + 1 }, (_, i) => {
    const day = from + i;
    return { date: `2026-03-${String(day).padStart(2, '0')}`, minutes: minutes[day] ?? 0 };
  });

describe('reading_stats', () => {
  it('March 1–10 in Africa/Dakar (the default time zone)', async () => {
    expect(await stats({ from_date: '2026-03-01', to_date: '2026-03-10' })).toEqual({
      minutesPerDay: days(1, 10, { 1: 30, 2: 45, 4: 60, 5: 10, 9: 5, 10: 59 }),
      currentStreak: 2,
      longestStreak: 4,
      booksStarted: 3, // B (Mar 3), D (Mar 6), C (Mar 9); A started in February
      booksFinished: 1, // A (Mar 2); E finished in February
      pagesThisWeek: 12, // week of Mon Mar 9: 5 + 7
    });
  });

  it('a short range: streaks reach back before it, other counts stay in the range', async () => {
    expect(await stats({ from_date: '2026-03-04', to_date: '2026-03-04', tz: 'Africa/Dakar' })).toEqual({
      minutesPerDay: [{ date: '2026-03-04', minutes: 60 }],
      currentStreak: 1,
      longestStreak: 4,
      booksStarted: 0,
      booksFinished: 0,
      pagesThisWeek: 20, // Mon Mar 2 … Wed Mar 4: the Mar 4 session (Mar 1 was the week before)
    });
    expect(await stats({ from_date: '2026-03-02', to_date: '2026-03-02' })).toEqual({
      minutesPerDay: [{ date: '2026-03-02', minutes: 45 }],
      currentStreak: 4,
      longestStreak: 4,
      booksStarted: 0,
      booksFinished: 1,
      pagesThisWeek: 0, // nothing started on Mon Mar 2 itself
    });
  });

  it('the current streak survives a day without reading yet, not two', async () => {
    const dayAfter = await stats({ from_date: '2026-03-06', to_date: '2026-03-06' });
    expect(dayAfter).toMatchObject({ currentStreak: 2, minutesPerDay: [{ date: '2026-03-06', minutes: 0 }] });
    const twoDaysAfter = await stats({ from_date: '2026-03-07', to_date: '2026-03-07' });
    expect(twoDaysAfter).toMatchObject({ currentStreak: 0, longestStreak: 4 });
    // The 30-second day in between breaks the first streak.
    expect(await stats({ from_date: '2026-03-03', to_date: '2026-03-03' })).toMatchObject({ currentStreak: 4 });
    expect(await stats({ from_date: '2026-03-04', to_date: '2026-03-04' })).toMatchObject({ currentStreak: 1 });
  });

  it('another time zone moves sessions across local midnight (Asia/Tokyo, UTC+9)', async () => {
    const result = await stats({ from_date: '2026-03-01', to_date: '2026-03-10', tz: 'Asia/Tokyo' });
    // Mar 1 23:30Z–Mar 2 00:45Z is Mar 2 08:30–09:45 in Tokyo; Mar 10 20:00Z is Mar 11 in Tokyo.
    expect(result.minutesPerDay).toEqual(days(1, 10, { 2: 75, 4: 60, 5: 10, 9: 5 }));
    // Reading days in Tokyo: Feb 27, 28 · Mar 2 · Mar 4, 5 · Mar 9 (Mar 1 is empty there).
    expect(result).toMatchObject({ currentStreak: 1, longestStreak: 2 });
  });

  it('a range ending in the future uses today for the streak and the week', async () => {
    const today = new Date();
    const to = new Date(today.getTime() + 5 * 86_400_000).toISOString().slice(0, 10);
    const from = new Date(today.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    const result = await stats({ from_date: from, to_date: to, tz: 'UTC' });
    expect(result).toMatchObject({ currentStreak: 0, pagesThisWeek: 0 });
    expect((result.minutesPerDay as Row[]).length).toBe(36);
  });

  it('a reader with no data gets zeros for every day', async () => {
    const fresh = await newReader();
    expect(await stats({ from_date: '2026-03-01', to_date: '2026-03-03' }, fresh.client)).toEqual({
      minutesPerDay: days(1, 3, {}),
      currentStreak: 0,
      longestStreak: 0,
      booksStarted: 0,
      booksFinished: 0,
      pagesThisWeek: 0,
    });
  });

  it('is also callable with GET (a stable function)', async () => {
    const response = await rest('/rpc/reading_stats?from_date=2026-03-09&to_date=2026-03-10', {
      token: await tokenFor(reader.user),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      minutesPerDay: [{ minutes: 5 }, { minutes: 59 }],
      pagesThisWeek: 12,
    });
  });

  it.each([
    ['from after to', { from_date: '2026-03-10', to_date: '2026-03-01' }, 'from_date must not be after to_date'],
    ['more than 367 days', { from_date: '2025-01-01', to_date: '2026-03-01' }, 'the range is limited to 367 days'],
    [
      'an unknown time zone',
      { from_date: '2026-03-01', to_date: '2026-03-02', tz: 'Mars/Olympus' },
      'unknown time zone: Mars/Olympus',
    ],
    ['a missing date', { from_date: null, to_date: '2026-03-02' }, 'from_date and to_date are required'],
  ])('%s: 400 with 22023', async (_label, args, message) => {
    const { data, error, status } = await reader.client.rpc('reading_stats', args);
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '22023', message });
    expect(data).toBeNull();
  });

  it('a date that is not a date: 400 (22007 or 22008)', async () => {
    const { error, status } = await reader.client.rpc('reading_stats', {
      from_date: '2026-02-30',
      to_date: '2026-03-01',
    });
    expect(status).toBe(400);
    expect(['22007', '22008']).toContain(error?.code);
  });
});
