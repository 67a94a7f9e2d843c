import { drawCover } from '../generated-cover.ts';
import { type DemoBookText, demoChapters } from './book-text.ts';
import { buildDemoEpub } from './build-epub.ts';
import { buildDemoPdf } from './build-pdf.ts';
import { CHARACTERS_PER_PAGE, type DemoBookShape } from './catalog.ts';

// dcterms:modified of every demo EPUB: fixed, so the bytes depend on the book alone.
const DEMO_MODIFIED = '2026-01-01T00:00:00Z';

/** The bytes of a demo book's file (EPUB 3 or PDF), deterministic for the same book and shape. */
export async function generateDemoFile(book: DemoBookText, shape: DemoBookShape): Promise<Uint8Array> {
  const author = book.authors.join(', ') || 'Coko';
  const coverJpeg = await drawCover(book.id, { title: book.title, author });
  const chapters = demoChapters(book, shape);
  if (shape.format === 'pdf') return buildDemoPdf({ title: book.title, author, chapters, coverJpeg });
  return buildDemoEpub({
    identifier: `urn:uuid:${book.id}`,
    isbn: book.isbn,
    title: book.title,
    subtitle: book.subtitle,
    author,
    publisher: book.publisher ?? 'Coko',
    language: book.language,
    modified: DEMO_MODIFIED,
    chapters,
    coverJpeg,
    charactersPerPage: CHARACTERS_PER_PAGE,
  });
}
