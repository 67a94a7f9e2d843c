import { unzipSync } from 'fflate';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { DEMO_BOOKS, seedBookId } from '../../src/content/demo/catalog.ts';
import { generateDemoFile } from '../../src/content/demo/generate.ts';
import { readEpub } from '../../src/content/read-epub.ts';
import { demoShape, SAMPLE_BOOK, sampleEpub } from './fixtures.ts';

/** The first local file header of a zip: its name, compression method and sizes. */
function firstEntry(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.getUint32(0, true)).toBe(0x04034b50);
  const nameLength = view.getUint16(26, true);
  const extraLength = view.getUint16(28, true);
  return {
    method: view.getUint16(8, true),
    compressedSize: view.getUint32(18, true),
    name: new TextDecoder().decode(bytes.subarray(30, 30 + nameLength)),
    extraLength,
    content: new TextDecoder().decode(
      bytes.subarray(30 + nameLength + extraLength, 30 + nameLength + extraLength + 20),
    ),
  };
}

describe('demo books', () => {
  it('are EPUB 3 files whose first entry is the mimetype, stored uncompressed, with no extra field', async () => {
    const bytes = await sampleEpub();
    expect(firstEntry(bytes)).toEqual({
      method: 0,
      compressedSize: 20,
      name: 'mimetype',
      extraLength: 0,
      content: 'application/epub+zip',
    });
    const files = unzipSync(bytes);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'META-INF/container.xml',
        'OEBPS/content.opf',
        'OEBPS/nav.xhtml',
        'OEBPS/styles/book.css',
      ]),
    );
    // Every chapter is well-formed XHTML in French prose.
    const chapter = new TextDecoder().decode(files['OEBPS/text/chapter-001.xhtml']);
    expect(chapter).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(chapter).toContain('<h1>Chapitre 1</h1>');
    expect(chapter).toMatch(/<p>[A-ZÀ-Ý].+\.<\/p>/);
  });

  it('are generated deterministically: the same book gives the same bytes, another book other prose', async () => {
    const [a, b] = await Promise.all([sampleEpub(), sampleEpub()]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const other = await generateDemoFile({ ...SAMPLE_BOOK, id: seedBookId(5) }, demoShape(2));
    const chapter = (bytes: Uint8Array) => new TextDecoder().decode(unzipSync(bytes)['OEBPS/text/chapter-001.xhtml']);
    expect(chapter(other)).not.toBe(chapter(a));
  });

  it('include a book of about 300 pages in 20+ chapters for the benchmark', async () => {
    const long = DEMO_BOOKS.find((book) => book.chapters >= 20);
    expect(long?.format).toBe('epub');
    const epub = readEpub(
      await generateDemoFile({ ...SAMPLE_BOOK, id: seedBookId(long?.seed ?? 0) }, demoShape(long?.seed ?? 0)),
    );
    expect(epub.toc.length).toBeGreaterThanOrEqual(20);
    expect(epub.pageList.length).toBeGreaterThanOrEqual(280);
    expect(epub.pageList.length).toBeLessThanOrEqual(320);
    const text = epub.spine
      .map((item) => new TextDecoder().decode(epub.files.get(item.href)).replace(/<[^>]+>/g, ''))
      .join('');
    expect(text.length).toBeGreaterThan(280 * 1800);
  });

  it('include a PDF with the title, the author, a cover page and the chapters', async () => {
    const pdfShape = DEMO_BOOKS.find((book) => book.format === 'pdf');
    expect(pdfShape).toBeDefined();
    const bytes = await generateDemoFile({ ...SAMPLE_BOOK, title: 'The Griot’s Daughter' }, pdfShape ?? demoShape(6));
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getTitle()).toBe('The Griot’s Daughter');
    expect(pdf.getAuthor()).toBe('Aminata Diallo, Moussa Traoré');
    expect(pdf.getPageCount()).toBeGreaterThan(1 + (pdfShape?.chapters ?? 0));
  });

  it('are attached to free and paid seed books whose ids follow supabase/seed.sql', () => {
    // seed_uuid('book:1') as computed by Postgres (checked against the seeded database by the stack test).
    expect(seedBookId(1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const free = DEMO_BOOKS.filter((book) => book.seed % 4 === 0);
    const paid = DEMO_BOOKS.filter((book) => book.seed % 4 !== 0);
    expect(free.length).toBeGreaterThanOrEqual(2);
    expect(paid.length).toBeGreaterThanOrEqual(2);
  });
});
