import { beforeAll, describe, expect, it } from 'vitest';
import { type CokoClient, createCoko, type Locator, type SyncConflict, ValidationError } from '../src';
import { createOfflineQueue, memoryStorage, type OfflineQueue } from '../src/offline';

// Real-stack tests of coko.reading: PostgREST, the reading migrations (RLS, last-writer-wins
// triggers, sync_reading, reading_stats) and the seed's demo reader. The root harness
// (test/setup-stack.ts) sets COKO_TEST_URL and friends; without them there is nothing to talk to.
const url = process.env.COKO_TEST_URL;
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const DEMO_READER = { id: '00000000-0000-4000-8000-000000000001' };

/** A token for the demo reader, minted with the test stack's keys (only the root harness has them). */
async function demoToken(): Promise<string> {
  const [{ mintUserToken }, { testStack }] = await Promise.all([
    import('@coko/server/dev'),
    import('../../../test/stack.js'),
  ]);
  return mintUserToken(testStack().keys, DEMO_READER, { expiresInSeconds: 600 });
}

const at = (total: number, href = 'chapter-2.xhtml'): Locator => ({
  href,
  type: 'application/xhtml+xml',
  locations: { progression: total, totalProgression: total, position: Math.max(1, Math.round(total * 200)) },
});
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** A device: its own client, offline queue and network switch, counting what reaches the network. */
function device(token: string, deviceId: string) {
  const listeners = new Set<(online: boolean) => void>();
  let online = true;
  const requests: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    if (!online) throw new TypeError('Failed to fetch (offline)');
    const request = new Request(input, init);
    requests.push(new URL(request.url).pathname);
    return fetch(request);
  };
  const conflicts: SyncConflict[] = [];
  const queue: OfflineQueue = createOfflineQueue({
    storage: memoryStorage(),
    network: {
      online: () => online,
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    onConflict: (c) => conflicts.push(c),
    onRejected: ({ error }) => {
      throw error;
    },
  });
  const coko = createCoko({
    url: url ?? '',
    publishableKey,
    accessToken: token,
    fetch: fetchImpl,
    offline: queue,
    deviceId,
  });
  const setOnline = (next: boolean) => {
    online = next;
    for (const listener of listeners) listener(next);
  };
  return { coko, queue, requests, conflicts, setOnline };
}

async function drained(coko: CokoClient) {
  for (let i = 0; i < 300; i++) {
    const status = coko.reading.syncStatus();
    if (status.pending === 0 && !status.syncing) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`queue not drained: ${JSON.stringify(coko.reading.syncStatus())}`);
}

