import { crc32 } from 'node:zlib';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { drmError } from '../../src/content/extract/index.ts';
import { CHARACTERS_PER_PAGE } from '../../src/content/extract/page-estimate.ts';
import { buildEpub2, buildEpub3, buildLargeEpub } from '../../src/content/extract/testing.ts';
import { expectWarning, extract, imageInfo } from './extract-helpers.ts';

const pageBreaks = (epub: Uint8Array) =>
  Object.entries(unzipSync(epub))
    .filter(([path]) => path.startsWith('OEBPS/text/'))
    .reduce((count, [, bytes]) => count + (strFromU8(bytes).match(/id="page-\d+"/g) ?? []).length, 0);

describe('extractBook on an EPUB 3', () => {
  it('reads every field of a complete book, rated good', async () => {
    const bytes = await buildEpub3({
      title: 'Les contes de la lagune',
      subtitle: 'Récits du soir',
      authors: [{ name: 'Kofi Mensah', role: 'ill' }, 'Awa Ndiaye', 'Moussa Traoré'],
      publisher: 'Éditions Teranga Plume',
      isbn: '978-0-306-40615-7',
      language: 'fr-SN',
      description: 'Des contes de pêcheurs, racontés à la veillée.',
      date: '2024-03-15',
      chapters: 4,
    });
    const book = await extract(bytes, { filename: 'contes.epub', contentType: 'application/epub+zip' });

    expect(book).toMatchObject({
      format: 'epub',
      epubVersion: '3.0',
      title: 'Les contes de la lagune',
      subtitle: 'Récits du soir',
      // The illustrator (role ill) is not an author; order is credit order.
      authors: ['Awa Ndiaye', 'Moussa Traoré'],
      publisher: 'Éditions Teranga Plume',
      isbn: '9780306406157',
      language: 'fr-SN',
      description: 'Des contes de pêcheurs, racontés à la veillée.',
      publicationDate: '2024-03-15',
      pageCountSource: 'page-list',
      metadata: { drm: false, quality: 'good', warnings: [] },
    });
    expect(book.pageCount).toBe(pageBreaks(bytes));
    expect(book.toc).toEqual(
      [1, 2, 3, 4].map((n) => ({ title: `Chapitre ${n}`, href: `OEBPS/text/chapter-00${n}.xhtml`, children: [] })),
    );
    const archive = unzipSync(bytes);
    for (const entry of book.toc) expect(archive[entry.href ?? '']).toBeDefined();
    expect(book.cover?.source).toBe('epub');
    expect(book.cover?.contentType).toBe('image/jpeg');
    expect(await imageInfo(book.cover?.bytes ?? new Uint8Array())).toMatchObject({ width: 600, height: 900 });
  });

  it('takes a PNG cover declared with properties="cover-image"', async () => {
    const book = await extract(await buildEpub3({ cover: 'png' }));
    expect(book.cover?.contentType).toBe('image/png');
    expect((await imageInfo(book.cover?.bytes ?? new Uint8Array())).format).toBe('png');
  });

  it('without a page list, estimates pages chapter by chapter from text length and images', async () => {
    const text = (characters: number, images = 0) =>
      strToU8(
        `<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title><style>p { color: red }</style></head><body><h1>${'a'.repeat(characters)}</h1>${'<img src="../images/cover.jpg" alt=""/>'.repeat(images)}</body></html>`,
      );
    const bytes = await buildEpub3({
      chapters: 3,
      pageList: false,
      files: {
        // 2 pages of text and one more character: 3 pages.
        'OEBPS/text/chapter-001.xhtml': text(2 * CHARACTERS_PER_PAGE + 1),
        // A few words and two pictures: 1 + 2.
        'OEBPS/text/chapter-002.xhtml': text(10, 2),
        // Exactly one page.
        'OEBPS/text/chapter-003.xhtml': text(CHARACTERS_PER_PAGE),
      },
    });
    const book = await extract(bytes);
    expect(book.pageCountSource).toBe('estimate');
    expect(book.pageCount).toBe(3 + 3 + 1);
    expect(book.metadata.quality).toBe('fair');
    expectWarning(book, /estimate/);
  });

  it('estimates close to what the page list says for the same text', async () => {
    const withList = await extract(await buildEpub3({ chapters: 5, chapterCharacters: 9000 }));
    const without = await extract(await buildEpub3({ chapters: 5, chapterCharacters: 9000, pageList: false }));
    expect(withList.pageCountSource).toBe('page-list');
    expect(Math.abs(without.pageCount - withList.pageCount)).toBeLessThanOrEqual(5);
  });

  it('without a declared cover, takes the first image of the first spine item', async () => {
    const book = await extract(await buildEpub3({ cover: 'first-image' }));
    expect(book.cover).toMatchObject({ contentType: 'image/jpeg', source: 'epub' });
    expectWarning(book, /first image/);
  });

  it('a declared cover that is not an image: no cover, a warning, rated poor', async () => {
    const book = await extract(
      await buildEpub3({ cover: 'jpeg', files: { 'OEBPS/images/cover.jpg': strToU8('<html>not an image</html>') } }),
    );
    expect(book.cover).toBeNull();
    expect(book.metadata.quality).toBe('poor');
    expectWarning(book, /cannot be read as an image/);
  });

  it('a cover whose header claims more pixels than sharp decodes (a decompression bomb) is not taken', async () => {
    const png = new Uint8Array(
      await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
    );
    const header = new DataView(png.buffer, png.byteOffset);
    header.setUint32(16, 30_000); // IHDR width
    header.setUint32(20, 30_000); // IHDR height
    header.setUint32(29, crc32(png.subarray(12, 29)));
    const book = await extract(await buildEpub3({ cover: 'png', files: { 'OEBPS/images/cover.png': png } }));
    expect(book.cover).toBeNull();
    expectWarning(book, /cannot be read as an image/);
  });

  it('no cover and no toc are poor', async () => {
    const book = await extract(await buildEpub3({ cover: false, toc: false }));
    expect(book.cover).toBeNull();
    expect(book.toc).toEqual([]);
    expect(book.metadata.quality).toBe('poor');
    expectWarning(book, /no usable cover/);
    expectWarning(book, /no table of contents/);
  });

  it('strips HTML from the description and keeps its paragraphs', async () => {
    const book = await extract(
      await buildEpub3({
        description: '<p>Un <b>conte</b> du fleuve&nbsp;!</p><p>Deux &amp; trois</p><script>x()</script>',
      }),
    );
    expect(book.description).toBe('Un conte du fleuve\u00a0!\n\nDeux & trois');
  });

  it('fits huge metadata to the columns of public.books, with warnings', async () => {
    const word = 'Soundjata ';
    const book = await extract(
      await buildEpub3({
        title: word.repeat(2000),
        subtitle: word.repeat(100),
        description: word.repeat(5000),
        authors: ['A'.repeat(1000)],
      }),
    );
    expect(Array.from(book.title).length).toBeLessThanOrEqual(300);
    expect(book.title.endsWith('…')).toBe(true);
    expect(Array.from(book.subtitle ?? '').length).toBeLessThanOrEqual(300);
    expect(Array.from(book.description ?? '').length).toBeLessThanOrEqual(20_000);
    expect(book.authors[0]?.length).toBeLessThanOrEqual(200);
    expectWarning(book, /title was longer than 300/);
    expectWarning(book, /description was longer than 20000/);
  });

  it('normalises the language and drops what books.language cannot hold', async () => {
    expect((await extract(await buildEpub3({ language: 'fr_sn' }))).language).toBe('fr-SN');
    expect((await extract(await buildEpub3({ language: 'EN' }))).language).toBe('en');
    const fre = await extract(await buildEpub3({ language: 'FRE' }));
    expect(fre.language).toBeNull();
    expectWarning(fre, /"FRE" is not a two-letter code/);
    expect((await extract(await buildEpub3({ language: null }))).metadata.quality).toBe('fair');
  });

  it('accepts an ISBN only with a right check digit, ISBN-10s converted', async () => {
    expect((await extract(await buildEpub3({ isbn: '0-306-40615-2' }))).isbn).toBe('9780306406157');
    const wrong = await extract(await buildEpub3({ isbn: '978-0-306-40615-8' }));
    expect(wrong.isbn).toBeNull();
    expectWarning(wrong, /check digit is wrong/);
  });

  it('keeps a usable publication date only', async () => {
    expect((await extract(await buildEpub3({ date: '2019' }))).publicationDate).toBe('2019-01-01');
    expect((await extract(await buildEpub3({ date: '2021-06-30T08:00:00Z' }))).publicationDate).toBe('2021-06-30');
    // Calibre's "unknown".
    const unknown = await extract(await buildEpub3({ date: '0101-01-01T00:00:00+00:00' }));
    expect(unknown.publicationDate).toBeNull();
    expectWarning(unknown, /not a usable publication date/);
    expect((await extract(await buildEpub3({ date: '2023-02-30' }))).publicationDate).toBeNull();
  });

  it('flags encrypted content as DRM, but not obfuscated fonts', async () => {
    const protectedBook = await extract(await buildEpub3({ encryption: 'content' }));
    expect(protectedBook.metadata.drm).toBe(true);
    expect(protectedBook.title).toBe('Les contes de la lagune');
    expect(drmError(protectedBook)?.reason).toBe('DRM_PROTECTED');
    expect(drmError(protectedBook)?.message).toContain('Les contes de la lagune');

    const fonts = await extract(await buildEpub3({ encryption: 'fonts' }));
    expect(fonts.metadata.drm).toBe(false);
    expect(drmError(fonts)).toBeNull();
  });

  it('reads an EPUB by its bytes whatever its name and declared type, with warnings', async () => {
    const book = await extract(await buildEpub3(), { filename: 'livre.pdf', contentType: 'application/pdf' });
    expect(book.format).toBe('epub');
    expectWarning(book, /named "livre.pdf" but it is an EPUB/);
    expectWarning(book, /declared the type application\/pdf/);
    // A zip type is what many browsers send for an EPUB: no warning.
    const zip = await extract(await buildEpub3(), { filename: 'livre.epub', contentType: 'application/zip' });
    expect(zip.metadata.warnings).toEqual([]);
  });
});

