import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoko, type ReadingEvent, type SyncConflict, type SyncRejection } from '../src';
import { createOfflineQueue, memoryStorage, type OfflineQueueOptions, type OfflineStorage } from '../src/offline';
import { fakeJwt, KEY, URL_BASE } from './helpers';
import { FakeReadingServer, locator, manualNetwork, type NetworkOptions, seeded, simulateNetwork } from './offline-sim';

// The offline queue against the simulated backend and network. Timers are fake (latency, flush
// delays, backoff) so every run is deterministic; Math.random (the backoff jitter) is seeded.

const BOOK = '30000000-0000-4000-8000-000000000001';
const OTHER_BOOK = '30000000-0000-4000-8000-000000000002';
const id = (n: number) => `50000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(new Date('2026-11-21T08:00:00.000Z'));
  vi.spyOn(Math, 'random').mockImplementation(seeded(42));
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

interface DeviceOptions {
  storage?: OfflineStorage;
  user?: string;
  net?: NetworkOptions;
  queue?: Partial<OfflineQueueOptions>;
  online?: boolean;
  deviceId?: string;
}

/** One reader's device: a client with an offline queue on the simulated network. */
function device(server: FakeReadingServer, options: DeviceOptions = {}) {
  const net = simulateNetwork(server, options.net);
  const monitor = manualNetwork(options.online ?? true);
  net.online = options.online ?? true;
  const storage = options.storage ?? memoryStorage();
  const conflicts: SyncConflict[] = [];
  const rejections: SyncRejection[] = [];
  const queue = createOfflineQueue({
    storage,
    network: monitor,
    flushDelay: 100,
    onConflict: (c) => conflicts.push(c),
    onRejected: (r) => rejections.push(r),
    ...options.queue,
  });
  const coko = createCoko({
    url: URL_BASE,
    publishableKey: KEY,
    fetch: net.fetch,
    retries: 0,
    accessToken: fakeJwt({ sub: options.user ?? 'reader-1' }),
    offline: queue,
    ...(options.deviceId ? { deviceId: options.deviceId } : {}),
  });
  const events: ReadingEvent[] = [];
  coko.reading.subscribe((event) => events.push(event));
  const setOnline = (online: boolean) => {
    net.online = online;
    monitor.set(online);
  };
  return { coko, queue, net, storage, conflicts, rejections, events, setOnline };
}

/** Lets timers and I/O run until `done()` holds (or fails after `limit` ms of fake time). */
async function until(done: () => boolean, limit = 10 * 60_000) {
  for (let elapsed = 0; !done(); elapsed += 50) {
    if (elapsed > limit) throw new Error('timed out waiting for the queue');
    await vi.advanceTimersByTimeAsync(50);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const idle = (d: ReturnType<typeof device>) => () => {
  const status = d.coko.reading.syncStatus();
  return status.pending === 0 && !status.syncing;
};

const highlight = (n: number, bookId = BOOK) => ({
  id: id(n),
  bookId,
  kind: 'highlight' as const,
  locator: locator((n % 1000) / 1000),
  selectedText: `passage ${n}`,
});

describe('durable queue', () => {
  it('stores writes offline and sends them, in order, once back online', async () => {
    const server = new FakeReadingServer();
    const d = device(server, { online: false });
    await d.coko.reading.annotations.create(highlight(1));
    await d.coko.reading.saveProgress(BOOK, locator(0.1));
    await d.coko.reading.annotations.create(highlight(2));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(d.net.attempts).toEqual([]);
    expect(d.coko.reading.syncStatus()).toMatchObject({ online: false, pending: 3 });

    d.setOnline(true);
    await until(idle(d));
    expect(d.net.syncAttempts).toBe(1);
    expect(server.syncCalls[0]?.map((c) => c.op)).toEqual(['annotation.upsert', 'progress.save', 'annotation.upsert']);
    expect(server.syncCalls[0]?.map((c) => c.id ?? c.bookId)).toEqual([id(1), BOOK, id(2)]);
    expect(server.table('a')).toHaveLength(2);
    expect(d.coko.reading.syncStatus()).toMatchObject({ online: true, pending: 0, lastError: null });
    expect(d.coko.reading.syncStatus().lastSyncedAt).toBeGreaterThan(Date.now() - 1000);
  });

  it('survives a restart: a new client on the same storage sends what the old one queued', async () => {
    const server = new FakeReadingServer();
    const storage = memoryStorage();
    const before = device(server, { storage, online: false });
    await before.coko.reading.saveProgress(BOOK, locator(0.3));
    await before.coko.reading.annotations.create(highlight(7));
    const session = await before.coko.reading.sessions.start(BOOK, { deviceType: 'android', startProgression: 0.3 });
    before.queue.close();

    const after = device(server, { storage, online: true });
    // (subscribing loaded the stored queue, which flushes on its own)
    await until(() => after.net.syncAttempts === 1 && idle(after)());
    expect(server.table('p')).toHaveLength(1);
    expect(server.table('a')).toHaveLength(1);
    expect(after.net.syncAttempts).toBe(1);
    // The open session is remembered too: ending it after the restart sends the whole session.
    await after.coko.reading.sessions.end(session.id, { endProgression: 0.4, pagesRead: 9 });
    await until(idle(after));
    expect(server.table('s')[0]).toMatchObject({ started_at: session.startedAt, end_progression: 0.4, pages_read: 9 });
    expect(after.net.attempts.filter((p) => p !== 'rpc/sync_reading')).toEqual([]);
  });

  it('ends a session left open for days at the longest the database accepts (one day)', async () => {
    const server = new FakeReadingServer();
    const d = device(server);
    const session = await d.coko.reading.sessions.start(BOOK, { deviceType: 'web', startProgression: 0.1 });
    vi.setSystemTime(new Date(Date.now() + 3 * 24 * 60 * 60 * 1000));
    await d.coko.reading.sessions.end(session.id, { endProgression: 0.2, pagesRead: 3 });
    await until(idle(d));
    expect(server.table('s')[0]?.ended_at).toBe(new Date(Date.parse(session.startedAt) + 86_400_000).toISOString());
  });

  it('keeps the same device id across restarts', async () => {
    const server = new FakeReadingServer();
    const storage = memoryStorage();
    const first = device(server, { storage });
    await first.coko.reading.saveProgress(BOOK, locator(0.1));
    await until(idle(first));
    first.queue.close();
    const second = device(server, { storage });
    await second.coko.reading.saveProgress(OTHER_BOOK, locator(0.1));
    await until(idle(second));
    const [a, b] = server.syncCalls.map((calls) => calls[0]?.deviceId);
    // 16 characters of base64url (12 random bytes), not a 36-character UUID: 20 bytes less per change.
    expect(a).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(b).toBe(a);
  });

  it('keeps a device id stored before ids were shortened (a UUID)', async () => {
    const server = new FakeReadingServer();
    const storage = memoryStorage();
    const old = '9b2f6c1e-3d4a-4e5b-8c7d-0123456789ab';
    await storage.set('coko:reading', { entries: [], device: old, checkpoints: {}, open: {} });
    const d = device(server, { storage });
    await d.coko.reading.saveProgress(BOOK, locator(0.4));
    await until(idle(d));
    expect(server.syncCalls.map((calls) => calls[0]?.deviceId)).toEqual([old]);
  });
});

describe('batching and coalescing', () => {
  it('500 queued writes go out in one request; 1500 in two', async () => {
    const server = new FakeReadingServer();
    const d = device(server, { online: false });
    for (let n = 1; n <= 500; n++) await d.coko.reading.annotations.create(highlight(n));
    d.setOnline(true);
    await until(idle(d));
    expect(d.net.syncAttempts).toBe(1);
    expect(server.syncCalls[0]).toHaveLength(500);

    d.setOnline(false);
    await Promise.all(Array.from({ length: 1500 }, (_, i) => d.coko.reading.annotations.create(highlight(1000 + i))));
    d.setOnline(true);
    await until(idle(d));
    expect(server.syncCalls.slice(1).map((calls) => calls.length)).toEqual([1000, 500]);
    expect(server.table('a')).toHaveLength(2000);
  });

  it('a burst of writes while online waits flushDelay and goes out as one request', async () => {
    const server = new FakeReadingServer();
    const d = device(server);
    for (let n = 1; n <= 20; n++) await d.coko.reading.annotations.create(highlight(n));
    await until(idle(d));
    expect(d.net.syncAttempts).toBe(1);
  });

  it('progress saves of a book collapse to the latest; one queued write per annotation', async () => {
    const server = new FakeReadingServer();
    const d = device(server, { online: false });
    for (let page = 1; page <= 50; page++) await d.coko.reading.saveProgress(BOOK, locator(page / 100));
    await d.coko.reading.saveProgress(OTHER_BOOK, locator(0.9));
    const note = await d.coko.reading.annotations.create(highlight(1));
    await d.coko.reading.annotations.update(note.id, { note: 'first thought' });
    await d.coko.reading.annotations.update(note.id, { color: '#81c784' });
    expect(d.coko.reading.syncStatus().pending).toBe(3);

    d.setOnline(true);
    await until(idle(d));
    const [sent] = server.syncCalls;
    expect(sent).toHaveLength(3);
    expect(sent?.find((c) => c.bookId === BOOK && c.op === 'progress.save')?.locator).toEqual(locator(0.5));
    // The one annotation change is whole: the create's fields plus both edits.
    expect(sent?.find((c) => c.op === 'annotation.upsert')).toMatchObject({
      kind: 'highlight',
      selectedText: 'passage 1',
      note: 'first thought',
      color: '#81c784',
    });
    expect(server.table('p').find((r) => r.book_id === BOOK)?.percentage).toBe(50);
  });
});

describe('bad networks', () => {
  it('retries network failures with exponential backoff and jitter, then recovers', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const server = new FakeReadingServer();
    const d = device(server, { net: { drop: 1 }, queue: { retryDelay: 1000, maxRetryDelay: 8000 } });
    await d.coko.reading.saveProgress(BOOK, locator(0.2));
    await until(() => d.net.syncAttempts >= 6);
    const gaps = d.net.syncTimes.slice(1).map((t, i) => t - (d.net.syncTimes[i] as number));
    // 0.999 × min(8000, 1000 × 2^n): doubling, capped.
    expect(gaps.map((g) => Math.round(g / 100) * 100)).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(d.coko.reading.syncStatus()).toMatchObject({ online: false, pending: 1 });
    expect(d.coko.reading.syncStatus().lastError?.code).toBe('NETWORK_ERROR');

    d.net.drop = 0;
    await until(idle(d));
    expect(server.table('p')).toHaveLength(1);
    expect(d.coko.reading.syncStatus()).toMatchObject({ online: true, lastError: null });
  });

  it.each(Array.from({ length: 10 }, (_, i) => i + 1))(
    'never duplicates, and converges, on a lossy slow network (seed %i)',
    async (seed) => {
      const server = new FakeReadingServer();
      const d = device(server, { net: { seed, drop: 0.3, loseResponse: 0.3, delay: [10, 3000] } });
      for (let n = 1; n <= 60; n++) {
        const created = await d.coko.reading.annotations.create(highlight(n));
        if (n % 3 === 0) await d.coko.reading.annotations.update(created.id, { note: `note ${n}` });
        if (n % 10 === 0) await d.coko.reading.annotations.delete(created.id);
        await d.coko.reading.saveProgress(BOOK, locator(n / 100));
        await vi.advanceTimersByTimeAsync(200);
      }
      await until(idle(d));
      const rows = server.table('a');
      expect([...server.inserts.values()].every((count) => count === 1)).toBe(true);
      // Every live annotation once, with its last edit; a deleted one is a tombstone, or was never
      // stored at all when its creation had not left the device before the deletion.
      expect(rows.filter((r) => !r.deleted_at)).toHaveLength(54);
      for (const n of [10, 20, 30, 40, 50, 60]) {
        const row = rows.find((r) => r.id === id(n));
        if (row) expect(row.deleted_at).not.toBeNull();
      }
      expect(rows.find((r) => r.id === id(33))?.note).toBe('note 33');
      expect(server.table('p')[0]?.locator).toEqual(locator(0.6));
      // The run did lose requests and answers (the server applied some changes twice, to no effect).
      expect(d.net.dropped + d.net.lost).toBeGreaterThan(0);
      expect(d.net.syncAttempts).toBe(server.syncCalls.length + d.net.dropped);
      expect(d.rejections).toEqual([]);
      expect(d.conflicts).toEqual([]);
    },
  );

  it('waits for the online event instead of polling while the device says it is offline', async () => {
    const server = new FakeReadingServer();
    const d = device(server, { online: false });
    await d.coko.reading.saveProgress(BOOK, locator(0.2));
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(d.net.attempts).toHaveLength(0);
    d.setOnline(true);
    await until(idle(d));
    expect(d.net.syncAttempts).toBe(1);
  });
});

describe('conflicts and rejections are reported, never swallowed', () => {
  it('reports a rejected change with the server message, drops it, and sends the rest', async () => {
    const server = new FakeReadingServer();
    server.books.add(BOOK);
    const d = device(server, { online: false });
    await d.coko.reading.saveProgress(OTHER_BOOK, locator(0.2));
    await d.coko.reading.annotations.create(highlight(1));
    d.setOnline(true);
    await until(idle(d));
    expect(d.rejections).toHaveLength(1);
    expect(d.rejections[0]?.change).toMatchObject({ op: 'progress.save', bookId: OTHER_BOOK });
    expect(d.rejections[0]?.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'book not found',
      details: { reason: 'SYNC_REJECTED' },
    });
    expect(d.events.filter((e) => e.type === 'rejected')).toHaveLength(1);
    expect(server.table('a')).toHaveLength(1);
    expect(d.coko.reading.syncStatus().pending).toBe(0);
  });

  it('reports a write that lost to a newer one from another device, with the winning row', async () => {
    const server = new FakeReadingServer();
    const phone = device(server, { deviceId: 'phone' });
    const tablet = device(server, { deviceId: 'tablet', online: false });
    await tablet.coko.reading.saveProgress(BOOK, locator(0.2)); // 08:00, offline
    await vi.advanceTimersByTimeAsync(60_000);
    await phone.coko.reading.saveProgress(BOOK, locator(0.6)); // 08:01, online
    await until(idle(phone));

    tablet.setOnline(true);
    await until(idle(tablet));
    expect(tablet.conflicts).toHaveLength(1);
    expect(tablet.conflicts[0]?.change).toMatchObject({ op: 'progress.save', deviceId: 'tablet' });
    expect(tablet.conflicts[0]?.current).toMatchObject({ bookId: BOOK, deviceId: 'phone', locator: locator(0.6) });
    expect(server.table('p')[0]?.locator).toEqual(locator(0.6));
    // The winning row also arrives as a pulled change.
    const synced = tablet.events.find((e) => e.type === 'synced');
    expect(synced?.type === 'synced' && synced.result.changes.progress[0]?.deviceId).toBe('phone');
  });

  it('keeps writes queued when the server refuses the whole call, and says why', async () => {
    const server = new FakeReadingServer();
    server.failWith = () =>
      new Response(JSON.stringify({ code: 'PGRST202', message: 'Could not find the function public.sync_reading' }), {
        status: 404,
        headers: { 'content-type': 'application/json' },
      });
    const d = device(server);
    await d.coko.reading.saveProgress(BOOK, locator(0.2));
    // The error mapping is a lazily imported chunk: wait for the failed sync itself, not a time.
    await until(() => d.coko.reading.syncStatus().lastError !== null && !d.coko.reading.syncStatus().syncing);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(d.net.syncAttempts).toBe(1); // not retried in a loop
    expect(d.coko.reading.syncStatus()).toMatchObject({ pending: 1, syncing: false });
    expect(d.coko.reading.syncStatus().lastError?.code).toBe('NOT_FOUND');
    server.failWith = undefined;
    await expect(d.coko.reading.sync()).resolves.toMatchObject({ pushed: 1 });
    expect(d.coko.reading.syncStatus().pending).toBe(0);
  });

  it('warns on the console when nobody listens to rejections', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const server = new FakeReadingServer();
    server.books.add(BOOK);
    const queue = createOfflineQueue({ storage: memoryStorage(), network: null, flushDelay: 0 });
    const net = simulateNetwork(server);
    const coko = createCoko({
      url: URL_BASE,
      publishableKey: KEY,
      fetch: net.fetch,
      accessToken: fakeJwt({ sub: 'r' }),
      offline: queue,
    });
    await coko.reading.saveProgress(OTHER_BOOK, locator(0.1));
    await coko.reading.sync();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('book not found'));
  });
});

describe('several readers on one device', () => {
  it("never sends one reader's writes with another reader's token", async () => {
    const server = new FakeReadingServer();
    const storage = memoryStorage();
    const amina = device(server, { storage, user: 'amina', online: false });
    await amina.coko.reading.saveProgress(BOOK, locator(0.4));
    amina.queue.close();

    const binta = device(server, { storage, user: 'binta' });
    await binta.coko.reading.saveProgress(OTHER_BOOK, locator(0.7));
    await until(() => binta.coko.reading.syncStatus().pending === 1 && !binta.coko.reading.syncStatus().syncing);
    expect(server.table('p').map((r) => [r.user_id, r.book_id])).toEqual([['binta', OTHER_BOOK]]);
    binta.queue.close();

    const back = device(server, { storage, user: 'amina' });
    await until(() => back.net.syncAttempts === 1 && idle(back)());
    expect(server.table('p').map((r) => [r.user_id, r.book_id])).toContainEqual(['amina', BOOK]);
  });
});

describe('read your own writes', () => {
  it('list() and getProgress() show queued writes on top of what the server returned', async () => {
    const server = new FakeReadingServer();
    const d = device(server);
    const kept = await d.coko.reading.annotations.create(highlight(1));
    const removed = await d.coko.reading.annotations.create(highlight(2));
    await until(idle(d));

    d.setOnline(false);
    await d.coko.reading.annotations.update(kept.id, { note: 'offline edit' });
    await d.coko.reading.annotations.delete(removed.id);
    const added = await d.coko.reading.annotations.create(highlight(3));
    await d.coko.reading.saveProgress(BOOK, locator(0.8));
    d.net.online = true; // the reads get through, the queue has not synced yet

    const list = await d.coko.reading.annotations.list(BOOK);
    expect(list.map((a) => [a.id, a.note])).toEqual([
      [kept.id, 'offline edit'],
      [added.id, null],
    ]);
    const withTombstones = await d.coko.reading.annotations.list(BOOK, { includeDeleted: true });
    expect(withTombstones.find((a) => a.id === removed.id)?.deletedAt).not.toBeNull();
    expect(await d.coko.reading.getProgress(BOOK)).toMatchObject({ locator: locator(0.8), percentage: 80 });
  });

  it('update() of an annotation the device never saw reads it from the server first', async () => {
    const server = new FakeReadingServer();
    const web = device(server, { deviceId: 'web' });
    const created = await web.coko.reading.annotations.create({ ...highlight(1), note: 'keep me' });
    await until(idle(web));

    const phone = device(server, { deviceId: 'phone' });
    await phone.coko.reading.annotations.update(created.id, { color: '#e57373' });
    await until(idle(phone));
    expect(phone.net.attempts[0]).toBe('annotations');
    expect(server.table('a')[0]).toMatchObject({ note: 'keep me', color: '#e57373', selected_text: 'passage 1' });
    await expect(phone.coko.reading.annotations.update(id(999), { note: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('storage failures', () => {
  it('a write that could not be stored rejects and is not sent', async () => {
    const server = new FakeReadingServer();
    const broken: OfflineStorage = {
      get: async () => undefined,
      set: async () => {
        throw new DOMException('quota exceeded', 'QuotaExceededError');
      },
      delete: async () => {},
    };
    const d = device(server, { storage: broken });
    await expect(d.coko.reading.saveProgress(BOOK, locator(0.2))).rejects.toThrow('quota exceeded');
    expect(d.coko.reading.syncStatus()).toMatchObject({ pending: 0 });
    expect(d.coko.reading.syncStatus().lastError?.message).toBe('quota exceeded');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(d.net.attempts).toEqual([]);
  });
});

describe('status', () => {
  it('emits status changes, synced results and nothing for unchanged status', async () => {
    const server = new FakeReadingServer();
    const d = device(server);
    await d.coko.reading.saveProgress(BOOK, locator(0.2));
    await until(idle(d));
    const types = d.events.map((e) => e.type);
    expect(types).toContain('synced');
    const statuses = d.events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
    expect(statuses.some((s) => s.syncing)).toBe(true);
    for (let i = 1; i < statuses.length; i++) expect(statuses[i]).not.toEqual(statuses[i - 1]);
    expect(d.coko.reading.syncStatus()).toBe(d.coko.reading.syncStatus());
  });

  it('sync() with nothing queued pulls and stores the checkpoint per reader', async () => {
    const server = new FakeReadingServer();
    const storage = memoryStorage();
    const web = device(server, { storage: memoryStorage() });
    await web.coko.reading.annotations.create(highlight(1));
    await until(idle(web));
    const phone = device(server, { storage });
    const first = await phone.coko.reading.sync();
    expect(first).toMatchObject({ pushed: 0, checkpoint: server.seq });
    expect(first.changes.annotations.map((a) => a.id)).toEqual([id(1)]);
    expect((await phone.coko.reading.sync()).changes.annotations).toEqual([]);
    expect(server.syncCalls.at(-1)).toEqual([]);
  });
});
