// Content extraction for the publishing pipeline (docs/CONTRACT-publishing.md §2). Node only: it
// renders PDF pages with pdf.js and a native canvas, so nothing on the Deno edge imports it.

export { drmError } from './drm-error.ts';
export { extractBook } from './extract-book.ts';
export type {
  ExtractedBook,
  ExtractedCover,
  ExtractedQuality,
  ExtractedTocEntry,
  ExtractOptions,
} from './extracted-book.ts';
export { isbn13 } from './isbn.ts';
export { CHARACTERS_PER_PAGE } from './page-estimate.ts';
