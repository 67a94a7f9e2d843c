// @vitest-environment happy-dom
import type {
  Annotation,
  CokoClient,
  Locator,
  ReadingEvent,
  ReadingProgress,
  ReadingStats,
  SyncResult,
  SyncStatus,
} from '@coko/sdk';
import { NetworkError } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cokoKeys, useAnnotations, useReadingProgress, useReadingStats, useSyncStatus } from '../src';
import { deferred, testQueryClient, wrapper } from './helpers';

const BOOK = '30000000-0000-4000-8000-000000000001';
const at = (total: number): Locator => ({
  href: 'chapter-1.xhtml',
  type: 'application/xhtml+xml',
  locations: { progression: total, totalProgression: total },
});
const T0 = new Date('2026-11-21T08:00:00.000Z');

const progressRow = (total: number, when = T0, device = 'phone'): ReadingProgress => ({
  bookId: BOOK,
  locator: at(total),
  percentage: total * 100,
  deviceId: device,
  deviceUpdatedAt: when.toISOString(),
  finishedAt: null,
  updatedAt: when.toISOString(),
});

const annotation = (n: number, extra: Partial<Annotation> = {}): Annotation => ({
  id: `50000000-0000-4000-8000-00000000000${n}`,
  bookId: BOOK,
  kind: 'highlight',
  locator: at(n / 10),
  selectedText: `passage ${n}`,
  note: null,
  color: '#ffd54f',
  deviceId: 'web',
  deviceUpdatedAt: T0.toISOString(),
  deletedAt: null,
  createdAt: new Date(T0.getTime() + n * 1000).toISOString(),
  updatedAt: T0.toISOString(),
  ...extra,
});

