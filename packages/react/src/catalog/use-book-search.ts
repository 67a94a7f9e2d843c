'use client';

import type { SearchFilters, SearchResult } from '@coko/sdk';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { bookSearchQueryOptions } from './options';

/**
 * Full-text search with facets (`coko.catalog.search`). Idle while `query` is blank. While the
 * next page or query loads, the previous results stay on screen (`isPlaceholderData` is true),
 * so paging does not flash. Debounce keystrokes in the component that owns the input.
 *
 * @example
 * ```tsx
 * const { data, isPlaceholderData } = useBookSearch(debouncedQuery, { page, language: 'fr' })
 * data?.facets.categories.map((c) => <Chip key={c.id}>{c.name} ({c.count})</Chip>)
 * ```
 */
export function useBookSearch(query: string, filters: SearchFilters = {}, options?: CokoQueryOptions<SearchResult>) {
  const client = useCoko();
  const enabled = query.trim().length > 0;
  return useQuery({
    ...bookSearchQueryOptions(client, query, filters),
    placeholderData: keepPreviousData,
    ...options,
    enabled: enabled ? (options?.enabled ?? true) : false,
  });
}
