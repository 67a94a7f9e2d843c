import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { OfflineStorage } from './storage';

/**
 * Stores each key as a JSON file in `directory` (created on first write), for Node apps, CLIs and
 * tests. A write goes to a temporary file that is flushed to disk and then renamed over the old
 * one, so a crash leaves the previous value or the new one, never half of one.
 *
 * @example
 * ```ts
 * import { createOfflineQueue } from '@coko/sdk/offline'
 * import { fileStorage } from '@coko/sdk/node'
 *
 * const queue = createOfflineQueue({ storage: fileStorage('.coko') })
 * ```
 */
export function fileStorage(directory: string): OfflineStorage {
  const path = (key: string) => join(directory, `${encodeURIComponent(key)}.json`);
  return {
    async get(key) {
      try {
        return JSON.parse(await readFile(path(key), 'utf8'));
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async set(key, value) {
      await mkdir(directory, { recursive: true });
      const temporary = `${path(key)}.${randomUUID()}.tmp`;
      try {
        const file = await open(temporary, 'w');
        try {
          await file.writeFile(JSON.stringify(value));
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(temporary, path(key));
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
}
