'use client';

import { MIN_SEARCH_LENGTH, type SearchFilters, type SearchResult } from '@coko/sdk';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { bookSearchQueryOptions } from './options';

/**
 * Full-text search with facets (`coko.catalog.search`). Idle while `query` is shorter than
 * `MIN_SEARCH_LENGTH` (3) characters after trimming, which the server refuses. While the
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
  const enabled = [...query.trim()].length >= MIN_SEARCH_LENGTH;
  return useQuery({
    ...bookSearchQueryOptions(client, query, filters),
    placeholderData: keepPreviousData,
    ...options,
    enabled: enabled ? (options?.enabled ?? true) : false,
  });
}