describe('extractBook on an EPUB 2', () => {
  it('reads the NCX toc and page list, the <meta name="cover"> cover and opf:role authors', async () => {
    const bytes = await buildEpub2({
      authors: ['Aminata Diallo', { name: 'Jean Traducteur', role: 'trl' }],
      cover: 'png',
      date: '2018-09',
    });
    const book = await extract(bytes);
    expect(book).toMatchObject({
      format: 'epub',
      epubVersion: '2.0',
      title: 'Les contes de la lagune',
      subtitle: null,
      authors: ['Aminata Diallo'],
      isbn: '9782731000146',
      language: 'fr',
      publicationDate: '2018-09-01',
      pageCountSource: 'page-list',
      metadata: { drm: false, quality: 'good' },
    });
    expect(book.pageCount).toBe(pageBreaks(bytes));
    expect(book.toc.map((entry) => entry.title)).toEqual(['Chapitre 1', 'Chapitre 2', 'Chapitre 3']);
    expect(book.cover?.contentType).toBe('image/png');
  });

  it('without a page list, estimates', async () => {
    const book = await extract(await buildEpub2({ pageList: false }));
    expect(book.pageCountSource).toBe('estimate');
    expect(book.pageCount).toBeGreaterThan(1);
  });
});

describe('the test builders', () => {
  it('give the same bytes for the same options', async () => {
    expect(await buildEpub3({ cover: 'png' })).toEqual(await buildEpub3({ cover: 'png' }));
    expect(await buildEpub2()).toEqual(await buildEpub2());
  });

  it('buildLargeEpub makes a ~10 MB book of real chapters that reads like the others', async () => {
    const bytes = await buildLargeEpub();
    const target = 10 * 1024 * 1024;
    expect(Math.abs(bytes.length - target)).toBeLessThan(target * 0.1);
    const book = await extract(bytes);
    expect(book.pageCountSource).toBe('page-list');
    expect(book.pageCount).toBeGreaterThan(200);
    expect(book.toc.length).toBeGreaterThanOrEqual(3);
    expect(book.metadata.quality).toBe('good');
  });
});
