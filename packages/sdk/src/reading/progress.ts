import { camel } from '../core/case';
import type { RequestOptions } from '../core/transport';
import { validate } from '../core/validate';
import { checkId, type ReadingContext, stamp, write } from './context';
import { progressSchema } from './schemas';
import type { Locator, ReadingProgress, WriteOptions } from './types';

/** Implementation of `reading.getProgress()`: the reader's position in a book, or `null`. */
export async function getProgress(
  ctx: ReadingContext,
  bookId: string,
  options?: RequestOptions,
): Promise<ReadingProgress | null> {
  const id = checkId(bookId, 'bookId');
  let query = ctx.rest
    .from('reading_progress')
    .select('book_id,locator,percentage,device_id,device_updated_at,finished_at,updated_at')
    .eq('book_id', id);
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.maybeSingle().throwOnError();
  const server = data && (camel(data) as unknown as ReadingProgress);
  return ctx.queue ? ctx.queue.progress(id, server) : server;
}

/** Implementation of `reading.saveProgress()`: sends only the book, the locator and the device fields. */
export async function saveProgress(
  ctx: ReadingContext,
  bookId: string,
  locator: Locator,
  options?: WriteOptions,
): Promise<void> {
  const change = {
    op: 'progress.save' as const,
    ...validate(progressSchema, { bookId, locator }),
    ...stamp(ctx, options),
  };
  return write(ctx, 'reading_progress', change, options);
}
