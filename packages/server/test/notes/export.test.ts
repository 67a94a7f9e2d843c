// GET /v1/books/{id}/notes.md and notes.pdf through the gateway, against the real database (RLS).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN, DEMO_READER, get, insertAnnotation, locator, newBook, newReader, pdfPages } from './helpers.ts';

let bookId: string;
let draftId: string;
let otherReader: string;
let emptyReader: string;

beforeAll(async () => {
  bookId = await newBook({
    title: "L'Aventure ambiguë",
    subtitle: 'Récit',
    authors: ['Cheikh Hamidou Kane', 'Aminata Sow Fall'],
    publisher: 'Présence Africaine',
  });
  draftId = await newBook({ title: 'Brouillon secret', status: 'draft' });
  otherReader = await newReader('en');
  emptyReader = await newReader();

  // Inserted out of reading order: the export sorts by place in the book.
  await insertAnnotation({
    userId: DEMO_READER,
    bookId,
    kind: 'highlight',
    locator: locator({
      href: 'chapitre-2.xhtml',
      title: 'Chapitre 2 — Le pays des Diallobé',
      totalProgression: 0.5,
      position: 40,
    }),
    selectedText: "Déjà, l'École nouvelle… au Sénégal.",
    note: 'Très *important* : ŋ ɗ ɓ',
    color: '#ffd54f',
    createdAt: '2026-03-01T09:30:00Z',
    updatedAt: '2026-03-02T18:45:00Z',
  });
  await insertAnnotation({
    userId: DEMO_READER,
    bookId,
    kind: 'bookmark',
    locator: locator({ href: 'fin.xhtml#p3', totalProgression: 0.9 }),
    createdAt: '2026-04-01T00:00:00Z',
  });
  await insertAnnotation({
    userId: DEMO_READER,
    bookId,
    kind: 'note',
    locator: locator({ href: 'chapitre-1.xhtml', totalProgression: 0.1, position: 8 }),
    note: 'Première note\nsur deux lignes\n\n# pas un titre',
    createdAt: '2026-02-01T08:00:00Z',
  });
  // A tombstone (deleted on another device) and another reader's highlight: never exported.
  await insertAnnotation({
    userId: DEMO_READER,
    bookId,
    kind: 'highlight',
    locator: locator({ href: 'chapitre-1.xhtml', totalProgression: 0.3 }),
    selectedText: 'TOMBSTONE_TEXT',
    note: 'TOMBSTONE_NOTE',
    createdAt: '2026-02-02T08:00:00Z',
    deletedAt: '2026-02-03T08:00:00Z',
  });
  await insertAnnotation({
    userId: otherReader,
    bookId,
    kind: 'highlight',
    locator: locator({ href: 'chapitre-1.xhtml', totalProgression: 0.2 }),
    selectedText: 'OTHER_READER_TEXT',
    note: 'OTHER_READER_NOTE',
    createdAt: '2026-02-02T08:00:00Z',
  });
});

const EXPORT_LINE = /^- \*\*Exporté le :\*\* (.+) \(Africa\/Dakar\) — (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)$/m;

const EXPECTED_MARKDOWN = `# Notes de lecture — L'Aventure ambiguë

*Récit*

- **Auteurs :** Cheikh Hamidou Kane, Aminata Sow Fall
- **Éditeur :** Présence Africaine
- **Exporté le :** EXPORT_DATE
- **Annotations :** 3

---

## 1. Note

*chapitre-1.xhtml · 10 % · page 8*

Première note\\
sur deux lignes

\\# pas un titre

*Créé le 1er février 2026 à 08:00*

## 2. Surlignage

*Chapitre 2 — Le pays des Diallobé · 50 % · page 40*

> Déjà, l'École nouvelle… au Sénégal.

Très \\*important\\* : ŋ ɗ ɓ

*Créé le 1er mars 2026 à 09:30 · modifié le 2 mars 2026 à 18:45*

## 3. Signet

*fin.xhtml · 90 %*

*Créé le 1er avril 2026 à 00:00*
`;

