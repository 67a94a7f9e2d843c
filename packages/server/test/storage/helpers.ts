import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CokoApp, createApp } from '../../src/app/create-app.ts';
import type { Config } from '../../src/config/index.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { type StoragePort, storageFromConfig } from '../../src/providers/storage/index.ts';
import { fakeDb, testConfig } from '../app/helpers.ts';

export const JWT_SECRET = 'a-test-jwt-secret-of-at-least-32-characters';

export interface LocalFiles {
  root: string;
  config: Config;
  /** The API's own adapter (what the access route signs with). */
  storage: StoragePort;
  app: CokoApp;
  /** The fake wall clock of signing and serving, in ms. */
  clock: { now: number };
  close(): void;
}

/** An API with the local storage adapter in a fresh temporary folder, and a shared fake clock. */
export function localFiles(overrides: Record<string, string> = {}): LocalFiles {
  const root = mkdtempSync(join(tmpdir(), 'coko-storage-test-'));
  const config = testConfig({
    COKO_JWT_SECRET: JWT_SECRET,
    STORAGE_LOCAL_ROOT: root,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  const clock = { now: Date.UTC(2026, 11, 7, 12, 0, 0) };
  const now = () => clock.now;
  const storage = storageFromConfig(config, { now });
  const app = createApp({
    config,
    db: fakeDb(),
    limits: false,
    logger: createLogger({ level: 'silent' }),
    storage,
    files: { now },
  });
  return { root, config, storage, app, clock, close: () => rmSync(root, { recursive: true, force: true }) };
}
