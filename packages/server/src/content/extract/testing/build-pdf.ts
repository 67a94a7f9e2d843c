import {
  PDFDocument,
  type PDFFont,
  PDFHexString,
  PDFName,
  type PDFPage,
  type PDFRef,
  rgb,
  StandardFonts,
} from 'pdf-lib';
import { frenchParagraphs } from '../../demo/prose.ts';
import { escapeXml } from './build-epub.ts';

export interface TestOutlineItem {
  title: string;
  /** Zero-based page the entry opens. */
  page: number;
  children?: TestOutlineItem[];
}

export interface TestPdfOptions {
  /** The info dictionary's Title; null leaves it out. */
  title?: string | null;
  /** Author(s): the info dictionary holds them joined with "; " (XMP, when asked, lists each). */
  authors?: string[];
  /** The info dictionary's Subject (what PDF tools call the description). */
  subject?: string | null;
  /** The document catalog's /Lang. */
  language?: string | null;
  /** Number of pages (0 makes a PDF with no page, which the pipeline refuses). */
  pages?: number;
  /** The outline (bookmarks): true gives one entry per page after the first ("Chapitre n"). */
  outline?: boolean | TestOutlineItem[];
  /** An XMP metadata stream in the catalog, whose values win over the info dictionary. */
  xmp?: TestXmp | null;
  /**
   * An /Encrypt dictionary in the trailer with a user password, as a protected PDF has: no reader
   * opens it without the password. (The content is not really encrypted: only the marker matters.)
   */
  encrypted?: boolean;
  /** Text printed at the foot of the last page (a back cover's ISBN line, say). */
  lastPageText?: string;
  seed?: string;
}

export interface TestXmp {
  title?: string;
  creators?: string[];
  description?: string;
  language?: string;
  publisher?: string;
  date?: string;
  isbn?: string;
}

// A5, fixed dates: the same options give the same bytes.
const PAGE = { width: 420, height: 595, margin: 48 } as const;
const FIXED_DATE = new Date('2026-01-01T00:00:00Z');

/**
 * A PDF whose first page is a drawn cover (coloured background, title, author), then pages of French
 * prose, with the info dictionary, an outline and optionally XMP metadata.
 *
 * @example
 * const bytes = await buildPdf({ title: 'Le fleuve', authors: ['Awa Ndiaye'], pages: 12 });
 */
export async function buildPdf(options: TestPdfOptions = {}): Promise<Uint8Array> {
  const title = options.title === undefined ? 'Le fleuve et la ville' : options.title;
  const authors = options.authors ?? ['Awa Ndiaye'];
  const pageCount = options.pages ?? 4;
  const seed = options.seed ?? 'test-pdf';
  const document = await PDFDocument.create();
  const regular = await document.embedFont(StandardFonts.TimesRoman);
  const bold = await document.embedFont(StandardFonts.TimesRomanBold);
  if (title !== null) document.setTitle(title);
  if (authors.length > 0) document.setAuthor(authors.join('; '));
  if (options.subject) document.setSubject(options.subject);
  if (options.language) document.setLanguage(options.language);
  document.setProducer('Coko test builder');
  document.setCreationDate(FIXED_DATE);
  document.setModificationDate(FIXED_DATE);

  for (let index = 0; index < pageCount; index += 1) {
    const page = document.addPage([PAGE.width, PAGE.height]);
    if (index === 0) drawCoverPage(page, bold, regular, title ?? '', authors.join(', '));
    else drawProsePage(page, regular, bold, `Chapitre ${index}`, `${seed}:${index}`);
  }
  const last = document.getPages().at(-1);
  if (last && options.lastPageText)
    last.drawText(winAnsi(options.lastPageText), { x: PAGE.margin, y: PAGE.margin / 2, size: 9, font: regular });
  const outline =
    options.outline === false || pageCount === 0
      ? []
      : Array.isArray(options.outline)
        ? options.outline
        : Array.from({ length: pageCount - 1 }, (_, i) => ({ title: `Chapitre ${i + 1}`, page: i + 1 }));
  if (outline.length > 0) addOutline(document, outline);
  if (options.xmp) addXmp(document, options.xmp);
  if (options.encrypted) addEncryptionMarker(document);
  return document.save({ useObjectStreams: false, addDefaultPage: false });
}

function drawCoverPage(page: PDFPage, bold: PDFFont, regular: PDFFont, title: string, author: string): void {
  page.drawRectangle({ x: 0, y: 0, width: PAGE.width, height: PAGE.height, color: rgb(0.48, 0.18, 0.07) });
  page.drawRectangle({
    x: 24,
    y: 24,
    width: PAGE.width - 48,
    height: PAGE.height - 48,
    borderColor: rgb(0.88, 0.64, 0.23),
    borderWidth: 3,
  });
  page.drawCircle({ x: PAGE.width / 2, y: 160, size: 70, color: rgb(0.88, 0.64, 0.23) });
  page.drawText(winAnsi(title), {
    x: PAGE.margin,
    y: PAGE.height - 140,
    size: 26,
    font: bold,
    color: rgb(0.96, 0.92, 0.82),
    maxWidth: PAGE.width - 2 * PAGE.margin,
    lineHeight: 32,
  });
  page.drawText(winAnsi(author), {
    x: PAGE.margin,
    y: PAGE.height - 240,
    size: 16,
    font: regular,
    color: rgb(0.88, 0.64, 0.23),
  });
}

