// The notes export's pieces in process: document building on odd data, Markdown escaping, dates, the PDF
// renderer (fonts found without import.meta.resolve, glyph substitution), and the 501 of the PDF route
// when its font cannot be loaded on Deno.

import { mintUserToken } from '@coko/server/dev';
import { OpenAPIHono } from '@hono/zod-openapi';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/app/env.ts';
import { createErrorHandler, validationHook } from '../../src/app/errors.ts';
import { loadConfig } from '../../src/config/index.ts';
import { tokenServiceFromConfig } from '../../src/identity/index.ts';
import { requestId } from '../../src/middleware/request-id.ts';
import {
  buildNotesDocument,
  cleanText,
  describeLocation,
  escapeMarkdownLine,
  fileSlug,
  formatNotesDate,
  type NotesAnnotation,
  type NotesExportData,
  notesLanguage,
  renderNotesMarkdown,
  renderNotesPdf,
} from '../../src/notes/index.ts';
import { directionalRuns } from '../../src/notes/pdf.ts';
import { createLogger } from '../../src/observability/index.ts';
import { loadDejaVuFonts, PdfUnavailableError } from '../../src/pdf/index.ts';
import { registerNotesRoutes } from '../../src/routes/notes.ts';
import { DEMO_READER, insertAnnotation, locator, newBook, pdfPages, stack } from './helpers.ts';

const at = (iso: string) => new Date(iso);

function annotation(overrides: Partial<NotesAnnotation>): NotesAnnotation {
  return {
    id: crypto.randomUUID(),
    kind: 'highlight',
    locator: { href: 'c1.xhtml', type: 'application/xhtml+xml', locations: { progression: 0, totalProgression: 0.25 } },
    selectedText: 'Texte',
    note: null,
    color: '#ffd54f',
    createdAt: at('2026-05-01T12:00:00Z'),
    updatedAt: at('2026-05-01T12:00:00Z'),
    ...overrides,
  };
}

function data(annotations: NotesAnnotation[], book: Partial<NotesExportData['book']> = {}): NotesExportData {
  return {
    book: { id: 'b', title: 'Un livre', subtitle: null, authors: [], publisher: null, ...book },
    annotations,
  };
}

const EXPORTED_AT = at('2026-11-21T14:05:09.123Z');

describe('document', () => {
  it('never throws on odd annotations: missing, null or foreign locators, unknown kinds, empty texts, bad dates', () => {
    const odd = [
      annotation({ locator: null }),
      annotation({ locator: 'chapter-1' }),
      annotation({ locator: [] }),
      annotation({ locator: { locations: { totalProgression: 'half', position: -3 } } }),
      annotation({ locator: { href: '%E0%A4%A', locations: { totalProgression: 1.7, position: 2.9 } } }),
      annotation({ kind: 'sticker', selectedText: '', note: '   \n\t ' }),
      annotation({ color: 'red', createdAt: new Date(Number.NaN), updatedAt: new Date(Number.NaN) }),
      annotation({ selectedText: null, locator: { href: 'x', text: { highlight: 'Depuis le locator' } } }),
    ];
    const doc = buildNotesDocument(data(odd, { title: '  ', subtitle: '' }), {
      language: 'fr',
      exportedAt: EXPORTED_AT,
    });
    expect(doc.title).toBe('Sans titre');
    expect(doc.slug).toBe('sans-titre');
    expect(doc.entries.map((entry) => entry.location)).toEqual([
      [],
      [],
      [],
      [],
      ['%E0%A4%A', '100 %', 'page 2'],
      ['c1.xhtml', '25 %'],
      ['c1.xhtml', '25 %'],
      ['x'],
    ]);
    expect(doc.entries[5]).toMatchObject({ kind: 'other', kindLabel: 'Annotation', quote: null, note: null });
    expect(doc.entries[6]).toMatchObject({ color: null, dates: 'Créé le ?' });
    expect(doc.entries[7]?.quote).toBe('Depuis le locator');
    const markdown = renderNotesMarkdown(doc);
    expect(markdown).toContain('## 6. Annotation\n\n*c1.xhtml · 25 %*\n\n*Créé le 1er mai 2026 à 12:00*');
  });

  it('cleans text: NFC, line ends, control characters, blank lines, lone surrogates', () => {
    expect(cleanText('E\u0301cole\r\nde\u0000ja\u0007\u2028fin\n\n\n\nsuite  \t')).toBe('École\ndeja\nfin\n\nsuite');
    expect(cleanText('a\uD800b')).toBe('a\uFFFDb');
    expect(cleanText('\n\n')).toBeNull();
    expect(cleanText(42)).toBeNull();
  });

  it('formats dates in French and English, in the chosen time zone, the same on every runtime', () => {
    expect(formatNotesDate(at('2026-01-01T00:00:00Z'), 'fr')).toBe('1er janvier 2026 à 00:00');
    expect(formatNotesDate(at('2026-08-15T23:59:00Z'), 'fr')).toBe('15 août 2026 à 23:59');
    expect(formatNotesDate(at('2026-08-15T23:59:00Z'), 'fr', 'Europe/Paris')).toBe('16 août 2026 à 01:59');
    expect(formatNotesDate(at('2026-12-31T18:30:00Z'), 'en', 'UTC')).toBe('December 31, 2026 at 18:30');
    expect(notesLanguage('en-GB')).toBe('en');
    expect(notesLanguage('wo')).toBe('fr');
    expect(notesLanguage(null)).toBe('fr');
  });

  it('describes positions from the locator', () => {
    const value = { href: 'Text/chap%C3%AEtre%203.xhtml#id', locations: { totalProgression: 0.426, position: 12 } };
    expect(describeLocation(value, 'fr')).toEqual(['Text/chapître 3.xhtml', '43 %', 'page 12']);
    expect(describeLocation({ ...value, title: 'Chapitre\n3' }, 'en')).toEqual(['Chapitre 3', '43%', 'page 12']);
  });

  it('slugs titles to ASCII file names', () => {
    expect(fileSlug("L'Aventure ambiguë")).toBe('l-aventure-ambigue');
    expect(fileSlug('Ŋaari ɗemmbere ɓernde — Œuvres')).toBe('ngaari-demmbere-bernde-oeuvres');
    expect(fileSlug('😀😀')).toBe('livre');
    expect(fileSlug('a'.repeat(200))).toHaveLength(80);
  });
});

