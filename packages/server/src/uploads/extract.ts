// The one place the pipeline gets its reader of book files (docs/CONTRACT-publishing.md §2).
export { drmError, type ExtractedBook, extractBook } from '../content/extract/index.ts';
