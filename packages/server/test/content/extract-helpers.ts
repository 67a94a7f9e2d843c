import sharp from 'sharp';
import { expect } from 'vitest';
import { z } from 'zod';
import { type BookFileError, isBookFileError } from '../../src/content/book-file-error.ts';
import { type ExtractedBook, type ExtractOptions, extractBook, isbn13 } from '../../src/content/extract/index.ts';

type Toc = ExtractedBook['toc'];
const tocEntry: z.ZodType<Toc[number]> = z.lazy(() =>
  z.object({ title: z.string().min(1).max(500), href: z.string().nullable(), children: z.array(tocEntry) }),
);

/**
 * What every ExtractedBook must satisfy whatever the file: values the pipeline can write to
 * public.books without a check constraint failing.
 */
export const extractedBookSchema = z.object({
  format: z.enum(['epub', 'pdf']),
  epubVersion: z.enum(['2.0', '3.0']).nullable(),
  title: z
    .string()
    .max(300)
    .refine((title) => title.trim() !== ''),
  subtitle: z.string().min(1).max(300).nullable(),
  authors: z.array(z.string().min(1).max(200)),
  language: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
    .nullable(),
  publisher: z.string().min(1).max(200).nullable(),
  isbn: z
    .string()
    .refine((isbn) => isbn13(isbn) === isbn)
    .nullable(),
  description: z.string().min(1).max(20_000).nullable(),
  publicationDate: z.iso.date().nullable(),
  pageCount: z.number().int().min(1),
  pageCountSource: z.enum(['page-list', 'estimate', 'pdf']),
  toc: z.array(tocEntry),
  cover: z
    .object({
      bytes: z.instanceof(Uint8Array),
      contentType: z.string().regex(/^image\//),
      source: z.enum(['epub', 'pdf-first-page']),
    })
    .nullable(),
  metadata: z.object({
    drm: z.boolean(),
    quality: z.enum(['good', 'fair', 'poor']),
    warnings: z.array(z.string().min(1)),
  }),
});

/** extractBook, with its result checked against the invariants above. */
export async function extract(bytes: Uint8Array, options?: ExtractOptions): Promise<ExtractedBook> {
  const book = await extractBook(bytes, options);
  extractedBookSchema.parse(book);
  return book;
}

/** The BookFileError extractBook refuses the file with (fails the test when it accepts it). */
export async function refusal(bytes: Uint8Array, options?: ExtractOptions): Promise<BookFileError> {
  try {
    await extractBook(bytes, options);
  } catch (error) {
    if (isBookFileError(error)) return error;
    throw error;
  }
  throw new Error('extractBook accepted the file');
}

/** Width, height and format of an image, decoded by sharp (so the pipeline can make WebPs from it). */
export async function imageInfo(bytes: Uint8Array): Promise<{ width: number; height: number; format: string }> {
  const { width, height, format } = await sharp(bytes).metadata();
  return { width: width ?? 0, height: height ?? 0, format: format ?? '' };
}

export function expectWarning(book: ExtractedBook, pattern: RegExp): void {
  expect(
    book.metadata.warnings.some((warning) => pattern.test(warning)),
    book.metadata.warnings.join('\n'),
  ).toBe(true);
}
