'use client';

import type { Author, ListAuthorsParams, Page } from '@coko/sdk';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { authorsQueryOptions } from './options';

/**
 * One page of authors (`coko.catalog.authors`), previous page kept while the next one loads.
 *
 * @example
 * ```tsx
 * const { data } = useAuthors({ search, page })
 * ```
 */
export function useAuthors(params: ListAuthorsParams = {}, options?: CokoQueryOptions<Page<Author>>) {
  const client = useCoko();
  return useQuery({ ...authorsQueryOptions(client, params), placeholderData: keepPreviousData, ...options });
}
