/**
 * Where the offline queue keeps its state: a small async key-value store. Values are plain
 * JSON-compatible objects. Adapters: `memoryStorage()`, `webStorage()` (localStorage),
 * `indexedDbStorage()` (browsers), `fileStorage(dir)` (Node, from `@coko/sdk/node`); React Native
 * apps can wrap AsyncStorage or MMKV in the same three methods.
 */
export interface OfflineStorage {
  /** The stored value, or `undefined`. */
  get(key: string): Promise<unknown>;
  /** Stores `value` durably before resolving. */
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Keeps values in memory (copied in and out, as a real store would). Nothing survives a reload:
 * use it for tests, server-side rendering, or to get batching and retries without persistence.
 *
 * @example
 * ```ts
 * const queue = createOfflineQueue({ storage: memoryStorage() })
 * ```
 */
export function memoryStorage(): OfflineStorage {
  const values = new Map<string, string>();
  return {
    async get(key) {
      const value = values.get(key);
      return value === undefined ? undefined : JSON.parse(value);
    },
    async set(key, value) {
      values.set(key, JSON.stringify(value));
    },
    async delete(key) {
      values.delete(key);
    },
  };
}

/**
 * Stores values as JSON in `localStorage` (or another Web Storage, e.g. `sessionStorage`). Simple
 * and synchronous underneath; about 5 MB per origin. Prefer `indexedDbStorage()` for large queues.
 *
 * @param storage - Default: `globalThis.localStorage`, looked up on first use (safe during SSR).
 *
 * @example
 * ```ts
 * const queue = createOfflineQueue({ storage: webStorage() })
 * ```
 */
export function webStorage(storage?: Storage): OfflineStorage {
  const store = () => storage ?? globalThis.localStorage;
  return {
    async get(key) {
      const value = store().getItem(key);
      return value === null ? undefined : JSON.parse(value);
    },
    async set(key, value) {
      store().setItem(key, JSON.stringify(value));
    },
    async delete(key) {
      store().removeItem(key);
    },
  };
}