function drawProsePage(page: PDFPage, regular: PDFFont, bold: PDFFont, heading: string, seed: string): void {
  page.drawText(heading, { x: PAGE.margin, y: PAGE.height - PAGE.margin - 20, size: 18, font: bold });
  const text = frenchParagraphs(seed, 1200).join(' ');
  page.drawText(winAnsi(text), {
    x: PAGE.margin,
    y: PAGE.height - PAGE.margin - 60,
    size: 11,
    font: regular,
    lineHeight: 15,
    maxWidth: PAGE.width - 2 * PAGE.margin,
  });
}

/** The standard fonts speak WinAnsi: other characters (a narrow no-break space…) become spaces. */
function winAnsi(text: string): string {
  return text.replace(/[\u2019]/g, "'").replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, ' ');
}

/** Builds the /Outlines tree by hand: pdf-lib has no API for bookmarks. */
function addOutline(document: PDFDocument, items: TestOutlineItem[]): void {
  const { context } = document;
  const pages = document.getPages();
  const rootRef = context.nextRef();
  const write = (parent: PDFRef, entries: TestOutlineItem[]): { first: PDFRef; last: PDFRef; count: number } => {
    const refs = entries.map(() => context.nextRef());
    let count = entries.length;
    entries.forEach((entry, i) => {
      const target = pages[Math.min(entry.page, pages.length - 1)];
      const dict = context.obj({
        Title: PDFHexString.fromText(entry.title),
        Parent: parent,
        Dest: [target?.ref ?? null, 'Fit'],
      });
      if (i > 0) dict.set(PDFName.of('Prev'), refs[i - 1] as PDFRef);
      if (i < refs.length - 1) dict.set(PDFName.of('Next'), refs[i + 1] as PDFRef);
      if (entry.children?.length) {
        const nested = write(refs[i] as PDFRef, entry.children);
        dict.set(PDFName.of('First'), nested.first);
        dict.set(PDFName.of('Last'), nested.last);
        dict.set(PDFName.of('Count'), context.obj(nested.count));
        count += nested.count;
      }
      context.assign(refs[i] as PDFRef, dict);
    });
    return { first: refs[0] as PDFRef, last: refs.at(-1) as PDFRef, count };
  };
  const top = write(rootRef, items);
  context.assign(rootRef, context.obj({ Type: 'Outlines', First: top.first, Last: top.last, Count: top.count }));
  document.catalog.set(PDFName.of('Outlines'), rootRef);
}

function addXmp(document: PDFDocument, xmp: TestXmp): void {
  const li = (values: string[]) => values.map((value) => `<rdf:li>${escapeXml(value)}</rdf:li>`).join('');
  const fields = [
    xmp.title &&
      `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(xmp.title)}</rdf:li></rdf:Alt></dc:title>`,
    xmp.creators && `<dc:creator><rdf:Seq>${li(xmp.creators)}</rdf:Seq></dc:creator>`,
    xmp.description &&
      `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(xmp.description)}</rdf:li></rdf:Alt></dc:description>`,
    xmp.language && `<dc:language><rdf:Bag>${li([xmp.language])}</rdf:Bag></dc:language>`,
    xmp.publisher && `<dc:publisher><rdf:Bag>${li([xmp.publisher])}</rdf:Bag></dc:publisher>`,
    xmp.date && `<dc:date><rdf:Seq>${li([xmp.date])}</rdf:Seq></dc:date>`,
    xmp.isbn &&
      `<dc:identifier>urn:isbn:${escapeXml(xmp.isbn)}</dc:identifier><prism:isbn>${escapeXml(xmp.isbn)}</prism:isbn>`,
  ].filter(Boolean);
  const packet = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/">
      ${fields.join('\n      ')}
    </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
  const stream = document.context.stream(new TextEncoder().encode(packet), { Type: 'Metadata', Subtype: 'XML' });
  document.catalog.set(PDFName.of('Metadata'), document.context.register(stream));
}

function addEncryptionMarker(document: PDFDocument): void {
  const { context } = document;
  // The Standard security handler, revision 2 (RC4 40-bit), with O and U entries that match no empty
  // password: a reader must ask for one.
  const filler = (byte: number) =>
    PDFHexString.of(
      Array.from({ length: 32 }, (_, i) => ((byte + i * 7) % 256).toString(16).padStart(2, '0')).join(''),
    );
  const encrypt = context.obj({ Filter: 'Standard', V: 1, R: 2, O: filler(17), U: filler(91), P: -44 });
  context.trailerInfo.Encrypt = context.register(encrypt);
  context.trailerInfo.ID = context.obj([
    PDFHexString.of('0123456789abcdef0123456789abcdef'),
    PDFHexString.of('0123456789abcdef0123456789abcdef'),
  ]);
}
