import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { BookFileError } from '../book-file-error.ts';
import type { ExtractOptions } from './extracted-book.ts';
import type { ExtractedFields } from './from-epub.ts';
import { isbn13, isbnsInText } from './isbn.ts';
import { fitText, LIMITS, names, normaliseDate, normaliseLanguage, plainText, short, type Warn } from './normalise.ts';
import { renderFirstPage } from './pdf-cover.ts';
import { openPdf } from './pdf-document.ts';
import { pdfToc } from './pdf-outline.ts';
import { readXmp } from './pdf-xmp.ts';

/** The info dictionary as pdf.js returns it (values are decoded strings). */
interface PdfInfo {
  Title?: unknown;
  Author?: unknown;
  Subject?: unknown;
  Keywords?: unknown;
  Language?: unknown;
  EncryptFilterName?: unknown;
}

// Titles that authoring tools write when the author set none: they name the file, not the book.
const PLACEHOLDER_TITLE =
  /^(untitled|sans titre|document\d*|microsoft (word|powerpoint) - .*|.*\.(docx?|odt|rtf|indd|pages|pdf|txt))$/i;
// The copyright page (front) and the back cover (end) are where a PDF prints its ISBN.
const ISBN_PAGES = { first: 4, last: 2 } as const;

/**
 * Reads a PDF: XMP metadata (Dublin Core) first, the info dictionary for what XMP lacks, the outline
 * as toc, the page count, the ISBN printed on the first or last pages, and the first page drawn as
 * the cover. A PDF without a title takes the upload's file name (with a warning), since PDFs often
 * carry none; without either it is refused (MISSING_TITLE).
 */
export async function extractPdf(bytes: Uint8Array, options: ExtractOptions, warn: Warn): Promise<ExtractedFields> {
  const pdf = await openPdf(bytes);
  try {
    if (pdf.numPages < 1) throw new BookFileError('NO_PAGES', 'The PDF has no pages: export it again from its source.');
    const { info: rawInfo, metadata } = await pdf.getMetadata().catch(() => ({ info: {}, metadata: null }));
    const info = rawInfo as PdfInfo;
    const xmp = readXmp(metadata?.getRaw() ?? null);
    const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);

    const title = pdfTitle(xmp.title ?? text(info.Title), options.filename, warn);
    const authorNames = xmp.creators.length > 0 ? xmp.creators : (text(info.Author)?.split(';') ?? []);
    const identifierIsbn = xmp.identifiers.map(isbn13).find((isbn) => isbn !== null) ?? null;
    const isbn = identifierIsbn ?? (await printedIsbn(pdf));
    const cover = await renderFirstPage(pdf).catch((error: Error) => {
      warn(`The first page could not be drawn as a cover (${short(error.message)}): one will be made from the title.`);
      return null;
    });
    return {
      format: 'pdf',
      epubVersion: null,
      title,
      subtitle: null,
      authors: names(authorNames, warn),
      language: normaliseLanguage(xmp.language ?? text(info.Language), warn),
      publisher: fitText(xmp.publisher, LIMITS.name, 'publisher', warn),
      isbn,
      description: fitText(
        plainText(xmp.description ?? text(info.Subject)),
        LIMITS.description,
        'description',
        warn,
        true,
      ),
      // The info dictionary's CreationDate is when the file was made, not when the book was published.
      publicationDate: normaliseDate(xmp.date, warn),
      pageCount: pdf.numPages,
      pageCountSource: 'pdf',
      toc: await pdfToc(pdf),
      cover,
      // An encrypted PDF that opened opened with the empty user password: copying or printing is
      // restricted by its owner, which is DRM all the same.
      drm: text(info.EncryptFilterName) !== null,
    };
  } finally {
    await pdf.destroy();
  }
}

function pdfTitle(fromFile: string | null, filename: string | undefined, warn: Warn): string {
  const title =
    fromFile && !PLACEHOLDER_TITLE.test(fromFile.trim()) ? fitText(fromFile, LIMITS.title, 'title', warn) : null;
  if (title) return title;
  const fromName = fitText(
    (filename ?? '')
      .replace(/^.*[/\\]/, '')
      .replace(/\.[a-z0-9]{1,5}$/i, '')
      .replace(/[_]+/g, ' '),
    LIMITS.title,
    'title',
    warn,
  );
  if (!fromName)
    throw new BookFileError(
      'MISSING_TITLE',
      'The PDF has no title in its properties: set one (File › Properties in most editors) and export it again.',
    );
  warn(`The PDF has no title in its properties: the file name "${short(fromName)}" was used; check it.`);
  return fromName;
}

/** The first valid ISBN printed on the copyright page or the back cover, from the text pdf.js reads. */
async function printedIsbn(pdf: PDFDocumentProxy): Promise<string | null> {
  const pages = new Set<number>();
  for (let n = 1; n <= Math.min(ISBN_PAGES.first, pdf.numPages); n += 1) pages.add(n);
  for (let n = Math.max(1, pdf.numPages - ISBN_PAGES.last + 1); n <= pdf.numPages; n += 1) pages.add(n);
  for (const n of pages) {
    try {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      page.cleanup();
      const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
      const isbn = isbnsInText(text)[0];
      if (isbn) return isbn;
    } catch {
      // An unreadable page has no ISBN to give; the others may.
    }
  }
  return null;
}
