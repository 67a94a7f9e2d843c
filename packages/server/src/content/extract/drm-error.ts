import { BookFileError } from '../book-file-error.ts';
import type { ExtractedBook } from './extracted-book.ts';

/**
 * The refusal of a DRM-protected book, naming it, for the pipeline to throw or record: null when the
 * book is not protected.
 */
export function drmError(book: Pick<ExtractedBook, 'title' | 'format' | 'metadata'>): BookFileError | null {
  if (!book.metadata.drm) return null;
  return new BookFileError(
    'DRM_PROTECTED',
    `« ${book.title} » is protected by DRM (encrypted ${book.format === 'epub' ? 'content' : 'PDF'}): upload the publisher's DRM-free file.`,
  );
}