describe.skipIf(!url)('reading against the real stack', () => {
  let token: string;
  let books: string[];

  beforeAll(async () => {
    token = await demoToken();
    const guest = createCoko({ url: url ?? '', publishableKey });
    books = (await guest.catalog.list({ limit: 5 })).data.map((b) => b.id);
    expect(books.length).toBeGreaterThanOrEqual(4);
  });

  it('without a queue: progress, annotations, sessions and stats through PostgREST', async () => {
    const coko = createCoko({ url: url ?? '', publishableKey, accessToken: token, deviceId: 'web-direct' });
    const book = books[0] as string;
    expect(await coko.reading.getProgress(book)).toBeNull();
    await coko.reading.saveProgress(book, at(0.42), { deviceUpdatedAt: minutesAgo(5) });
    expect(await coko.reading.getProgress(book)).toMatchObject({
      locator: at(0.42),
      percentage: 42,
      deviceId: 'web-direct',
    });
    // An older device clock never overwrites newer progress.
    await coko.reading.saveProgress(book, at(0.1), { deviceUpdatedAt: minutesAgo(10) });
    expect((await coko.reading.getProgress(book))?.locator).toEqual(at(0.42));

    const note = await coko.reading.annotations.create({
      bookId: book,
      kind: 'note',
      locator: at(0.4),
      note: 'À relire',
      color: '#81C784',
    });
    await coko.reading.annotations.update(note.id, { note: 'Relu' });
    const [listed] = await coko.reading.annotations.list(book);
    expect(listed).toMatchObject({ id: note.id, note: 'Relu', color: '#81c784', deletedAt: null });
    await coko.reading.annotations.delete(note.id);
    expect(await coko.reading.annotations.list(book)).toEqual([]);
    const [tombstone] = await coko.reading.annotations.list(book, { includeDeleted: true });
    expect(tombstone).toMatchObject({ id: note.id, note: null, selectedText: null });
    expect(tombstone?.deletedAt).not.toBeNull();

    const sessionStart = minutesAgo(30);
    const session = await coko.reading.sessions.start(
      book,
      { deviceType: 'web', startProgression: 0.4 },
      { deviceUpdatedAt: sessionStart },
    );
    await coko.reading.sessions.end(
      session.id,
      { endProgression: 0.42, pagesRead: 6 },
      { deviceUpdatedAt: minutesAgo(5) },
    );
    const today = new Date().toISOString().slice(0, 10);
    // Run just after midnight (UTC), the session's 25 minutes fall on two days: ask for both.
    const stats = await coko.reading.stats({ from: sessionStart.toISOString().slice(0, 10), to: today, tz: 'UTC' });
    expect(stats.minutesPerDay.length).toBeGreaterThanOrEqual(1);
    expect(stats.minutesPerDay.reduce((sum, day) => sum + day.minutes, 0)).toBeGreaterThanOrEqual(20);
    expect(stats.booksStarted).toBeGreaterThanOrEqual(1);

    await expect(coko.reading.stats({ from: today, to: today, tz: 'Mars/Olympus' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('a save sent with keepalive (the hide flush) lands like any other, under a 16-character device id', async () => {
    const coko = createCoko({ url: url ?? '', publishableKey, accessToken: token });
    const book = books[4] ?? (books[0] as string);
    await coko.reading.saveProgress(book, at(0.61), { keepalive: true });
    const row = await coko.reading.getProgress(book);
    expect(row?.locator).toEqual(at(0.61));
    expect(row?.deviceId).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('two devices editing the same book offline converge once both have synced', async () => {
    const book = books[1] as string;
    const phone = device(token, 'phone');
    const tablet = device(token, 'tablet');
    phone.setOnline(false);
    tablet.setOnline(false);

    // Offline on both: the tablet read further later; both annotate; the phone deletes what the tablet then edits.
    await phone.coko.reading.saveProgress(book, at(0.3), { deviceUpdatedAt: minutesAgo(20) });
    await tablet.coko.reading.saveProgress(book, at(0.55), { deviceUpdatedAt: minutesAgo(10) });
    const shared = await phone.coko.reading.annotations.create(
      { bookId: book, kind: 'highlight', locator: at(0.25), selectedText: 'le fleuve' },
      { deviceUpdatedAt: minutesAgo(19) },
    );
    await phone.coko.reading.annotations.create(
      { bookId: book, kind: 'bookmark', locator: at(0.3) },
      { deviceUpdatedAt: minutesAgo(18) },
    );
    await tablet.coko.reading.annotations.create(
      { bookId: book, kind: 'note', locator: at(0.5), note: 'tablette' },
      { deviceUpdatedAt: minutesAgo(9) },
    );

    // The tablet syncs first, then the phone (whose progress is older: it loses, and is told).
    tablet.setOnline(true);
    await drained(tablet.coko);
    phone.setOnline(true);
    await drained(phone.coko);
    expect(phone.conflicts.map((c) => c.change.op)).toEqual(['progress.save']);
    expect(phone.conflicts[0]?.current).toMatchObject({ deviceId: 'tablet' });

    // Now the tablet learns of the phone's highlight, edits it later than the phone deletes it.
    const pulled = await tablet.coko.reading.sync();
    expect(pulled.changes.annotations.map((a) => a.id)).toContain(shared.id);
    await phone.coko.reading.annotations.delete(shared.id, { deviceUpdatedAt: minutesAgo(8) });
    await tablet.coko.reading.annotations.update(shared.id, { color: '#e57373' }, { deviceUpdatedAt: minutesAgo(7) });
    await drained(phone.coko);
    await drained(tablet.coko);

    const views = await Promise.all(
      [phone, tablet].map(async (d) => ({
        progress: (await d.coko.reading.getProgress(book))?.locator,
        annotations: (await d.coko.reading.annotations.list(book)).map((a) => [a.id, a.kind, a.color, a.note]),
      })),
    );
    expect(views[0]).toEqual(views[1]);
    expect(views[0]?.progress).toEqual(at(0.55));
    // The later edit restored the highlight the phone had deleted.
    expect(views[0]?.annotations).toContainEqual([shared.id, 'highlight', '#e57373', null]);
    expect(views[0]?.annotations).toHaveLength(3);
  });

  it('500 writes queued offline replay in at most 3 requests', async () => {
    const book = books[2] as string;
    const d = device(token, 'bulk');
    d.setOnline(false);
    for (let i = 0; i < 500; i++) {
      await d.coko.reading.annotations.create(
        { bookId: book, kind: 'highlight', locator: at(i / 500), selectedText: `passage ${i}` },
        { deviceUpdatedAt: minutesAgo(60 - i / 10) },
      );
    }
    expect(d.coko.reading.syncStatus().pending).toBe(500);
    expect(d.requests).toEqual([]);

    d.setOnline(true);
    await drained(d.coko);
    expect(d.requests.length).toBeLessThanOrEqual(3);
    expect(d.requests.every((path) => path === '/rest/v1/rpc/sync_reading')).toBe(true);
    const plain = createCoko({ url: url ?? '', publishableKey, accessToken: token });
    expect(await plain.reading.annotations.list(book)).toHaveLength(500);

    // Replaying the same writes again (a lost answer) changes nothing.
    const again = device(token, 'bulk');
    const queued = await plain.reading.annotations.list(book);
    for (const a of queued.slice(0, 50)) {
      await again.queue.push({
        op: 'annotation.upsert',
        id: a.id,
        bookId: book,
        kind: a.kind,
        locator: a.locator,
        selectedText: a.selectedText,
        deviceId: 'bulk',
        deviceUpdatedAt: a.deviceUpdatedAt,
      });
    }
    const result = await again.coko.reading.sync();
    expect(result.pushed).toBe(50);
    expect(again.conflicts).toEqual([]);
    expect(await plain.reading.annotations.list(book)).toHaveLength(500);
  });

  it('guests cannot read or write reading data', async () => {
    const guest = createCoko({ url: url ?? '', publishableKey });
    await expect(guest.reading.saveProgress(books[3] as string, at(0.1))).rejects.toMatchObject({ status: 401 });
  });
});
