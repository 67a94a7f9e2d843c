import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type BookFileError, isBookFileError } from '../../src/content/book-file-error.ts';
import { readEpub } from '../../src/content/read-epub.ts';
import { epub2Files, SAMPLE_BOOK, sampleEpub, zip } from './fixtures.ts';

const encode = (text: string) => new TextEncoder().encode(text);

function refusal(bytes: Uint8Array, limits?: Parameters<typeof readEpub>[1]): BookFileError {
  try {
    readEpub(bytes, limits);
  } catch (error) {
    if (isBookFileError(error)) return error;
    throw error;
  }
  throw new Error('readEpub accepted the file');
}

describe('readEpub on a generated EPUB 3', () => {
  it('reads the metadata, spine, cover, toc and page list', async () => {
    const epub = readEpub(await sampleEpub());
    expect(epub.version).toBe('3.0');
    expect(epub.opfPath).toBe('OEBPS/content.opf');
    expect(epub.metadata).toEqual({
      title: SAMPLE_BOOK.title,
      subtitle: SAMPLE_BOOK.subtitle,
      creators: [{ name: 'Aminata Diallo, Moussa Traoré', role: 'aut' }],
      language: 'fr',
      publisher: SAMPLE_BOOK.publisher,
      description: null,
      identifier: `urn:uuid:${SAMPLE_BOOK.id}`,
      isbn: SAMPLE_BOOK.isbn,
      identifiers: [`urn:uuid:${SAMPLE_BOOK.id}`, `urn:isbn:${SAMPLE_BOOK.isbn}`],
      dates: [],
      modified: '2026-01-01T00:00:00Z',
    });
    expect(epub.spine.map((item) => item.href)).toEqual([
      'OEBPS/text/cover.xhtml',
      ...[1, 2, 3, 4, 5].map((n) => `OEBPS/text/chapter-00${n}.xhtml`),
    ]);
    expect(epub.cover).toMatchObject({ href: 'OEBPS/images/cover.jpg', mediaType: 'image/jpeg' });
    expect(epub.toc).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({ title: `Chapitre ${n}`, href: `OEBPS/text/chapter-00${n}.xhtml`, children: [] })),
    );
    expect(epub.pageList[0]).toEqual({ label: '1', href: 'OEBPS/text/chapter-001.xhtml#page-1' });
    expect(epub.pageList.map((page) => page.label)).toEqual(epub.pageList.map((_, i) => String(i + 1)));
    expect(epub.files.get('OEBPS/images/cover.jpg')?.subarray(0, 2)).toEqual(new Uint8Array([0xff, 0xd8]));
  });
});

describe('readEpub on an EPUB 2', () => {
  it('takes the toc and page list from the NCX and the cover from <meta name="cover">', () => {
    const epub = readEpub(zip(epub2Files()));
    expect(epub.version).toBe('2.0');
    expect(epub.metadata).toMatchObject({
      title: 'Contes du soir',
      subtitle: null,
      creators: [
        { name: 'Awa Ndiaye', role: 'aut' },
        { name: 'Kofi Mensah', role: 'ill' },
      ],
      identifier: 'urn:uuid:0b0c7e3a-1111-4aaa-8bbb-222233334444',
      isbn: '9782731000148',
      identifiers: ['urn:uuid:0b0c7e3a-1111-4aaa-8bbb-222233334444', '978-2-7310-0014-8'],
      dates: [{ value: '2024-05-01', event: 'modification' }],
      modified: '2024-05-01',
    });
    expect(epub.spine.map((item) => item.href)).toEqual(['OPS/text/two.xhtml', 'OPS/text/one.xhtml']);
    // The manifest href is URL-encoded; the path inside the archive is not.
    expect(epub.cover?.href).toBe('OPS/images/cover art.png');
    expect(epub.toc).toEqual([
      {
        title: 'Premier conte',
        href: 'OPS/text/two.xhtml',
        children: [{ title: 'La suite', href: 'OPS/text/two.xhtml#suite', children: [] }],
      },
      { title: 'Second conte', href: 'OPS/text/one.xhtml', children: [] },
    ]);
    expect(epub.pageList).toEqual([
      { label: '1', href: 'OPS/text/two.xhtml#p1' },
      { label: '2', href: 'OPS/text/one.xhtml#p2' },
    ]);
  });
});

describe('readEpub and XML', () => {
  const opf = () => new TextDecoder().decode(unzipSync(zip(epub2Files()))['OPS/book.opf']);

  it('decodes character references in metadata', () => {
    const withReferences = opf().replace('Contes du soir', 'Contes &#233;tranges &amp; autres&#8239;r&#xE9;cits');
    const epub = readEpub(zip({ ...epub2Files(), 'OPS/book.opf': encode(withReferences) }));
    expect(epub.metadata.title).toBe('Contes étranges & autres\u202Frécits');
  });

  it('does not expand nested entities (billion laughs)', () => {
    const levels = Array.from({ length: 9 }, (_, i) => {
      const previous = i === 0 ? 'lol' : `lol${i}`;
      return `<!ENTITY lol${i + 1} "${`&${previous};`.repeat(10)}">`;
    }).join('');
    const bomb = opf()
      .replace('<package', `<!DOCTYPE package [<!ENTITY lol "lol">${levels}]>\n<package`)
      .replace('Contes du soir', '&lol9;');
    const epub = readEpub(zip({ ...epub2Files(), 'OPS/book.opf': encode(bomb) }));
    expect(epub.metadata.title.length).toBeLessThan(100);
  });
});

