import { describe, expect, it } from 'vitest';
import { type ReadingStats, ValidationError } from '../src';
import { json, postgrestError, testClient, UUID } from './helpers';
import { locator } from './offline-sim';

// `coko.reading` without an offline queue: every write is one PostgREST request.

const BOOK = '30000000-0000-4000-8000-000000000001';
const NOTE = '50000000-0000-4000-8000-000000000001';
const AT = new Date('2026-11-21T10:00:00.000Z');

async function expectInvalid(promise: Promise<unknown>, field: string) {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).details).toMatchObject({ field });
}

const noContent = () => new Response(null, { status: 201 });

describe('validation before any request', () => {
  it('checks the locator shape and names the field', async () => {
    const { coko, calls } = testClient(noContent);
    await expectInvalid(coko.reading.saveProgress(BOOK, { ...locator(0.2), href: '' }), 'locator.href');
    await expectInvalid(coko.reading.saveProgress(BOOK, { ...locator(0.2), href: 'x'.repeat(2049) }), 'locator.href');
    const bad = locator(0.2);
    await expectInvalid(
      coko.reading.saveProgress(BOOK, { ...bad, locations: { ...bad.locations, progression: 1.5 } }),
      'locator.locations.progression',
    );
    await expectInvalid(
      coko.reading.saveProgress(BOOK, { ...bad, locations: { ...bad.locations, position: 0 } }),
      'locator.locations.position',
    );
    await expectInvalid(
      coko.reading.saveProgress(BOOK, { ...bad, text: { highlight: 'x'.repeat(2001) } }),
      'locator.text.highlight',
    );
    await expectInvalid(coko.reading.saveProgress('42', locator(0.2)), 'bookId');
    expect(calls).toHaveLength(0);
  });

  it('checks colours, note length, kinds, ids and device ids', async () => {
    const { coko, calls } = testClient(noContent);
    const a = { bookId: BOOK, kind: 'highlight' as const, locator: locator(0.3) };
    await expectInvalid(coko.reading.annotations.create({ ...a, color: 'red' }), 'color');
    await expectInvalid(coko.reading.annotations.create({ ...a, color: '#12345' }), 'color');
    await expectInvalid(coko.reading.annotations.create({ ...a, note: 'n'.repeat(10_001) }), 'note');
    await expectInvalid(coko.reading.annotations.create({ ...a, selectedText: 's'.repeat(10_001) }), 'selectedText');
    await expectInvalid(coko.reading.annotations.create({ ...a, kind: 'comment' as 'note' }), 'kind');
    await expectInvalid(coko.reading.annotations.create({ ...a, id: 'nope' }), 'id');
    await expectInvalid(coko.reading.annotations.update(NOTE, { note: 'n'.repeat(10_001) }), 'note');
    await expectInvalid(coko.reading.annotations.delete('nope'), 'id');
    await expectInvalid(coko.reading.saveProgress(BOOK, locator(0.1), { deviceId: 'd'.repeat(65) }), 'deviceId');
    await expectInvalid(
      coko.reading.sessions.start(BOOK, { deviceType: 'tv' as 'web', startProgression: 0 }),
      'deviceType',
    );
    await expectInvalid(coko.reading.sessions.end(NOTE, { endProgression: 0.5, pagesRead: -1 }), 'pagesRead');
    await expectInvalid(coko.reading.stats({ from: '2026-11-01', to: 'tomorrow' }), 'to');
    expect(calls).toHaveLength(0);
    // A 10000-character note is fine.
    await coko.reading.annotations.create({ ...a, note: 'n'.repeat(10_000) });
    expect(calls).toHaveLength(1);
  });
});

