import type { OfflineStorage } from './storage';

/** Options of `indexedDbStorage()`. */
export interface IndexedDbStorageOptions {
  /** Database name. Default `coko`. */
  database?: string;
  /** Object store name. Default `kv`. */
  store?: string;
  /** The IndexedDB factory. Default: `globalThis.indexedDB`, looked up on first use. */
  indexedDB?: IDBFactory;
}

/**
 * Stores values in IndexedDB (one object store used as a key-value table), the browser's durable
 * store: large quotas, and writes are committed with `durability: 'strict'` before `set()`
 * resolves. A small wrapper, no library.
 *
 * @example
 * ```ts
 * const queue = createOfflineQueue({ storage: indexedDbStorage() })
 * ```
 */
export function indexedDbStorage(options: IndexedDbStorageOptions = {}): OfflineStorage {
  const storeName = options.store ?? 'kv';
  let opening: Promise<IDBDatabase> | undefined;

  const open = () =>
    (opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = (options.indexedDB ?? globalThis.indexedDB).open(options.database ?? 'coko', 1);
      request.onupgradeneeded = () => request.result.createObjectStore(storeName);
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrades the database: let it, and reopen on next use.
        db.onversionchange = () => {
          db.close();
          opening = undefined;
        };
        resolve(db);
      };
      request.onerror = () => {
        opening = undefined;
        reject(request.error);
      };
    }));

  /** Runs one request in its own transaction; resolves with its result once the transaction commits. */
  const run = async <T>(mode: IDBTransactionMode, send: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await open();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(storeName, mode, { durability: 'strict' });
      const request = send(tx.objectStore(storeName));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = tx.onabort = () => reject(tx.error ?? request.error);
    });
  };

  return {
    get: (key) => run('readonly', (store) => store.get(key)),
    set: async (key, value) => {
      await run('readwrite', (store) => store.put(value, key));
    },
    delete: async (key) => {
      await run('readwrite', (store) => store.delete(key));
    },
  };
}