describe('GET /v1/books/{id}/notes.md', () => {
  it("exports the reader's annotations in reading order, in French, tombstones and other readers' excluded", async () => {
    const before = Date.now();
    const res = await get(`/v1/books/${bookId}/notes.md`, DEMO_READER);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="l-aventure-ambigue-notes.md"');
    expect(res.headers.get('cache-control')).toContain('no-store');
    const body = await res.text();

    const exported = body.match(EXPORT_LINE);
    expect(exported, body).not.toBeNull();
    const iso = exported?.[2] ?? '';
    expect(Date.parse(iso)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(iso)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(exported?.[1]).toMatch(/^(1er|\d{1,2}) [a-zéû]+ \d{4} à \d\d:\d\d$/);

    expect(body.replace(EXPORT_LINE, '- **Exporté le :** EXPORT_DATE')).toBe(EXPECTED_MARKDOWN);
    expect(body).not.toMatch(/TOMBSTONE|OTHER_READER/);
  });

  it('speaks English with ?lang=en and shows dates in the ?tz time zone', async () => {
    const res = await get(`/v1/books/${bookId}/notes.md?lang=en&tz=Europe/Paris`, DEMO_READER);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain("# Reading notes — L'Aventure ambiguë");
    expect(body).toContain('- **Authors:** Cheikh Hamidou Kane, Aminata Sow Fall');
    expect(body).toMatch(/^- \*\*Exported on:\*\* [A-Z][a-z]+ \d{1,2}, \d{4} at \d\d:\d\d \(Europe\/Paris\) — /m);
    expect(body).toContain('## 2. Highlight');
    expect(body).toContain('*chapitre-1.xhtml · 10% · page 8*');
    // 08:00 UTC is 09:00 in Paris in February, 18:45 UTC is 19:45 in March (before summer time).
    expect(body).toContain('*Created on February 1, 2026 at 09:00*');
    expect(body).toContain('*Created on March 1, 2026 at 10:30 · updated on March 2, 2026 at 19:45*');
    expect(body).toContain('## 3. Bookmark');
  });

  it("uses the profile's language by default; another reader sees only their own annotations", async () => {
    const res = await get(`/v1/books/${bookId}/notes.md`, otherReader);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('- **Annotations:** 1');
    expect(body).toContain('> OTHER\\_READER\\_TEXT');
    expect(body).not.toMatch(/Déjà|Première note|TOMBSTONE/);
  });

  it('gives an empty export to a reader without annotations', async () => {
    const res = await get(`/v1/books/${bookId}/notes.md`, emptyReader);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('- **Annotations :** 0');
    expect(body).toMatch(/---\n\n\*Aucune annotation pour ce livre\.\*\n$/);
    expect(body).not.toMatch(/Déjà|OTHER_READER|##/);
  });

  it('requires a token (401), a UUID (400), a known book (404) and valid options (400)', async () => {
    const anonymous = await get(`/v1/books/${bookId}/notes.md`, null);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('AUTHENTICATION_ERROR');

    const notUuid = await get('/v1/books/not-a-uuid/notes.md', DEMO_READER);
    expect(notUuid.status).toBe(400);
    expect((await notUuid.json()).error.code).toBe('VALIDATION_ERROR');

    const unknown = await get(`/v1/books/${randomUUID()}/notes.md`, DEMO_READER);
    expect(unknown.status).toBe(404);
    const body = await unknown.json();
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.id).toEqual(expect.any(String));

    const badLang = await get(`/v1/books/${bookId}/notes.md?lang=wo`, DEMO_READER);
    expect(badLang.status).toBe(400);
    const badZone = await get(`/v1/books/${bookId}/notes.md?tz=Mars/Olympus`, DEMO_READER);
    expect(badZone.status).toBe(400);
  });

  it('hides draft books from readers (404) but not from admins', async () => {
    const reader = await get(`/v1/books/${draftId}/notes.md`, DEMO_READER);
    expect(reader.status).toBe(404);
    expect((await reader.json()).error.code).toBe('NOT_FOUND');
    const pdf = await get(`/v1/books/${draftId}/notes.pdf`, DEMO_READER);
    expect(pdf.status).toBe(404);

    const adminRes = await get(`/v1/books/${draftId}/notes.md`, DEMO_ADMIN);
    expect(adminRes.status).toBe(200);
    expect(await adminRes.text()).toContain('Brouillon secret');
  });
});

describe('GET /v1/books/{id}/notes.pdf', () => {
  let pdfBook: string;
  let longNote: string;

  beforeAll(async () => {
    pdfBook = await newBook({
      title: 'Sénégal ŋ — carnets',
      authors: ['Aïssatou Ndiaye'],
      publisher: 'Éditions du Fleuve',
    });
    const words: string[] = [];
    for (let i = 1; words.join(' ').length < 10_000; i++) words.push(`déjà${String(i).padStart(4, '0')}`);
    longNote = words.join(' ').slice(0, 10_000);
    expect(longNote).toHaveLength(10_000);
    await insertAnnotation({
      userId: DEMO_READER,
      bookId: pdfBook,
      kind: 'highlight',
      locator: locator({ href: 'ch1.xhtml', title: 'Première partie', totalProgression: 0.05, position: 3 }),
      selectedText: 'École de Ndar : déjà le défi du Sénégal, ŋaari ɗemmbere ɓernde (ƴ)',
      note: 'Émoji 😀🦁👍🏽 et\u0007 caractères de contrôle',
      createdAt: '2026-03-01T09:30:00Z',
    });
    await insertAnnotation({
      userId: DEMO_READER,
      bookId: pdfBook,
      kind: 'note',
      locator: locator({ href: 'ch2.xhtml', totalProgression: 0.6 }),
      selectedText: null,
      note: longNote,
      color: '#4fc3f7',
      createdAt: '2026-03-02T10:00:00Z',
    });
    await insertAnnotation({
      userId: DEMO_READER,
      bookId: pdfBook,
      kind: 'note',
      locator: locator({ href: 'ch3.xhtml', totalProgression: 0.9 }),
      note: '',
      createdAt: '2026-03-03T10:00:00Z',
    });
  });

  it('renders accents and Wolof/Fula letters with an embedded subset font, and a 10 000-character note over pages', async () => {
    const res = await get(`/v1/books/${pdfBook}/notes.pdf`, DEMO_READER);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="senegal-ng-carnets-notes.pdf"');
    const bytes = await res.arrayBuffer();
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    // Subset fonts: the full DejaVu Sans faces alone would weigh over 1 MB.
    expect(bytes.byteLength).toBeLessThan(200_000);

    const pages = await pdfPages(bytes);
    expect(pages.length).toBeGreaterThan(2);
    const footer = 'Coko — Sénégal ŋ — carnets';
    pages.forEach((page, index) => {
      expect(page).toContain(`${index + 1} / ${pages.length}`);
      expect(page).toContain(footer);
    });
    const text = pages
      .map((page, index) => page.replace(footer, ' ').replace(`${index + 1} / ${pages.length}`, ' '))
      .join('\n');

    for (const word of ['École', 'déjà', 'Sénégal', 'ŋ', 'ɗemmbere', 'ɓernde', 'ƴ', 'défi', 'Première partie']) {
      expect(text).toContain(word);
    }
    expect(text).toContain('Notes de lecture — Sénégal ŋ — carnets');
    expect(text).toContain('Auteur : Aïssatou Ndiaye');
    expect(text).toContain('Éditeur : Éditions du Fleuve');
    expect(text).toContain('1. Surlignage');
    expect(text).toContain('Première partie · 5 % · page 3');
    expect(text).toContain('Créé le 1er mars 2026 à 09:30');
    // Unknown glyphs are substituted, control characters dropped; the rest of the note is intact.
    expect(text).toMatch(/Émoji .*et caractères de contrôle/);

    // The whole long note, in order, across page breaks (line wrapping only adds whitespace).
    const squash = (value: string) => value.replace(/\s+/g, '');
    expect(squash(text)).toContain(squash(longNote));
    // It starts on the first page and ends on a later one.
    expect(pages[0]).toContain('déjà0001');
    expect(pages.findIndex((page) => squash(page).includes(squash(longNote.slice(-40))))).toBeGreaterThan(0);
  });

  it('renders an empty export, and answers 401 without a token', async () => {
    const reader = await newReader();
    const res = await get(`/v1/books/${pdfBook}/notes.pdf?lang=en`, reader);
    expect(res.status).toBe(200);
    const pages = await pdfPages(await res.arrayBuffer());
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('No annotations for this book.');
    expect(pages[0]).toContain('Annotations: 0');

    const anonymous = await get(`/v1/books/${pdfBook}/notes.pdf`, null);
    expect(anonymous.status).toBe(401);
  });
});
