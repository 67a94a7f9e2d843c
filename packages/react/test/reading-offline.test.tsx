// @vitest-environment happy-dom
import { createCoko, type Locator } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createOfflineQueue, memoryStorage } from '../../sdk/src/offline';
import { fakeJwt } from '../../sdk/test/helpers';
import { FakeReadingServer, manualNetwork, simulateNetwork } from '../../sdk/test/offline-sim';
import { useAnnotations, useReadingProgress, useSyncStatus } from '../src';
import { wrapper } from './helpers';

// The hooks on a real client with an offline queue, against the SDK's simulated backend.

const BOOK = '30000000-0000-4000-8000-000000000001';
const at = (total: number): Locator => ({
  href: 'chapter-1.xhtml',
  type: 'application/xhtml+xml',
  locations: { progression: total, totalProgression: total },
});

function offlineClient() {
  const server = new FakeReadingServer();
  const net = simulateNetwork(server);
  const monitor = manualNetwork(false);
  net.online = false;
  const queue = createOfflineQueue({ storage: memoryStorage(), network: monitor, flushDelay: 10 });
  const coko = createCoko({
    url: 'https://coko.test',
    publishableKey: 'pk',
    fetch: net.fetch,
    retries: 0,
    accessToken: fakeJwt({ sub: 'reader-1' }),
    offline: queue,
  });
  const goOnline = () =>
    act(() => {
      net.online = true;
      monitor.set(true);
    });
  return { coko, server, goOnline };
}

describe('reading hooks with the offline queue', () => {
  it('annotate and read offline: shown at once, queued, synced when back online', async () => {
    const { coko, server, goOnline } = offlineClient();
    const { result } = renderHook(
      () => ({
        annotations: useAnnotations(BOOK),
        progress: useReadingProgress(BOOK, { debounceMs: 10 }),
        status: useSyncStatus(),
      }),
      { wrapper: wrapper(coko) },
    );
    // The initial reads fail offline; writes still work.
    act(() => {
      result.current.annotations.create({ kind: 'highlight', locator: at(0.2), selectedText: 'le fleuve' });
      result.current.progress.save(at(0.25));
    });
    expect(result.current.progress.locator).toEqual(at(0.25));
    await waitFor(() => expect(result.current.annotations.data).toHaveLength(1));
    await waitFor(() => expect(result.current.status).toMatchObject({ pending: 2, online: false }));
    expect(result.current.annotations.saveError).toBeNull();
    expect(server.syncCalls).toEqual([]);

    goOnline();
    await waitFor(() => expect(result.current.status).toMatchObject({ pending: 0, online: true, syncing: false }));
    expect(server.table('a')).toHaveLength(1);
    expect(server.table('p')[0]?.locator).toEqual(at(0.25));
    expect(result.current.annotations.data?.[0]?.selectedText).toBe('le fleuve');
    expect(result.current.status.lastSyncedAt).not.toBeNull();
  });

  it('a queued write the server rejects disappears from the list', async () => {
    const { coko, server, goOnline } = offlineClient();
    server.books.add('30000000-0000-4000-8000-000000000099'); // BOOK does not exist
    const { result } = renderHook(() => useAnnotations(BOOK), { wrapper: wrapper(coko) });
    act(() => {
      result.current.create({ kind: 'bookmark', locator: at(0.5) });
    });
    await waitFor(() => expect(result.current.data).toHaveLength(1));
    goOnline();
    await waitFor(() => expect(result.current.data).toEqual([]));
    expect(server.table('a')).toEqual([]);
  });
});
