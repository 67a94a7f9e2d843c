import type { ExtractedBook, ExtractOptions } from './extracted-book.ts';
import { extractEpub } from './from-epub.ts';
import { extractPdf } from './from-pdf.ts';
import { rateQuality } from './quality.ts';
import { sniffFormat } from './sniff.ts';

/**
 * Validates and reads an EPUB 2, EPUB 3 or PDF: metadata fitted to the columns of public.books, the
 * page count, toc, cover, DRM flag, a quality rating and the warnings an editor should read. The
 * bytes decide the format, not the name. Throws a `BookFileError` (reason + a message an editor can
 * act on) for a file that is not a usable book; a DRM-protected file that can still be read comes
 * back with `metadata.drm: true`, for the pipeline to refuse with its title in the message.
 *
 * @example
 * const book = await extractBook(await readFile('livre.epub'), { filename: 'livre.epub' });
 * book.title; book.pageCount; book.metadata.quality; // 'good' | 'fair' | 'poor'
 */
export async function extractBook(bytes: Uint8Array, options: ExtractOptions = {}): Promise<ExtractedBook> {
  const warnings: string[] = [];
  const warn = (message: string) => {
    if (!warnings.includes(message)) warnings.push(message);
  };
  const format = sniffFormat(bytes, options, warn);
  const { drm, ...fields } =
    format === 'epub' ? await extractEpub(bytes, warn) : await extractPdf(bytes, options, warn);
  const quality = rateQuality({ ...fields, drm }, warn);
  return { ...fields, metadata: { drm, quality, warnings } };
}