/** A CokoClient whose `reading` methods are vi.fn()s, with an event stream the test drives. */
function fakeReading(overrides: Record<string, unknown> = {}) {
  const listeners = new Set<(event: ReadingEvent) => void>();
  let status: SyncStatus = { online: true, pending: 0, syncing: false, lastSyncedAt: null, lastError: null };
  const fn = <T,>(impl: (...args: never[]) => T) => vi.fn(impl);
  const reading = {
    getProgress: fn(async () => null as ReadingProgress | null),
    saveProgress: fn(async () => {}),
    annotations: {
      list: fn(async () => [] as Annotation[]),
      create: fn(async (input: { id: string; bookId: string }) => annotation(9, { id: input.id, deviceId: 'sdk' })),
      update: fn(async () => {}),
      delete: fn(async () => {}),
    },
    sessions: { start: fn(async () => ({})), end: fn(async () => {}) },
    stats: fn(async () => ({}) as ReadingStats),
    sync: fn(async () => ({}) as SyncResult),
    syncStatus: () => status,
    subscribe: (listener: (event: ReadingEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ...overrides,
  };
  const client = { catalog: {}, reading } as unknown as CokoClient & { reading: typeof reading };
  const emit = (event: ReadingEvent) =>
    act(() => {
      for (const listener of listeners) listener(event);
    });
  const setStatus = (next: Partial<SyncStatus>) => {
    status = { ...status, ...next };
    emit({ type: 'status', status });
  };
  const synced = (changes: Partial<SyncResult['changes']>) =>
    emit({
      type: 'synced',
      result: { changes: { progress: [], annotations: [], sessions: [], ...changes }, checkpoint: 1, pushed: 0 },
    });
  return { client, reading, emit, setStatus, synced, listeners };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('useReadingProgress', () => {
  it('shows a saved position at once and writes the last one after the debounce, stamped when it was saved', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const { client, reading } = fakeReading({ getProgress: vi.fn(async () => progressRow(0.1)) });
    const queryClient = testQueryClient();
    const { result } = renderHook(() => useReadingProgress(BOOK, { debounceMs: 30 }), {
      wrapper: wrapper(client, queryClient),
    });
    await waitFor(() => expect(result.current.locator).toEqual(at(0.1)));

    act(() => result.current.save(at(0.2)));
    expect(result.current.locator).toEqual(at(0.2));
    vi.setSystemTime(new Date(T0.getTime() + 1000));
    act(() => result.current.save(at(0.3)));
    expect(result.current.locator).toEqual(at(0.3));
    expect(queryClient.getQueryData(cokoKeys.reading.progress(BOOK))).toMatchObject({
      locator: at(0.3),
      percentage: 30,
    });
    vi.setSystemTime(new Date(T0.getTime() + 60_000)); // the write goes out later…

    await waitFor(() => expect(reading.saveProgress).toHaveBeenCalledTimes(1));
    // …stamped with the time of the reader's action.
    expect(reading.saveProgress).toHaveBeenCalledWith(BOOK, at(0.3), {
      deviceUpdatedAt: new Date(T0.getTime() + 1000),
    });
    expect(result.current.locator).toEqual(at(0.3));
  });

  it('writes a pending position at once on unmount and when the page is hidden', async () => {
    const { client, reading } = fakeReading();
    const { result, unmount } = renderHook(() => useReadingProgress(BOOK, { debounceMs: 60_000 }), {
      wrapper: wrapper(client),
    });
    act(() => result.current.save(at(0.4)));
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(() => expect(reading.saveProgress).toHaveBeenCalledTimes(1));
    // Hidden: the tab may be closed next, so the write is sent with fetch's keepalive.
    expect(reading.saveProgress.mock.calls[0]?.[2]).toMatchObject({ keepalive: true });
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });

    act(() => result.current.save(at(0.5)));
    unmount();
    await waitFor(() => expect(reading.saveProgress).toHaveBeenCalledTimes(2));
    expect(reading.saveProgress.mock.calls[1]?.[1]).toEqual(at(0.5));
    expect(reading.saveProgress.mock.calls[1]?.[2]).not.toHaveProperty('keepalive');
  });

  it('falls back to the server position when the write fails', async () => {
    let stored = progressRow(0.1);
    const { client } = fakeReading({
      getProgress: vi.fn(async () => stored),
      saveProgress: vi.fn(async () => {
        throw new NetworkError('offline');
      }),
    });
    const { result } = renderHook(() => useReadingProgress(BOOK, { debounceMs: 1 }), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.locator).toEqual(at(0.1)));
    stored = progressRow(0.15);
    act(() => result.current.save(at(0.9)));
    expect(result.current.locator).toEqual(at(0.9));
    await waitFor(() => expect(result.current.saveError?.code).toBe('NETWORK_ERROR'));
    await waitFor(() => expect(result.current.locator).toEqual(at(0.15)));
  });

  it('takes newer progress pulled from other devices, and refetches after a conflict', async () => {
    const getProgress = vi.fn(async () => progressRow(0.1));
    const { client, synced, emit } = fakeReading({ getProgress });
    const { result } = renderHook(() => useReadingProgress(BOOK), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.locator).toEqual(at(0.1)));

    const later = new Date(T0.getTime() + 60_000);
    synced({ progress: [{ ...progressRow(0.7, later, 'tablet'), createdAt: '', changeSeq: 5 }] });
    await waitFor(() => expect(result.current.locator).toEqual(at(0.7)));
    synced({ progress: [{ ...progressRow(0.2, T0, 'old-phone'), createdAt: '', changeSeq: 6 }] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(result.current.locator).toEqual(at(0.7));

    emit({
      type: 'conflict',
      change: {
        op: 'progress.save',
        bookId: BOOK,
        deviceId: 'web',
        deviceUpdatedAt: T0.toISOString(),
        locator: at(0.3),
      },
    });
    await waitFor(() => expect(getProgress).toHaveBeenCalledTimes(2));
  });

  it('is idle without a book', () => {
    const { client, reading } = fakeReading();
    const { result } = renderHook(() => useReadingProgress(undefined), { wrapper: wrapper(client) });
    expect(result.current.fetchStatus).toBe('idle');
    act(() => result.current.save(at(0.1)));
    expect(reading.saveProgress).not.toHaveBeenCalled();
  });
});

