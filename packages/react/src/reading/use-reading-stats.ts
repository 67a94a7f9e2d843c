'use client';

import type { ReadingStats, StatsRange } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { readingStatsQueryOptions } from './options';

/**
 * The reader's statistics over a date range (`coko.reading.stats`): minutes per day, streaks,
 * books started and finished, pages this week. Days are counted in the device's time zone
 * unless `range.tz` says otherwise.
 *
 * @example
 * ```tsx
 * const { data } = useReadingStats({ from: '2026-11-01', to: '2026-11-30' })
 * return <Streak days={data?.currentStreak ?? 0} />
 * ```
 */
export function useReadingStats(range: StatsRange, options?: CokoQueryOptions<ReadingStats>) {
  const client = useCoko();
  return useQuery({ ...readingStatsQueryOptions(client, range), ...options });
}