describe('writes send little and get nothing back', () => {
  it('saveProgress upserts only the needed fields, with no return=minimal (PostgREST answers without a body anyway)', async () => {
    const { coko, calls } = testClient(noContent);
    await coko.reading.saveProgress(BOOK, locator(0.25), { deviceId: 'phone-1', deviceUpdatedAt: AT });
    const [call] = calls;
    expect(call?.method).toBe('POST');
    expect(call?.url.pathname).toBe('/rest/v1/reading_progress');
    expect(call?.url.search).toBe('');
    expect(call?.headers.get('prefer')).toBe('resolution=merge-duplicates');
    expect(JSON.parse(call?.body ?? '')).toEqual({
      book_id: BOOK,
      locator: locator(0.25),
      device_id: 'phone-1',
      device_updated_at: AT.toISOString(),
    });
  });

  it('stamps the time of the call, and one generated device id per client', async () => {
    const { coko, calls } = testClient(noContent);
    const before = Date.now();
    await coko.reading.saveProgress(BOOK, locator(0.1));
    await coko.reading.saveProgress(BOOK, locator(0.2));
    const [first, second] = calls.map((c) => JSON.parse(c.body));
    expect(Date.parse(first.device_updated_at)).toBeGreaterThanOrEqual(before);
    // 16 characters of base64url (12 random bytes): a UUID's 36 cost 20 B more in every save.
    expect(first.device_id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(second.device_id).toBe(first.device_id);
  });

  it("sends a save with keepalive when asked (the saver's flush on page hide), else without", async () => {
    const { coko, calls } = testClient(noContent);
    await coko.reading.saveProgress(BOOK, locator(0.1), { deviceUpdatedAt: AT, keepalive: true });
    await coko.reading.saveProgress(BOOK, locator(0.2), { deviceUpdatedAt: AT });
    expect(calls.map((c) => c.keepalive)).toEqual([true, false]);
    // The same request otherwise: method, headers, body.
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.headers.get('prefer')).toBe('resolution=merge-duplicates');
    expect(JSON.parse(calls[0]?.body ?? '').locator).toEqual(locator(0.1));
  });

  it('retries once without keepalive when the browser refuses it (Chrome < 81 with a CORS preflight)', async () => {
    const { coko, calls } = testClient((request) => {
      // What an old Chrome does: the keepalive request fails as a network error before it is sent.
      if (request.keepalive) throw new TypeError('Failed to fetch');
      return noContent();
    });
    await coko.reading.saveProgress(BOOK, locator(0.3), { deviceUpdatedAt: AT, keepalive: true });
    expect(calls.map((c) => c.keepalive)).toEqual([true, false]);
    expect(calls[1]?.body).toBe(calls[0]?.body);
  });

  it('does not retry a keepalive save the server refused', async () => {
    const { coko, calls } = testClient(() =>
      postgrestError(403, { code: '42501', message: 'new row violates row-level security policy' }),
    );
    const error = await coko.reading
      .saveProgress(BOOK, locator(0.3), { deviceUpdatedAt: AT, keepalive: true })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403 });
    expect(calls).toHaveLength(1);
  });

  it('creates annotations with a client id and returns them', async () => {
    const { coko, calls } = testClient(noContent);
    const created = await coko.reading.annotations.create(
      { bookId: BOOK, kind: 'note', locator: locator(0.3), note: 'À relire', color: '#81C784' },
      { deviceId: 'phone-1', deviceUpdatedAt: AT },
    );
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      bookId: BOOK,
      kind: 'note',
      locator: locator(0.3),
      selectedText: null,
      note: 'À relire',
      color: '#81c784',
      deviceId: 'phone-1',
      deviceUpdatedAt: AT.toISOString(),
      deletedAt: null,
      createdAt: AT.toISOString(),
      updatedAt: AT.toISOString(),
    });
    const body = JSON.parse(calls[0]?.body ?? '');
    expect(calls[0]?.headers.get('prefer')).toBe('resolution=merge-duplicates');
    // Only what was given: no nulls, no defaults on the wire.
    expect(Object.keys(body).sort()).toEqual(
      ['book_id', 'color', 'device_id', 'device_updated_at', 'id', 'kind', 'locator', 'note'].sort(),
    );
    // A given id is kept (retries of the same create never duplicate).
    const again = await coko.reading.annotations.create({
      id: NOTE,
      bookId: BOOK,
      kind: 'bookmark',
      locator: locator(0.4),
    });
    expect(again.id).toBe(NOTE);
  });

  it('updates and deletes (a tombstone) by id with a PATCH of the changed fields', async () => {
    const { coko, calls } = testClient(noContent);
    await coko.reading.annotations.update(NOTE, { color: '#e57373' }, { deviceId: 'd', deviceUpdatedAt: AT });
    await coko.reading.annotations.delete(NOTE, { deviceId: 'd', deviceUpdatedAt: AT });
    expect(calls.map((c) => [c.method, c.url.pathname + c.url.search])).toEqual([
      ['PATCH', `/rest/v1/annotations?id=eq.${NOTE}`],
      ['PATCH', `/rest/v1/annotations?id=eq.${NOTE}`],
    ]);
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      color: '#e57373',
      device_id: 'd',
      device_updated_at: AT.toISOString(),
    });
    expect(JSON.parse(calls[1]?.body ?? '')).toEqual({
      deleted_at: AT.toISOString(),
      device_id: 'd',
      device_updated_at: AT.toISOString(),
    });
  });

  it('starts and ends sessions', async () => {
    const { coko, calls } = testClient(noContent);
    const session = await coko.reading.sessions.start(
      BOOK,
      { deviceType: 'android', startProgression: 0.1 },
      { deviceId: 'd', deviceUpdatedAt: AT },
    );
    expect(session).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      bookId: BOOK,
      startedAt: AT.toISOString(),
      startProgression: 0.1,
      deviceType: 'android',
      deviceId: 'd',
    });
    const end = new Date(AT.getTime() + 20 * 60_000);
    await coko.reading.sessions.end(
      session.id,
      { endProgression: 0.2, pagesRead: 12 },
      { deviceId: 'd', deviceUpdatedAt: end },
    );
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      id: session.id,
      book_id: BOOK,
      device_type: 'android',
      start_progression: 0.1,
      started_at: AT.toISOString(),
      device_id: 'd',
    });
    expect(calls[1]?.method).toBe('PATCH');
    expect(JSON.parse(calls[1]?.body ?? '')).toEqual({
      end_progression: 0.2,
      pages_read: 12,
      ended_at: end.toISOString(),
      device_id: 'd',
    });
  });

  it('rejects with the CokoError of a failed write', async () => {
    const { coko } = testClient(() =>
      postgrestError(400, { code: '23514', message: 'device_updated_at is more than one day in the future' }),
    );
    await expect(coko.reading.saveProgress(BOOK, locator(0.5))).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('reads', () => {
  it('getProgress selects the progress columns of one book and returns them in camelCase, or null', async () => {
    const row = {
      book_id: BOOK,
      locator: locator(0.5),
      percentage: 50,
      device_id: 'd',
      device_updated_at: AT.toISOString(),
      finished_at: null,
      updated_at: AT.toISOString(),
    };
    const { coko, calls } = testClient(() => json([row]));
    expect(await coko.reading.getProgress(BOOK)).toEqual({
      bookId: BOOK,
      locator: locator(0.5),
      percentage: 50,
      deviceId: 'd',
      deviceUpdatedAt: AT.toISOString(),
      finishedAt: null,
      updatedAt: AT.toISOString(),
    });
    expect(calls[0]?.url.searchParams.get('book_id')).toBe(`eq.${BOOK}`);
    expect(calls[0]?.url.searchParams.get('select')).toBe(
      'book_id,locator,percentage,device_id,device_updated_at,finished_at,updated_at',
    );
    const none = testClient(() => json([]));
    expect(await none.coko.reading.getProgress(BOOK)).toBeNull();
  });

  it('annotations.list hides tombstones unless asked', async () => {
    const { coko, calls } = testClient(() => json([]));
    await coko.reading.annotations.list(BOOK);
    await coko.reading.annotations.list(BOOK, { includeDeleted: true });
    expect(calls[0]?.url.searchParams.get('deleted_at')).toBe('is.null');
    expect(calls[0]?.url.searchParams.get('order')).toBe('created_at.asc,id.asc');
    expect(calls[1]?.url.searchParams.has('deleted_at')).toBe(false);
  });

  it('annotations.list returns camelCase keys and leaves the locator as written', async () => {
    // A Readium extension inside the locator keeps its spelling: only the row's own keys change.
    const position = { ...locator(0.3), locations: { ...locator(0.3).locations, css_selector: '#p3' } };
    const row = {
      id: NOTE,
      book_id: BOOK,
      kind: 'highlight',
      locator: position,
      selected_text: 'Il était une fois',
      note: null,
      color: '#ffd54f',
      device_id: 'd',
      device_updated_at: AT.toISOString(),
      deleted_at: null,
      created_at: AT.toISOString(),
      updated_at: AT.toISOString(),
    };
    const { coko } = testClient(() => json([row]));
    expect(await coko.reading.annotations.list(BOOK)).toEqual([
      {
        id: NOTE,
        bookId: BOOK,
        kind: 'highlight',
        locator: position,
        selectedText: 'Il était une fois',
        note: null,
        color: '#ffd54f',
        deviceId: 'd',
        deviceUpdatedAt: AT.toISOString(),
        deletedAt: null,
        createdAt: AT.toISOString(),
        updatedAt: AT.toISOString(),
      },
    ]);
  });

  it('stats calls the read-only reading_stats RPC in the device time zone', async () => {
    const stats: ReadingStats = {
      minutesPerDay: [{ date: '2026-11-01', minutes: 12 }],
      currentStreak: 1,
      longestStreak: 4,
      booksStarted: 1,
      booksFinished: 0,
      pagesThisWeek: 30,
    };
    const { coko, calls } = testClient(() => json(stats));
    expect(await coko.reading.stats({ from: '2026-11-01', to: '2026-11-30', tz: 'Africa/Abidjan' })).toEqual(stats);
    expect(calls[0]?.url.pathname).toBe('/rest/v1/rpc/reading_stats');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      from_date: '2026-11-01',
      to_date: '2026-11-30',
      tz: 'Africa/Abidjan',
    });
    await coko.reading.stats({ from: '2026-11-01', to: '2026-11-30' });
    expect(JSON.parse(calls[1]?.body ?? '').tz).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('maps PostgREST errors', async () => {
    const { coko } = testClient(() => postgrestError(401, { code: 'PGRST301', message: 'JWT expired' }));
    await expect(coko.reading.annotations.list(BOOK)).rejects.toMatchObject({ code: 'AUTHENTICATION_ERROR' });
  });
});

describe('sync without a queue', () => {
  it('pulls from the stored checkpoint, follows hasMore and returns the feed rows as they come (camelCase)', async () => {
    const page = (checkpoint: number, hasMore: boolean) =>
      json({
        results: [],
        changes: {
          progress: [],
          annotations: [
            { id: NOTE, bookId: BOOK, selectedText: null, deviceUpdatedAt: AT.toISOString(), changeSeq: 7 },
          ],
          sessions: [],
        },
        checkpoint,
        hasMore,
      });
    const responses = [page(7, true), page(9, false), page(9, false)];
    const { coko, calls } = testClient(() => responses.shift() ?? json({}));
    const first = await coko.reading.sync();
    expect(calls.map((c) => JSON.parse(c.body))).toEqual([
      { changes: [], since: 0 },
      { changes: [], since: 7 },
    ]);
    expect(first.checkpoint).toBe(9);
    expect(first.pushed).toBe(0);
    expect(first.changes.annotations).toHaveLength(2);
    expect(first.changes.annotations[0]).toEqual({
      id: NOTE,
      bookId: BOOK,
      selectedText: null,
      deviceUpdatedAt: AT.toISOString(),
      changeSeq: 7,
    });
    await coko.reading.sync();
    expect(JSON.parse(calls[2]?.body ?? '')).toEqual({ changes: [], since: 9 });
  });

  it('status is idle and subscribe is a no-op', () => {
    const { coko } = testClient();
    expect(coko.reading.syncStatus()).toEqual({
      online: true,
      pending: 0,
      syncing: false,
      lastSyncedAt: null,
      lastError: null,
    });
    expect(coko.reading.syncStatus()).toBe(coko.reading.syncStatus());
    const unsubscribe = coko.reading.subscribe(() => {});
    unsubscribe();
  });
});

describe('packaging', () => {
  it('creating a client touches nothing (the reading implementation loads on first use)', async () => {
    const { coko, calls } = testClient(() => json([]));
    expect(typeof coko.reading.getProgress).toBe('function');
    expect(calls).toHaveLength(0);
    await expect(coko.reading.getProgress(UUID)).resolves.toBeNull();
  });
});
