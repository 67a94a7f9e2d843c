'use client';

import type { ListPublishersParams, Page, Publisher } from '@coko/sdk';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { publishersQueryOptions } from './options';

/**
 * One page of publishers (`coko.catalog.publishers`), previous page kept while the next one loads.
 *
 * @example
 * ```tsx
 * const { data } = usePublishers({ search })
 * ```
 */
export function usePublishers(params: ListPublishersParams = {}, options?: CokoQueryOptions<Page<Publisher>>) {
  const client = useCoko();
  return useQuery({ ...publishersQueryOptions(client, params), placeholderData: keepPreviousData, ...options });
}