describe('Markdown', () => {
  it('escapes inline and block syntax so reader text stays literal', () => {
    expect(escapeMarkdownLine('*a* _b_ `c` [d](e) <f> # g | h ~i~ $x$ \\ &amp; & ! 3 > 2')).toBe(
      '\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\<f\\> \\# g \\| h \\~i\\~ \\$x\\$ \\\\ \\&amp; & ! 3 \\> 2',
    );
    expect(escapeMarkdownLine('- item')).toBe('\\- item');
    expect(escapeMarkdownLine('+ item')).toBe('\\+ item');
    expect(escapeMarkdownLine('===')).toBe('\\===');
    expect(escapeMarkdownLine('12. item')).toBe('12\\. item');
    expect(escapeMarkdownLine('3) item')).toBe('3\\) item');
    expect(escapeMarkdownLine('    code')).toBe('code');
    expect(escapeMarkdownLine('> quote')).toBe('\\> quote');
  });

  it('keeps line breaks in quotes and notes, and ends with a newline', () => {
    const doc = buildNotesDocument(
      data([annotation({ selectedText: 'Ligne 1\nLigne 2\n\n- Ligne 3 \\', note: 'Fin\\' })]),
      { language: 'fr', exportedAt: EXPORTED_AT },
    );
    const markdown = renderNotesMarkdown(doc);
    expect(markdown).toContain('> Ligne 1\\\n> Ligne 2\n>\n> \\- Ligne 3 \\\\\n\nFin\\\\\n\n*Créé le');
    expect(markdown.endsWith('*Créé le 1er mai 2026 à 12:00*\n')).toBe(true);
    expect(markdown).toContain('- **Exporté le :** 21 novembre 2026 à 14:05 (Africa/Dakar) — 2026-11-21T14:05:09.123Z');
  });
});

