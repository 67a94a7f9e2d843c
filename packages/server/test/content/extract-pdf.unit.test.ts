import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { drmError } from '../../src/content/extract/index.ts';
import { buildPdf } from '../../src/content/extract/testing.ts';
import { expectWarning, extract, imageInfo, refusal } from './extract-helpers.ts';

describe('extractBook on a PDF', () => {
  it('reads the info dictionary, page count, outline and draws the first page as the cover', async () => {
    const book = await extract(
      await buildPdf({
        title: 'Le fleuve et la ville',
        authors: ['Awa Ndiaye', 'Moussa Traoré'],
        subject: 'Un roman du fleuve.',
        language: 'fr',
        pages: 5,
      }),
      { filename: 'fleuve.pdf', contentType: 'application/pdf' },
    );
    expect(book).toMatchObject({
      format: 'pdf',
      epubVersion: null,
      title: 'Le fleuve et la ville',
      subtitle: null,
      authors: ['Awa Ndiaye', 'Moussa Traoré'],
      language: 'fr',
      description: 'Un roman du fleuve.',
      // CreationDate is the file's, not the book's.
      publicationDate: null,
      pageCount: 5,
      pageCountSource: 'pdf',
      metadata: { drm: false, quality: 'good', warnings: [] },
    });
    expect(book.toc).toEqual(
      [1, 2, 3, 4].map((n) => ({ title: `Chapitre ${n}`, href: `#page=${n + 1}`, children: [] })),
    );
    expect(book.cover).toMatchObject({ contentType: 'image/jpeg', source: 'pdf-first-page' });
    const cover = book.cover?.bytes ?? new Uint8Array();
    // A5 (420 × 595 pt) drawn 720 px wide.
    expect(await imageInfo(cover)).toEqual({ width: 720, height: 1020, format: 'jpeg' });
    // The cover page's background colour (rgb 0.48, 0.18, 0.07) is what was drawn, not a blank page.
    const { data } = await sharp(cover)
      .extract({ left: 8, top: 8, width: 1, height: 1 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const [r, g, b] = [...data];
    expect(Math.abs((r ?? 0) - 122)).toBeLessThan(12);
    expect(Math.abs((g ?? 0) - 46)).toBeLessThan(12);
    expect(Math.abs((b ?? 0) - 18)).toBeLessThan(12);
  });

  it('prefers XMP metadata over the info dictionary', async () => {
    const book = await extract(
      await buildPdf({
        title: 'Titre du dictionnaire',
        authors: ['Auteur du dictionnaire'],
        xmp: {
          title: 'Soundjata, le lion du Manding',
          creators: ['Aminata Diallo', 'Moussa Traoré'],
          description: 'L’épopée racontée aux enfants.',
          language: 'fr-sn',
          publisher: 'Éditions Teranga Plume',
          date: '2022-11-05',
          isbn: '978-0-306-40615-7',
        },
      }),
    );
    expect(book).toMatchObject({
      title: 'Soundjata, le lion du Manding',
      authors: ['Aminata Diallo', 'Moussa Traoré'],
      description: 'L’épopée racontée aux enfants.',
      language: 'fr-SN',
      publisher: 'Éditions Teranga Plume',
      publicationDate: '2022-11-05',
      isbn: '9780306406157',
    });
  });

  it('finds an ISBN printed on the back cover', async () => {
    const book = await extract(await buildPdf({ pages: 6, lastPageText: 'ISBN 978-0-306-40615-7 · 5 000 FCFA' }));
    expect(book.isbn).toBe('9780306406157');
  });

  it('reads a nested outline, and an entry whose page is outside the file leads nowhere', async () => {
    const book = await extract(
      await buildPdf({
        pages: 4,
        outline: [
          { title: 'Première partie', page: 1, children: [{ title: 'Le marché', page: 2 }] },
          { title: 'Seconde partie', page: 3 },
        ],
      }),
    );
    expect(book.toc).toEqual([
      { title: 'Première partie', href: '#page=2', children: [{ title: 'Le marché', href: '#page=3', children: [] }] },
      { title: 'Seconde partie', href: '#page=4', children: [] },
    ]);
  });

  it('without an outline: an empty toc, rated poor', async () => {
    const book = await extract(await buildPdf({ outline: false }));
    expect(book.toc).toEqual([]);
    expect(book.metadata.quality).toBe('poor');
    expectWarning(book, /no table of contents/);
  });

  it('a leaflet of fewer than 4 pages is poor', async () => {
    const book = await extract(await buildPdf({ pages: 2 }));
    expect(book.metadata.quality).toBe('poor');
    expectWarning(book, /2 page\(s\)/);
  });

  it('without a title takes the file name, with a warning; without a name either, refuses', async () => {
    const named = await extract(await buildPdf({ title: null }), { filename: 'uploads/Contes_du_fleuve.pdf' });
    expect(named.title).toBe('Contes du fleuve');
    expectWarning(named, /file name "Contes du fleuve" was used/);
    expect((await refusal(await buildPdf({ title: null }))).reason).toBe('MISSING_TITLE');
  });

  it('treats an authoring tool’s placeholder title as no title', async () => {
    const book = await extract(await buildPdf({ title: 'Microsoft Word - livre_final.docx' }), {
      filename: 'Le_fleuve.pdf',
    });
    expect(book.title).toBe('Le fleuve');
  });

  it('splits the info dictionary’s authors on semicolons only', async () => {
    const book = await extract(await buildPdf({ authors: ['Diop, Awa', 'Kane, Cheikh Hamidou'] }));
    expect(book.authors).toEqual(['Diop, Awa', 'Kane, Cheikh Hamidou']);
  });

  it('refuses a password-protected PDF as DRM', async () => {
    const error = await refusal(await buildPdf({ encrypted: true }));
    expect(error.reason).toBe('DRM_PROTECTED');
    expect(error.message).toMatch(/password/);
  });

  it('reads several PDFs at once, each its own (a worker runs two jobs at a time)', async () => {
    const files = await Promise.all(['Un', 'Deux', 'Trois'].map((title, i) => buildPdf({ title, pages: 4 + i })));
    const books = await Promise.all(files.map((bytes) => extract(bytes)));
    expect(books.map((book) => [book.title, book.pageCount, book.toc.length])).toEqual([
      ['Un', 4, 3],
      ['Deux', 5, 4],
      ['Trois', 6, 5],
    ]);
    for (const book of books) expect(book.cover?.source).toBe('pdf-first-page');
  });

  it('finds the PDF header after leading junk, as readers do', async () => {
    const pdf = await buildPdf();
    const book = await extract(new Uint8Array([...new TextEncoder().encode('junk from a mail gateway\r\n'), ...pdf]));
    expect(book.title).toBe('Le fleuve et la ville');
  });

  it('the same options give the same bytes', async () => {
    expect(await buildPdf({ xmp: { title: 'X' } })).toEqual(await buildPdf({ xmp: { title: 'X' } }));
  });

  it('drmError is null for an open PDF', async () => {
    expect(drmError(await extract(await buildPdf()))).toBeNull();
  });
});
