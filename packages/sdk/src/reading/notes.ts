import type { RequestOptions } from '../core/transport';
import { validate } from '../core/validate';
import { checkId, type ReadingContext } from './context';
import { notesExportSchema } from './schemas';
import type { NotesExportParams } from './types';

/** `GET /v1/books/{id}/notes.{format}` with the validated `lang`/`tz`. */
async function exportNotes(
  ctx: ReadingContext,
  format: 'md' | 'pdf',
  bookId: string,
  params: NotesExportParams | undefined,
  options: RequestOptions | undefined,
): Promise<Response> {
  const id = checkId(bookId, 'bookId');
  const { lang, tz } = validate(notesExportSchema, params ?? {}, 'params');
  return ctx.api(`v1/books/${id}/notes.${format}`, { query: { lang, tz }, signal: options?.signal });
}

/** Implementation of `reading.notes.markdown()`. */
export async function notesMarkdown(
  ctx: ReadingContext,
  bookId: string,
  params?: NotesExportParams,
  options?: RequestOptions,
): Promise<string> {
  return (await exportNotes(ctx, 'md', bookId, params, options)).text();
}

/** Implementation of `reading.notes.pdf()`. */
export async function notesPdf(
  ctx: ReadingContext,
  bookId: string,
  params?: NotesExportParams,
  options?: RequestOptions,
): Promise<Blob> {
  return (await exportNotes(ctx, 'pdf', bookId, params, options)).blob();
}
