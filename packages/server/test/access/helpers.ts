// Fixtures for the access route tests: books with real files published into the test stack's own
// storage folder (the API process reads the same folder), readers, tokens, and an in-process app with
// download limits on a fake clock.
import { mintUserToken } from '@coko/server/dev';
import { unzipSync } from 'fflate';
import pg from 'pg';
import { afterAll } from 'vitest';
import { adminQuery } from '../../../../supabase/tests/helpers.ts';
import { newBook } from '../../../../supabase/tests/payments-helpers.ts';
import { testStack } from '../../../../test/stack.ts';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { DemoBookText } from '../../src/content/demo/book-text.ts';
import { CHARACTERS_PER_PAGE } from '../../src/content/demo/catalog.ts';
import { generateDemoFile } from '../../src/content/demo/generate.ts';
import { publishBookFiles } from '../../src/content/publish.ts';
import { recordBookFiles } from '../../src/content/record-book-files.ts';
import { tokenServiceFromConfig } from '../../src/identity/index.ts';
import { limitsFromConfig } from '../../src/limits/from-config.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { localStorage } from '../../src/providers/storage/local.ts';
import type { StoragePort } from '../../src/providers/storage/port.ts';
import { createUrlSigner, deriveSigningSecret } from '../../src/providers/storage/signing.ts';

export const stack = testStack();
export const API = `${stack.url}/functions/v1/api`;

if (!stack.storageRoot) throw new Error('the test stack has no storage folder');
/** The stack API's signer: the key every process derives from the project's JWT secret. */
export const signer = createUrlSigner(deriveSigningSecret(stack.keys.jwtSecret));
/** The folder the stack's API reads, written directly (as `coko dev` publishes the demo books). */
export const storage: StoragePort = localStorage({
  root: stack.storageRoot,
  signer,
  filesUrl: `${API}/v1/files`,
  publicUrl: stack.url,
});

const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
});

const SAMPLE: DemoBookText = {
  id: '3f0c1b8e-1d4e-4a7b-9c1a-5b2e8f0d7a61',
  title: 'Le Pagne noir',
  subtitle: null,
  authors: ['Bernard Dadié'],
  publisher: 'Éditions Teranga Plume',
  language: 'fr',
  isbn: null,
};

const samples = new Map<string, Promise<Uint8Array>>();
/** A generated EPUB 3 (4 chapters unless told) or PDF (the demo generator), made once per file. */
export function sampleEpub(chapters = 4, format: 'epub' | 'pdf' = 'epub'): Promise<Uint8Array> {
  const key = `${format}:${chapters}`;
  let sample = samples.get(key);
  if (!sample) {
    sample = generateDemoFile(SAMPLE, { seed: 0, format, chapters, chapterCharacters: 2 * CHARACTERS_PER_PAGE });
    samples.set(key, sample);
  }
  return sample;
}

/** The files inside an EPUB, by path. */
export const epubEntries = (bytes: Uint8Array): Record<string, Uint8Array> => unzipSync(bytes);

/** Publishes `bytes` as the book's file and points its row at it, as `coko dev` does. */
export async function publish(id: string, bytes: Uint8Array, format: 'epub' | 'pdf' = 'epub'): Promise<void> {
  const files = await publishBookFiles(storage, id, bytes, format);
  await recordBookFiles({ query: (text, values) => adminQuery(text, values).then((rows) => ({ rows })) }, id, files);
}

/** A book (see payments-helpers `newBook`) with the sample EPUB published. */
export async function bookWithFile(options: Parameters<typeof newBook>[0] = {}): Promise<string> {
  const id = await newBook(options);
  await publish(id, await sampleEpub());
  return id;
}

export const setCountry = (userId: string, country: string | null) =>
  adminQuery('update public.profiles set country = $2 where id = $1', [userId, country]);

export function tokenFor(userId: string): Promise<string> {
  return mintUserToken(stack.keys, { id: userId }, { expiresInSeconds: 600 });
}

/** GET of the access route through the gateway, with the reader's token unless `userId` is null. */
export async function access(bookId: string, userId: string | null): Promise<Response> {
  const headers: Record<string, string> = {};
  if (userId) headers.authorization = `Bearer ${await tokenFor(userId)}`;
  return fetch(`${API}/v1/books/${bookId}/access`, { headers });
}

export async function errorOf(res: Response): Promise<{ code: string; message: string; details?: unknown }> {
  return ((await res.json()) as { error: { code: string; message: string; details?: unknown } }).error;
}

/**
 * The API in this process on its own pool, download limits on (the seed's: 10/hour, 3 at once) with a fake
 * clock (`rateLimits` overrides the seed's), reading `storage` (default the stack's folder). Tokens of {@link tokenFor} are valid for it.
 */
export function limitedApi(clock: { now: number }, appStorage: StoragePort = storage, rateLimits = '') {
  const config = loadConfig({
    COKO_ENV: 'test',
    LOG_LEVEL: 'silent',
    COKO_JWT_SECRET: stack.keys.jwtSecret,
    COKO_JWT_SIGNING_KEY: JSON.stringify(stack.keys.es256.privateJwk),
    STORAGE_LOCAL_ROOT: stack.storageRoot,
    RATE_LIMITS: rateLimits,
  });
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 3 });
  pools.push(pool);
  const logger = createLogger({ level: 'silent' });
  const tokens = tokenServiceFromConfig(config);
  const limits = limitsFromConfig(config, { db: pool, tokens, logger, now: () => clock.now });
  if (!limits) throw new Error('limits are off');
  return createApp({ config, db: pool, logger, tokens, limits, storage: appStorage, files: { now: () => clock.now } });
}
