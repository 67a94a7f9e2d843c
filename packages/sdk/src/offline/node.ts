// `@coko/sdk/node`: Node-only helpers (they import node:*), kept out of the core and of
// `@coko/sdk/offline` so browsers and React Native never see them.
export { fileStorage } from './file-storage';
