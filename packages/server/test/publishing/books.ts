// Small EPUB 2, EPUB 3 and PDF files made by the tests (no binary fixtures). Stand-ins until helper
// `extract`'s builders (src/content/extract/testing.ts) are merged; the shapes asked of them are the same.
import { strToU8, zipSync } from 'fflate';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';

export interface BookOptions {
  title?: string;
  authors?: string[];
  language?: string;
  publisher?: string;
  isbn?: string | null;
  description?: string;
  /** Chapters of filler text (default 3). */
  chapters?: number;
  /** Bytes of incompressible filler added as an image (to make a large file). */
  padBytes?: number;
}

async function coverPng(): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width: 300, height: 450, channels: 3, background: { r: 180, g: 60, b: 20 } } })
      .png()
      .toBuffer(),
  );
}

const xmlEscape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function chapter(n: number, version: 2 | 3): string {
  const paragraph = `<p>Le fleuve coulait lentement sous le soleil du soir, chapitre ${n}. </p>`.repeat(40);
  const doctype =
    version === 2
      ? '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">'
      : '<!DOCTYPE html>';
  return `<?xml version="1.0" encoding="utf-8"?>${doctype}<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapitre ${n}</title></head><body><h1>Chapitre ${n}</h1>${paragraph}</body></html>`;
}

/** An EPUB of the given version with a cover image, chapters, a toc (nav or NCX) and Dublin Core metadata. */
export async function buildEpub(version: 2 | 3, options: BookOptions = {}): Promise<Uint8Array> {
  const title = options.title ?? (version === 2 ? 'Les Soleils des indépendances' : 'Une si longue lettre');
  const authors = options.authors ?? ['Mariama Bâ'];
  const chapters = Array.from({ length: options.chapters ?? 3 }, (_, i) => i + 1);
  const isbn = options.isbn === undefined ? null : options.isbn;
  const files: Record<string, Uint8Array> = {
    mimetype: strToU8('application/epub+zip'),
    'META-INF/container.xml': strToU8(
      '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
    ),
    'OEBPS/images/cover.png': await coverPng(),
  };
  for (const n of chapters) files[`OEBPS/ch${n}.xhtml`] = strToU8(chapter(n, version));
  if (options.padBytes)
    files['OEBPS/images/pad.bin'] = crypto.getRandomValues(new Uint8Array(options.padBytes)).map((b) => b);
  const creators = authors
    .map((name, i) =>
      version === 2
        ? `<dc:creator opf:role="aut">${xmlEscape(name)}</dc:creator>`
        : `<dc:creator id="c${i}">${xmlEscape(name)}</dc:creator>`,
    )
    .join('');
  const manifest = [
    '<item id="cover-image" href="images/cover.png" media-type="image/png"' +
      (version === 3 ? ' properties="cover-image"/>' : '/>'),
    ...chapters.map((n) => `<item id="ch${n}" href="ch${n}.xhtml" media-type="application/xhtml+xml"/>`),
    version === 3
      ? '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
      : '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
    options.padBytes ? '<item id="pad" href="images/pad.bin" media-type="application/octet-stream"/>' : '',
  ].join('');
  const meta = [
    `<dc:title>${xmlEscape(title)}</dc:title>`,
    creators,
    `<dc:language>${options.language ?? 'fr'}</dc:language>`,
    options.publisher ? `<dc:publisher>${xmlEscape(options.publisher)}</dc:publisher>` : '',
    options.description ? `<dc:description>${xmlEscape(options.description)}</dc:description>` : '',
    `<dc:identifier id="uid">${isbn ? `urn:isbn:${isbn}` : `urn:uuid:${crypto.randomUUID()}`}</dc:identifier>`,
    version === 3
      ? '<meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>'
      : '<meta name="cover" content="cover-image"/>',
  ].join('');
  files['OEBPS/content.opf'] = strToU8(
    `<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" xmlns:opf="http://www.idpf.org/2007/opf" version="${version}.0" unique-identifier="uid"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">${meta}</metadata><manifest>${manifest}</manifest><spine${version === 2 ? ' toc="ncx"' : ''}>${chapters.map((n) => `<itemref idref="ch${n}"/>`).join('')}</spine></package>`,
  );
  if (version === 3) {
    files['OEBPS/nav.xhtml'] = strToU8(
      `<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Sommaire</title></head><body><nav epub:type="toc"><ol>${chapters.map((n) => `<li><a href="ch${n}.xhtml">Chapitre ${n}</a></li>`).join('')}</ol></nav></body></html>`,
    );
  } else {
    files['OEBPS/toc.ncx'] = strToU8(
      `<?xml version="1.0" encoding="utf-8"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><head><meta name="dtb:uid" content="x"/></head><docTitle><text>${xmlEscape(title)}</text></docTitle><navMap>${chapters.map((n) => `<navPoint id="n${n}" playOrder="${n}"><navLabel><text>Chapitre ${n}</text></navLabel><content src="ch${n}.xhtml"/></navPoint>`).join('')}</navMap></ncx>`,
    );
  }
  // The mimetype first and stored, as OCF requires.
  const { mimetype, ...rest } = files;
  return zipSync({ mimetype: [mimetype as Uint8Array, { level: 0 }], ...rest });
}

/** A PDF of `pages` pages with title and author in its info dictionary. */
export async function buildPdf(options: { title?: string; author?: string; pages?: number } = {}): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.setTitle(options.title ?? 'Rapport annuel des bibliothèques');
  document.setAuthor(options.author ?? 'Aminata Sow Fall');
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= (options.pages ?? 3); n++) {
    const page = document.addPage([420, 595]);
    page.drawText(`Page ${n}`, { x: 50, y: 540, size: 18, font });
  }
  return document.save();
}

/** Files that must be refused, with the reason the upload must show. */
export async function brokenFiles(): Promise<{ name: string; bytes: Uint8Array; reason: string }[]> {
  const epub = await buildEpub(3);
  const noOpf = zipSync({
    mimetype: [strToU8('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': strToU8(
      '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
    ),
  });
  return [
    { name: 'pas-un-zip.epub', bytes: strToU8('ceci n’est pas un livre'.repeat(20)), reason: 'NOT_A_ZIP' },
    { name: 'sans-opf.epub', bytes: noOpf, reason: 'MISSING_OPF' },
    { name: 'tronque.epub', bytes: epub.subarray(0, Math.floor(epub.length / 2)), reason: 'NOT_A_ZIP' },
    { name: 'faux.pdf', bytes: strToU8('%PDF-1.7\nrien du tout'), reason: 'NOT_A_PDF' },
  ];
}