describe('readEpub on an EPUB 3 navigation document', () => {
  it('prefers the nav over the NCX, reads labels in document order and lifts the children of unlinked headings', () => {
    const files = epub2Files();
    const opf = new TextDecoder()
      .decode(unzipSync(zip(files))['OPS/book.opf'])
      .replace('version="2.0"', 'version="3.0"')
      .replace(
        '<manifest>',
        '<manifest>\n    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
      );
    const nav = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<body><section><nav epub:type="toc"><ol>
  <li><a href="text/two.xhtml"><span class="num">1.</span> Le d&#233;part</a></li>
  <li><span>Deuxi&#232;me partie</span><ol><li><a href="text/one.xhtml#s2">Le <em>retour</em></a></li></ol></li>
</ol></nav>
<nav epub:type="landmarks"><ol><li><a epub:type="bodymatter" href="text/two.xhtml">Début</a></li></ol></nav></section></body></html>`;
    const epub = readEpub(zip({ ...files, 'OPS/book.opf': encode(opf), 'OPS/nav.xhtml': encode(nav) }));
    expect(epub.toc).toEqual([
      { title: '1. Le départ', href: 'OPS/text/two.xhtml', children: [] },
      { title: 'Le retour', href: 'OPS/text/one.xhtml#s2', children: [] },
    ]);
    // No page list in the nav: the NCX's.
    expect(epub.pageList).toHaveLength(2);
  });
});

describe('readEpub refuses what is not a usable EPUB, with a reason', () => {
  it('a file that is not a zip', () => {
    expect(refusal(encode('%PDF-1.7 not a zip')).reason).toBe('NOT_A_ZIP');
  });

  it('a zip without the EPUB mimetype', () => {
    expect(refusal(zip({ ...epub2Files(), mimetype: encode('application/zip') })).reason).toBe('BAD_MIMETYPE');
    const { mimetype: _, ...withoutMimetype } = epub2Files();
    expect(refusal(zip(withoutMimetype)).reason).toBe('BAD_MIMETYPE');
  });

  it('a missing container', () => {
    const { 'META-INF/container.xml': _, ...files } = epub2Files();
    const error = refusal(zip(files));
    expect(error.reason).toBe('MISSING_CONTAINER');
    expect(error.message).toContain('META-INF/container.xml');
  });

  it('a container that names no package document, or one that is missing', () => {
    expect(
      refusal(zip({ ...epub2Files(), 'META-INF/container.xml': encode('<container><rootfiles/></container>') })).reason,
    ).toBe('BAD_CONTAINER');
    const { 'OPS/book.opf': _, ...files } = epub2Files();
    expect(refusal(zip(files)).reason).toBe('MISSING_OPF');
  });

  it('a package document that is not XML, has no title or an empty spine', () => {
    expect(refusal(zip({ ...epub2Files(), 'OPS/book.opf': encode('<package><metadata>') })).reason).toBe('BAD_OPF');
    const opf = new TextDecoder().decode(unzipSync(zip(epub2Files()))['OPS/book.opf']);
    expect(
      refusal(zip({ ...epub2Files(), 'OPS/book.opf': encode(opf.replace(/<dc:title>.*<\/dc:title>/, '')) })).reason,
    ).toBe('MISSING_TITLE');
    expect(refusal(zip({ ...epub2Files(), 'OPS/book.opf': encode(opf.replace(/<itemref[^>]*>/g, '')) })).reason).toBe(
      'BAD_OPF',
    );
  });

  it('an entry whose path climbs out of the folder it is extracted to', () => {
    for (const name of ['../evil.xhtml', 'OPS/../../evil.xhtml', '/etc/passwd', 'C:/boot.ini', 'OPS\\..\\evil']) {
      const error = refusal(zip({ ...epub2Files(), [name]: encode('x') }));
      expect(error.reason, name).toBe('UNSAFE_PATH');
    }
  });

  it('an archive that declares more bytes or files than the limits (zip bomb)', () => {
    // 2 MB of zeros compress to a few kB: the declared size is what the limit checks.
    const bomb = zipSync({ ...epub2Files(), 'OPS/zeros.bin': new Uint8Array(2_000_000) }, { level: 9 });
    expect(bomb.length).toBeLessThan(20_000);
    const limits = { maxEntries: 100, maxEntryBytes: 1_000_000, maxTotalBytes: 1_500_000 };
    expect(refusal(bomb, limits).reason).toBe('TOO_LARGE');
    expect(refusal(zip(epub2Files()), { ...limits, maxEntries: 3 }).reason).toBe('TOO_LARGE');
  });
});
