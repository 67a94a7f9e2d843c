// The reading namespace's implementation, loaded on first use (see ./index.ts), so pages that
// only browse the catalog never download it.
import { readOnly } from '../core/transport';
import { validate } from '../core/validate';
import type { Json } from '../database.types';
import type { ReadingContext } from './context';
import { addFeed, noChanges } from './rows';
import { statsRangeSchema } from './schemas';
import type { ReadingChange, ReadingStats, StatsRange, SyncResponse, SyncResult } from './types';

export { createAnnotation, deleteAnnotation, listAnnotations, updateAnnotation } from './annotations';
export { notesMarkdown, notesPdf } from './notes';
export { getProgress, saveProgress } from './progress';
export { endSession, startSession } from './sessions';

/** The device's IANA time zone, if the platform knows it. */
const deviceTimeZone = (): string | undefined => Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;

/** Implementation of `reading.stats()` (the read-only `reading_stats` RPC). */
export async function stats(ctx: ReadingContext, range: StatsRange, options?: { signal?: AbortSignal }) {
  const r = validate(statsRangeSchema, range, 'range');
  let query = readOnly(
    ctx.rest.rpc('reading_stats', { from_date: r.from, to_date: r.to, tz: r.tz ?? deviceTimeZone() }),
  );
  if (options?.signal) query = query.abortSignal(options.signal);
  return (await query.throwOnError()).data as unknown as ReadingStats;
}

/** Calls `sync_reading(changes, since)`: applies the changes in order, returns what changed since `since`. */
export async function send(ctx: ReadingContext, changes: ReadingChange[], since: number): Promise<SyncResponse> {
  const args = { changes: changes as unknown as Json, since };
  return (await ctx.rest.rpc('sync_reading', args).throwOnError()).data as unknown as SyncResponse;
}

/** `reading.sync()` without a queue: pulls what changed since the last call. */
export async function pull(ctx: ReadingContext): Promise<SyncResult> {
  const changes = noChanges();
  let response: SyncResponse;
  do {
    response = await send(ctx, [], ctx.checkpoint ?? 0);
    ctx.checkpoint = response.checkpoint;
    addFeed(changes, response.changes);
  } while (response.hasMore);
  return { changes, checkpoint: response.checkpoint, pushed: 0 };
}
