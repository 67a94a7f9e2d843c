import type { Annotation, CokoClient, CokoError, ReadingProgress, ReadingStats, StatsRange } from '@coko/sdk';
import { queryOptions } from '@tanstack/react-query';
import { cokoRetry } from '../catalog/options';
import { cokoKeys } from '../query-keys';

/** Reading statistics change slowly: five minutes before a background refetch. */
export const READING_STATS_STALE_TIME = 5 * 60 * 1000;

/**
 * Query options for the reader's progress in a book (`coko.reading.getProgress`; `null` when
 * never opened).
 *
 * @example
 * ```ts
 * const progress = await queryClient.ensureQueryData(readingProgressQueryOptions(coko, bookId))
 * ```
 */
export function readingProgressQueryOptions(client: CokoClient, bookId: string) {
  return queryOptions<ReadingProgress | null, CokoError>({
    queryKey: cokoKeys.reading.progress(bookId),
    queryFn: ({ signal }) => client.reading.getProgress(bookId, { signal }),
    retry: cokoRetry,
  });
}

/**
 * Query options for a book's annotations, oldest first, without tombstones
 * (`coko.reading.annotations.list`).
 *
 * @example
 * ```ts
 * await queryClient.prefetchQuery(annotationsQueryOptions(coko, bookId))
 * ```
 */
export function annotationsQueryOptions(client: CokoClient, bookId: string) {
  return queryOptions<Annotation[], CokoError>({
    queryKey: cokoKeys.reading.annotations(bookId),
    queryFn: ({ signal }) => client.reading.annotations.list(bookId, {}, { signal }),
    retry: cokoRetry,
  });
}

/**
 * Query options for reading statistics over a date range (`coko.reading.stats`), stale after
 * five minutes.
 *
 * @example
 * ```ts
 * useQuery(readingStatsQueryOptions(coko, { from: '2026-11-01', to: '2026-11-30' }))
 * ```
 */
export function readingStatsQueryOptions(client: CokoClient, range: StatsRange) {
  return queryOptions<ReadingStats, CokoError>({
    queryKey: cokoKeys.reading.stats(range),
    queryFn: ({ signal }) => client.reading.stats(range, { signal }),
    staleTime: READING_STATS_STALE_TIME,
    retry: cokoRetry,
  });
}
