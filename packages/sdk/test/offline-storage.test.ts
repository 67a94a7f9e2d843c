import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, describe, expect, it } from 'vitest';
import { browserNetwork, indexedDbStorage, memoryStorage, type OfflineStorage, webStorage } from '../src/offline';
import { fileStorage } from '../src/offline/node';

// Every adapter honours the same contract: JSON values in, equal values out, delete forgets.

/** A Web Storage in memory (the Storage interface localStorage implements). */
function fakeWebStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => {
      items.delete(key);
    },
    setItem: (key, value) => {
      items.set(key, String(value));
    },
  };
}

const directories: string[] = [];
afterAll(async () => {
  for (const dir of directories) await rm(dir, { recursive: true, force: true });
});

const adapters: [string, () => Promise<OfflineStorage>][] = [
  ['memoryStorage', async () => memoryStorage()],
  ['webStorage', async () => webStorage(fakeWebStorage())],
  ['indexedDbStorage', async () => indexedDbStorage({ indexedDB: new IDBFactory(), database: 'coko-test' })],
  [
    'fileStorage',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'coko-offline-'));
      directories.push(dir);
      return fileStorage(join(dir, 'nested'));
    },
  ],
];

describe.each(adapters)('%s', (_, create) => {
  it('round-trips JSON values, overwrites and deletes', async () => {
    const storage = await create();
    expect(await storage.get('coko:reading')).toBeUndefined();
    const value = { v: 1, entries: [{ change: { op: 'progress.save', note: 'é 📚', n: 1.5, none: null } }] };
    await storage.set('coko:reading', value);
    expect(await storage.get('coko:reading')).toEqual(value);
    await storage.set('coko:reading', { v: 2 });
    expect(await storage.get('coko:reading')).toEqual({ v: 2 });
    await storage.set('other/key?', [1, 2]);
    await storage.delete('coko:reading');
    expect(await storage.get('coko:reading')).toBeUndefined();
    expect(await storage.get('other/key?')).toEqual([1, 2]);
    await storage.delete('missing');
  });

  it('does not share the stored value with the caller', async () => {
    const storage = await create();
    const value = { list: [1] };
    await storage.set('k', value);
    value.list.push(2);
    expect(await storage.get('k')).toEqual({ list: [1] });
  });
});

describe('fileStorage', () => {
  it('replaces files atomically (no temporary file left behind)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coko-offline-'));
    directories.push(dir);
    const storage = fileStorage(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => storage.set('queue', { i })));
    expect(await readdir(dir)).toEqual(['queue.json']);
    expect(await storage.get('queue')).toMatchObject({ i: expect.any(Number) });
  });
});

describe('indexedDbStorage', () => {
  it('keeps values across connections to the same database', async () => {
    const factory = new IDBFactory();
    await indexedDbStorage({ indexedDB: factory }).set('k', { saved: true });
    expect(await indexedDbStorage({ indexedDB: factory }).get('k')).toEqual({ saved: true });
  });
});

describe('browserNetwork', () => {
  it('counts as online where there is no navigator.onLine nor events (Node, React Native, SSR)', () => {
    const network = browserNetwork();
    expect(network.online()).toBe(true);
    const unsubscribe = network.subscribe(() => {});
    unsubscribe();
  });
});
