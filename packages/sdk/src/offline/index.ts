// `@coko/sdk/offline`: the durable write queue of `coko.reading` and its browser storages. A
// separate entry so apps that never queue writes do not ship it. Node's file storage is in
// `@coko/sdk/node` (it imports node:fs, which browsers and React Native must never see).
export { type IndexedDbStorageOptions, indexedDbStorage } from './indexed-db';
export { browserNetwork, type NetworkMonitor } from './network';
export { createOfflineQueue, MAX_BATCH, type OfflineQueue, type OfflineQueueOptions } from './queue';
export { memoryStorage, type OfflineStorage, webStorage } from './storage';
