import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isBookFileError } from '../../src/content/book-file-error.ts';
import { drmError, extractBook } from '../../src/content/extract/index.ts';
import { buildBrokenFiles, buildEpub3, buildPdf } from '../../src/content/extract/testing.ts';
import { seededRandom } from '../../src/content/seeded-random.ts';
import { extractedBookSchema } from './extract-helpers.ts';

/** The reason the pipeline would record for a file: extractBook's refusal, or DRM on a readable file. */
async function outcome(bytes: Uint8Array, filename: string): Promise<{ reason: string; message: string } | 'accepted'> {
  try {
    const book = await extractBook(bytes, { filename });
    extractedBookSchema.parse(book);
    const drm = drmError(book);
    return drm ? { reason: drm.reason, message: drm.message } : 'accepted';
  } catch (error) {
    if (isBookFileError(error)) return { reason: error.reason, message: error.message };
    throw error;
  }
}

describe('extractBook refuses every broken file with its reason', async () => {
  const files = await buildBrokenFiles();

  it('covers each refusal reason an upload can meet', () => {
    const reasons = new Set(files.map((file) => file.reason));
    for (const reason of [
      'EMPTY_FILE',
      'UNSUPPORTED_FORMAT',
      'NOT_A_ZIP',
      'BAD_MIMETYPE',
      'MISSING_CONTAINER',
      'BAD_CONTAINER',
      'MISSING_OPF',
      'BAD_OPF',
      'MISSING_TITLE',
      'DRM_PROTECTED',
      'NOT_A_PDF',
      'NO_PAGES',
    ])
      expect(reasons, reason).toContain(reason);
  });

  it.each(files.map((file) => [file.name, file] as const))('%s', async (_, file) => {
    const result = await outcome(file.bytes, file.name);
    expect(result).not.toBe('accepted');
    if (result === 'accepted') return;
    expect(result.reason).toBe(file.reason);
    // A sentence an editor can read: no stack, no object dump.
    expect(result.message).toMatch(/^[A-Z«].{10,300}[.)]$/s);
    expect(result.message).not.toMatch(/\n\s+at |\[object/);
  });
});

/** `count` copies of `bytes`, each with a few bytes overwritten or the tail cut, from a fixed seed. */
function mutations(bytes: Uint8Array, seed: string, count: number): Uint8Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const copy = i % 4 === 3 ? bytes.slice(0, Math.floor(random() * bytes.length)) : bytes.slice();
    for (let flips = 0; flips < 1 + Math.floor(random() * 8); flips += 1)
      copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
    return copy;
  });
}

describe('extractBook on damaged files never crashes', () => {
  it('an EPUB with bytes overwritten or cut: a book that fits the columns, or a BookFileError', async () => {
    const epub = await buildEpub3({ chapters: 2, chapterCharacters: 2000, cover: 'png' });
    for (const bytes of mutations(epub, 'fuzz-epub', 60)) await outcome(bytes, 'livre.epub');
  });

  it('a PDF with bytes overwritten or cut: a book that fits the columns, or a BookFileError', async () => {
    const pdf = await buildPdf({ pages: 3, xmp: { title: 'Titre', creators: ['A'] } });
    for (const bytes of mutations(pdf, 'fuzz-pdf', 16)) await outcome(bytes, 'livre.pdf');
  });

  it('an EPUB whose XML documents are mangled (markup characters inserted, text cut)', async () => {
    const entries = unzipSync(await buildEpub3({ chapters: 2, chapterCharacters: 2000 }));
    const documents = [
      'META-INF/container.xml',
      'OEBPS/content.opf',
      'OEBPS/nav.xhtml',
      'OEBPS/text/chapter-001.xhtml',
    ];
    const random = seededRandom('fuzz-xml');
    const junk = ['<', '>', '&', '"', "'", '</', '<!--', ']]>', '&#xFFFFFF;', '%', '\u0000', '\uFFFE'];
    for (let i = 0; i < 80; i += 1) {
      const path = documents[i % documents.length] as string;
      let text = strFromU8(entries[path] as Uint8Array);
      for (let edits = 0; edits < 1 + Math.floor(random() * 4); edits += 1) {
        const at = Math.floor(random() * text.length);
        text =
          random() < 0.8
            ? text.slice(0, at) + (junk[Math.floor(random() * junk.length)] as string) + text.slice(at)
            : text.slice(0, at);
      }
      await outcome(zipSync({ ...entries, [path]: strToU8(text) }), 'livre.epub');
    }
  });

  it('malformed percent-escapes in the manifest, the nav or encryption.xml', async () => {
    const entries = unzipSync(await buildEpub3());
    const edit = (path: string, from: string, to: string) => ({
      ...entries,
      [path]: strToU8(strFromU8(entries[path] as Uint8Array).replace(from, to)),
    });
    const manifest = await outcome(
      zipSync(edit('OEBPS/content.opf', 'href="text/chapter-001.xhtml"', 'href="text/%ZZ.xhtml"')),
      'a.epub',
    );
    expect(manifest).toBe('accepted');
    const nav = await extractBook(zipSync(edit('OEBPS/nav.xhtml', 'href="text/chapter-002.xhtml"', 'href="%E0%A4%A"')));
    expect(nav.toc[1]).toEqual({ title: 'Chapitre 2', href: 'OEBPS/%E0%A4%A', children: [] });
    const encryption = await extractBook(
      zipSync({
        ...entries,
        'META-INF/encryption.xml': strToU8(
          '<encryption><EncryptedData><CipherData><CipherReference URI="%ZZ"/></CipherData></EncryptedData></encryption>',
        ),
      }),
    );
    expect(encryption.metadata.drm).toBe(true);
  });

  it('bytes that only start like a zip or a PDF', async () => {
    const random = seededRandom('noise');
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...noise]);
    const pdf = new Uint8Array([...new TextEncoder().encode('%PDF-1.7\n'), ...noise]);
    expect(await outcome(zip, 'x.epub')).toMatchObject({ reason: 'NOT_A_ZIP' });
    expect(await outcome(pdf, 'x.pdf')).toMatchObject({ reason: 'NOT_A_PDF' });
  });
});
