// The notes PDF renders on a worker thread: /health answers while a large export renders, one export is
// capped (422) and a render past its deadline is stopped (504), all against the file's real database.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { createPool } from '../../src/db/index.ts';
import { TokenService, type TokenServiceOptions } from '../../src/identity/tokens.ts';
import { createPdfWorkerRenderer, PdfRenderTimeoutError } from '../../src/notes/pdf-worker.ts';
import { captureLogs, errorOf, testConfig } from '../app/helpers.ts';
import { sampleDocument } from './fixtures/sample.ts';
import { insertAnnotation, locator, newBook, newReader, pdfPages, stack, tokenFor } from './helpers.ts';

const pool = createPool(testConfig({ DATABASE_URL: stack.databaseUrl }));
const tokens = new TokenService({
  signingKey: stack.keys.es256.privateJwk as TokenServiceOptions['signingKey'],
  secret: stack.keys.jwtSecret,
  issuer: 'coko-test',
  ttlSeconds: 600,
});
afterAll(() => pool.end());

// 400 notes of 400 characters: a PDF of about 100 pages, seconds of pdf-lib work.
const LARGE_NOTES = 400;
let reader: string;
let bookId: string;

beforeAll(async () => {
  reader = await newReader();
  bookId = await newBook({ title: 'Une si longue lettre', authors: ['Mariama Bâ'] });
  for (let i = 0; i < LARGE_NOTES; i++) {
    await insertAnnotation({
      userId: reader,
      bookId,
      kind: 'note',
      locator: locator({ href: `c${i}.xhtml`, totalProgression: i / LARGE_NOTES }),
      note: `Note ${i} — ${'Ramatoulaye écrit à Aïssatou, ŋ ɗ ɓ. '.repeat(11)}`.slice(0, 400),
      createdAt: '2026-03-01T09:30:00Z',
    });
  }
}, 120_000);

function app(notes: Parameters<typeof createApp>[0]['notes'] = {}) {
  return createApp({ config: testConfig(), db: pool, tokens, logger: captureLogs().logger, notes });
}

async function exportPdf(api: ReturnType<typeof app>, id = bookId) {
  return api.request(`/api/v1/books/${id}/notes.pdf`, {
    headers: { authorization: `Bearer ${await tokenFor(reader)}` },
  });
}

describe('notes.pdf off the event loop', () => {
  it('answers /health while a large export renders, then serves the whole PDF', async () => {
    let started!: () => void;
    const rendering = new Promise<void>((resolve) => {
      started = resolve;
    });
    const worker = createPdfWorkerRenderer({ timeoutMs: 120_000 });
    // The real renderer, observed: `rendering` resolves once the document is on its way to the worker.
    const api = app({
      pdfRenderer: {
        render(document) {
          const pdf = worker.render(document);
          started();
          return pdf;
        },
        close: () => worker.close(),
      },
    });
    try {
      let settled = false;
      const exported = exportPdf(api).finally(() => {
        settled = true;
      });
      await rendering;
      const health = await api.request('/api/health');
      expect(health.status).toBe(200);
      // On the event loop, the render would have finished before /health could run.
      expect(settled).toBe(false);
      const response = await exported;
      expect(response.status).toBe(200);
      const pages = await pdfPages(await response.arrayBuffer());
      expect(pages.length).toBeGreaterThan(20);
      expect(pages.join('\n')).toContain(`Note ${LARGE_NOTES - 1} — Ramatoulaye`);
    } finally {
      await worker.close();
    }
  }, 180_000);

  it('refuses an export over the cap with 422 UNPROCESSABLE, pointing to notes.md', async () => {
    const api = app({ pdfLimits: { maxEntries: 100 } });
    const tooMany = await exportPdf(api);
    expect(tooMany.status).toBe(422);
    expect(await errorOf(tooMany)).toMatchObject({
      code: 'UNPROCESSABLE',
      message: expect.stringContaining('use notes.md'),
      details: { entries: LARGE_NOTES, maxEntries: 100, alternative: `/api/v1/books/${bookId}/notes.md` },
    });
    const tooLong = await exportPdf(app({ pdfLimits: { maxCharacters: 10_000 } }));
    expect(tooLong.status).toBe(422);
    const { details } = await errorOf(tooLong);
    expect(details).toMatchObject({ maxCharacters: 10_000 });
    expect(details?.characters).toBeGreaterThan(150_000);
  });

  it('stops a render past its deadline: 504 TIMEOUT in the error format; the API keeps exporting', async () => {
    const worker = createPdfWorkerRenderer({ timeoutMs: 1 });
    const api = app({ pdfRenderer: worker });
    try {
      const late = await exportPdf(api);
      expect(late.status).toBe(504);
      expect(await errorOf(late)).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('stopped') });
    } finally {
      await worker.close();
    }
    const small = await newBook({ title: 'Petit livre' });
    await insertAnnotation({
      userId: reader,
      bookId: small,
      kind: 'note',
      locator: locator({ href: 'a.xhtml', totalProgression: 0.1 }),
      note: 'Courte note',
      createdAt: '2026-03-01T09:30:00Z',
    });
    const renderer = createPdfWorkerRenderer({ timeoutMs: 120_000 });
    try {
      const recovered = await exportPdf(app({ pdfRenderer: renderer }), small);
      expect(recovered.status).toBe(200);
      expect((await pdfPages(await recovered.arrayBuffer())).join('\n')).toContain('Courte note');
    } finally {
      await renderer.close();
    }
  }, 180_000);

  it('the renderer: a render past its deadline rejects, others on their own renderer still succeed', async () => {
    const renderer = createPdfWorkerRenderer({ timeoutMs: 60_000 });
    try {
      expect((await renderer.render(sampleDocument())).byteLength).toBeGreaterThan(1000);
      const short = createPdfWorkerRenderer({ timeoutMs: 1 });
      await expect(short.render(sampleDocument())).rejects.toBeInstanceOf(PdfRenderTimeoutError);
      await short.close();
      const again = await renderer.render(sampleDocument());
      expect(new TextDecoder().decode(again.slice(0, 5))).toBe('%PDF-');
    } finally {
      await renderer.close();
    }
  }, 120_000);

  it('an unknown book is still 404 before any rendering', async () => {
    const response = await exportPdf(app(), randomUUID());
    expect(response.status).toBe(404);
  });
});
