// The signed manifest and its path-token files in process, over both storage adapters: with Supabase
// Storage (a REST model behind msw) the EPUB's files stream through the API as they do locally.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { CHARACTERS_PER_PAGE } from '../../src/content/demo/catalog.ts';
import { generateDemoFile } from '../../src/content/demo/generate.ts';
import { publishBookFiles } from '../../src/content/publish.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { storageFromConfig } from '../../src/providers/storage/index.ts';
import { createUrlSigner, deriveSigningSecret } from '../../src/providers/storage/signing.ts';
import { fakeDb, testConfig } from '../app/helpers.ts';
import { supabaseStorageModel } from '../storage/supabase-storage-model.ts';

const JWT_SECRET = 'a-test-jwt-secret-of-at-least-32-characters';
const BOOK = '3f0c1b8e-1d4e-4a7b-9c1a-5b2e8f0d7a61';
const ORIGIN = 'http://api.test';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const adapters: Record<string, () => Record<string, string>> = {
  local: () => {
    const root = mkdtempSync(join(tmpdir(), 'coko-epub-files-'));
    folders.push(root);
    return { STORAGE_LOCAL_ROOT: root };
  },
  supabase: () => {
    const model = supabaseStorageModel();
    server.use(...model.handlers);
    return { STORAGE: 'supabase', SUPABASE_URL: model.url, SUPABASE_SERVICE_ROLE_KEY: model.serviceRoleKey };
  },
};

const epub = generateDemoFile(
  {
    id: BOOK,
    title: 'Le Pagne noir',
    subtitle: null,
    authors: ['Bernard Dadié'],
    publisher: null,
    language: 'fr',
    isbn: null,
  },
  { seed: 0, format: 'epub', chapters: 2, chapterCharacters: CHARACTERS_PER_PAGE },
);

describe.each(Object.keys(adapters))('EPUB files under a path token (%s storage)', (adapter) => {
  it('serves the manifest’s chapter, its relative stylesheet and a range, and stops at expiry', async () => {
    const clock = { now: Date.UTC(2026, 11, 7, 12, 0, 0) };
    const config = testConfig({ COKO_JWT_SECRET: JWT_SECRET, LOG_LEVEL: 'silent', ...adapters[adapter]?.() });
    const storage = storageFromConfig(config, { now: () => clock.now });
    const app = createApp({
      config,
      db: fakeDb(),
      limits: false,
      logger: createLogger({ level: 'silent' }),
      storage,
      files: { now: () => clock.now },
    });
    const get = (url: string, headers: Record<string, string> = {}) =>
      Promise.resolve(app.request(new URL(url, ORIGIN).href, { headers }));
    const bytes = await epub;
    const entries = unzipSync(bytes);
    await publishBookFiles(storage, BOOK, bytes, 'epub');

    const exp = Math.floor(clock.now / 1000) + 600;
    const sig = await createUrlSigner(deriveSigningSecret(JWT_SECRET)).sign('webpub', BOOK, exp);
    const manifest = await get(`/api/v1/books/${BOOK}/manifest.json?exp=${exp}&sig=${sig}`);
    expect(manifest.status).toBe(200);
    const { readingOrder } = (await manifest.json()) as { readingOrder: { href: string }[] };
    const chapterUrl = new URL(readingOrder.at(-1)?.href ?? '', ORIGIN).href;
    expect(chapterUrl).toMatch(
      new RegExp(`/api/v1/books/${BOOK}/epub/${exp}\\.[\\w-]{43}/OEBPS/text/chapter-002\\.xhtml$`),
    );

    const chapter = await get(chapterUrl);
    expect(chapter.status).toBe(200);
    expect(chapter.headers.get('cache-control')).toBe('private, max-age=600');
    expect(new Uint8Array(await chapter.arrayBuffer())).toEqual(entries['OEBPS/text/chapter-002.xhtml']);
    const css = await get(new URL('../styles/book.css', chapterUrl).href);
    expect(css.status).toBe(200);
    expect(new Uint8Array(await css.arrayBuffer())).toEqual(entries['OEBPS/styles/book.css']);
    const range = await get(chapterUrl, { range: 'bytes=0-37' });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe('<?xml version="1.0" encoding="UTF-8"?>');

    clock.now += 600_000;
    const expired = await get(chapterUrl);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: { details: unknown } }).error.details).toEqual({ reason: 'expired' });
  });
});