describe('useAnnotations', () => {
  it('creates optimistically with a client id, then keeps what the SDK returned', async () => {
    const write = deferred<Annotation>();
    const { client, reading } = fakeReading({
      annotations: {
        ...fakeReading().reading.annotations,
        list: vi.fn(async () => [annotation(1)]),
        create: vi.fn(() => write.promise),
      },
    });
    const { result } = renderHook(() => useAnnotations(BOOK), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.data).toHaveLength(1));

    let created!: Annotation;
    act(() => {
      created = result.current.create({ kind: 'note', locator: at(0.5), note: 'À relire', color: '#81C784' });
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => expect(result.current.data?.map((a) => a.id)).toEqual([annotation(1).id, created.id]));
    expect(result.current.data?.[1]).toMatchObject({ note: 'À relire', color: '#81c784', bookId: BOOK });
    expect(reading.annotations.create).toHaveBeenCalledWith(
      { kind: 'note', locator: at(0.5), note: 'À relire', color: '#81C784', id: created.id, bookId: BOOK },
      { deviceUpdatedAt: new Date(created.deviceUpdatedAt) },
    );
    write.resolve({ ...created, deviceId: 'stored' });
    await waitFor(() => expect(result.current.data?.[1]?.deviceId).toBe('stored'));
  });

  it('rolls back a failed create, update and delete (and refetches)', async () => {
    const list = vi.fn(async () => [annotation(1), annotation(2)]);
    const fail = async () => {
      throw new NetworkError('offline');
    };
    const { client } = fakeReading({
      annotations: {
        ...fakeReading().reading.annotations,
        list,
        create: vi.fn(fail),
        update: vi.fn(fail),
        delete: vi.fn(fail),
      },
    });
    const { result } = renderHook(() => useAnnotations(BOOK), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.data).toHaveLength(2));
    const ids = () => result.current.data?.map((a) => [a.id, a.color]);
    const before = ids();

    act(() => {
      result.current.create({ kind: 'bookmark', locator: at(0.9) });
    });
    await waitFor(() => expect(result.current.saveError?.code).toBe('NETWORK_ERROR'));
    await waitFor(() => expect(ids()).toEqual(before));

    act(() => result.current.update(annotation(1).id, { color: '#E57373' }));
    await waitFor(() => expect(result.current.isSaving).toBe(false));
    expect(ids()).toEqual(before);

    act(() => result.current.remove(annotation(1).id));
    await waitFor(() => expect(result.current.isSaving).toBe(false));
    expect(ids()).toEqual(before); // back at its place, first
    await waitFor(() => expect(list.mock.calls.length).toBeGreaterThanOrEqual(2));
  });

  it('updates and deletes optimistically', async () => {
    const update = deferred<void>();
    const remove = deferred<void>();
    const { client } = fakeReading({
      annotations: {
        ...fakeReading().reading.annotations,
        list: vi.fn(async () => [annotation(1), annotation(2)]),
        update: vi.fn(() => update.promise),
        delete: vi.fn(() => remove.promise),
      },
    });
    const { result } = renderHook(() => useAnnotations(BOOK), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.data).toHaveLength(2));
    act(() => result.current.update(annotation(2).id, { note: 'vu', color: '#E57373', selectedText: null }));
    await waitFor(() =>
      expect(result.current.data?.[1]).toMatchObject({ note: 'vu', color: '#e57373', selectedText: null }),
    );
    act(() => result.current.remove(annotation(1).id));
    await waitFor(() => expect(result.current.data?.map((a) => a.id)).toEqual([annotation(2).id]));
    update.resolve();
    remove.resolve();
    await waitFor(() => expect(result.current.isSaving).toBe(false));
    expect(result.current.data?.map((a) => a.id)).toEqual([annotation(2).id]);
  });

  it('merges annotations pulled from other devices and refetches when the server rejects a queued write', async () => {
    const list = vi.fn(async () => [annotation(1), annotation(2)]);
    const { client, synced, emit } = fakeReading({ annotations: { ...fakeReading().reading.annotations, list } });
    const { result } = renderHook(() => useAnnotations(BOOK), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.data).toHaveLength(2));
    const later = new Date(T0.getTime() + 60_000).toISOString();
    synced({
      annotations: [
        { ...annotation(3), deviceId: 'tablet', changeSeq: 3 },
        { ...annotation(1), deletedAt: later, deviceUpdatedAt: later, changeSeq: 4 },
        { ...annotation(2), note: 'tablet note', deviceUpdatedAt: later, changeSeq: 5 },
        { ...annotation(4), bookId: '30000000-0000-4000-8000-000000000009', changeSeq: 6 },
      ],
    });
    await waitFor(() =>
      expect(result.current.data?.map((a) => [a.id, a.note])).toEqual([
        [annotation(2).id, 'tablet note'],
        [annotation(3).id, null],
      ]),
    );

    emit({
      type: 'rejected',
      change: { op: 'annotation.delete', id: annotation(2).id, bookId: BOOK, deviceId: 'web', deviceUpdatedAt: later },
      error: new NetworkError('x'),
    });
    await waitFor(() => expect(list).toHaveBeenCalledTimes(2));
  });
});

describe('useReadingStats and useSyncStatus', () => {
  it('useReadingStats calls stats with the range', async () => {
    const stats = { currentStreak: 3 } as ReadingStats;
    const { client, reading } = fakeReading({ stats: vi.fn(async () => stats) });
    const range = { from: '2026-11-01', to: '2026-11-30' };
    const { result } = renderHook(() => useReadingStats(range), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.data).toEqual(stats));
    expect(reading.stats).toHaveBeenCalledWith(range, { signal: expect.any(AbortSignal) });
  });

  it('useSyncStatus follows the status observable', () => {
    const { client, setStatus, listeners } = fakeReading();
    const { result, unmount } = renderHook(() => useSyncStatus(), { wrapper: wrapper(client) });
    expect(result.current).toMatchObject({ online: true, pending: 0 });
    setStatus({ online: false, pending: 3 });
    expect(result.current).toMatchObject({ online: false, pending: 3 });
    unmount();
    expect(listeners.size).toBe(0);
  });
});