describe('PDF', () => {
  it('loads DejaVu Sans in process (no import.meta.resolve under vitest)', async () => {
    const fonts = await loadDejaVuFonts();
    expect(fonts.regular.byteLength).toBeGreaterThan(500_000);
    expect(fonts.bold.byteLength).toBeGreaterThan(500_000);
    expect(new TextDecoder('latin1').decode(fonts.regular.slice(0, 4))).toBe('\u0000\u0001\u0000\u0000');
  });

  it('substitutes glyphs the font lacks instead of failing, and breaks words longer than a line', async () => {
    const doc = buildNotesDocument(
      data(
        [
          annotation({ selectedText: 'Lion 🦁, pouce 👍🏽, cœur ❤️, famille 👩‍👩‍👧, drapeau 🇸🇳, 中文, ⅋' }),
          annotation({ selectedText: 'https://example.org/'.padEnd(3000, 'abcdefghij'), note: null }),
          annotation({ kind: 'bookmark', selectedText: null, locator: null }),
        ],
        { title: 'Émojis 😀', authors: ['Ngũgĩ wa Thiong’o'], publisher: 'ɓ & ŋ' },
      ),
      { language: 'fr', exportedAt: EXPORTED_AT },
    );
    const bytes = await renderNotesPdf(doc);
    const pages = await pdfPages(bytes.slice().buffer);
    const text = pages.join('\n');
    expect(text).toContain('Ngũgĩ wa Thiong’o');
    expect(text).toContain('Éditeur : ɓ & ŋ');
    expect(text).toMatch(/Lion □, pouce □, cœur ❤/);
    expect(text.replace(/\s+/g, '')).toContain('https://example.org/abcdefghijabcdefghij');
    expect(text).toContain('3. Signet');
  });

  it('draws right-to-left words (Ajami, N’Ko, Hebrew) in their direction without mirroring the French around them', async () => {
    expect(directionalRuns('Wolofal : السلام عليكم, fin ߒߞߏ')).toEqual(['Wolofal : ', 'السلام عليكم', ', fin ', 'ߒߞߏ']);
    const doc = buildNotesDocument(
      data([annotation({ selectedText: 'السلام عليكم — en wolofal', note: 'Écrit en ߒߞߏ par Souleymane Kanté' })]),
      { language: 'fr', exportedAt: EXPORTED_AT },
    );
    const text = (await pdfPages((await renderNotesPdf(doc)).slice().buffer)).join('\n');
    expect(text).toContain('— en wolofal');
    expect(text).toContain('Écrit en');
    expect(text).toContain('par Souleymane Kanté');
  });

  it('reports a font that cannot be loaded as PdfUnavailableError', async () => {
    const doc = buildNotesDocument(data([]), { language: 'en', exportedAt: EXPORTED_AT });
    await expect(
      renderNotesPdf(doc, {
        fonts: async () => {
          throw new PdfUnavailableError('no font here');
        },
      }),
    ).rejects.toBeInstanceOf(PdfUnavailableError);
  });
});

describe('PDF route without its font', () => {
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  afterAll(async () => {
    await db.end();
  });

  async function request() {
    const config = loadConfig({ COKO_ENV: 'test', LOG_LEVEL: 'silent', COKO_JWT_SECRET: stack.keys.jwtSecret });
    const logger = createLogger({ level: 'silent' });
    const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
    app.use('*', requestId());
    app.onError(createErrorHandler({ logger }));
    registerNotesRoutes(app, {
      db,
      tokens: tokenServiceFromConfig(config),
      fonts: async () => {
        throw new PdfUnavailableError('Cannot read dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
      },
    });
    const bookId = await newBook({ title: 'Sans police' });
    await insertAnnotation({
      userId: DEMO_READER,
      bookId,
      kind: 'bookmark',
      locator: locator({ href: 'a.xhtml', totalProgression: 0.1 }),
      createdAt: '2026-01-01T00:00:00Z',
    });
    const token = await mintUserToken(stack.keys, { id: DEMO_READER }, { expiresInSeconds: 600, alg: 'HS256' });
    const headers = { authorization: `Bearer ${token}` };
    return {
      pdf: () => app.request(`/v1/books/${bookId}/notes.pdf`, { headers }),
      md: () => app.request(`/v1/books/${bookId}/notes.md`, { headers }),
    };
  }

  it('answers 501 on Deno (Markdown still works) and 500 on Node', async () => {
    const { pdf, md } = await request();
    const onNode = await pdf();
    expect(onNode.status).toBe(500);
    expect((await onNode.json()).error.code).toBe('INTERNAL_ERROR');

    const global = globalThis as { Deno?: unknown };
    global.Deno = {};
    try {
      const onDeno = await pdf();
      expect(onDeno.status).toBe(501);
      const body = await onDeno.json();
      expect(body.error.code).toBe('NOT_IMPLEMENTED');
      expect(body.error.message).toMatch(/PDF export is not available/);
      expect(body.error.details.alternative).toMatch(/notes\.md$/);
    } finally {
      delete global.Deno;
    }
    const markdown = await md();
    expect(markdown.status).toBe(200);
    expect(await markdown.text()).toContain('## 1. Signet');
  });
});
