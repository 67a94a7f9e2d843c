import type { ExtractedQuality } from './extracted-book.ts';
import type { ExtractedFields } from './from-epub.ts';

/** Fewer pages than this is a leaflet or a sample, not a book a reader expects. */
export const MIN_PAGES = 4;

/**
 * How ready a file is to sell, for the editor reviewing the draft, with a warning for each gap:
 * - `poor`: no cover (one will be drawn from the title), no table of contents (a reader cannot
 *   navigate), or fewer than MIN_PAGES pages;
 * - `good`: none of those, and authors, language and description are all there, and the page count
 *   is real (EPUB page list or PDF pages, not an estimate);
 * - `fair`: the rest.
 */
export function rateQuality(book: ExtractedFields, warn: (message: string) => void): ExtractedQuality {
  const blocking: string[] = [];
  if (!book.cover) blocking.push('The file has no usable cover image: one will be drawn from the title and author.');
  if (book.toc.length === 0) blocking.push('The file has no table of contents: readers cannot jump to a chapter.');
  if (book.pageCount < MIN_PAGES) blocking.push(`The book has ${book.pageCount} page(s): is it the whole book?`);
  const gaps: string[] = [];
  if (book.authors.length === 0) gaps.push('No author is named in the file: add them in the draft.');
  if (!book.language) gaps.push('No language is given in the file: the draft uses the default; check it.');
  if (!book.description) gaps.push('The file has no description: write one in the draft.');
  if (book.pageCountSource === 'estimate')
    gaps.push(
      `The page count (${book.pageCount}) is an estimate from the length of the text: the EPUB has no page list.`,
    );
  for (const message of [...blocking, ...gaps]) warn(message);
  return blocking.length > 0 ? 'poor' : gaps.length > 0 ? 'fair' : 'good';
}
