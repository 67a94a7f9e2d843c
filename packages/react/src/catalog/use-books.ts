'use client';

import type { ListBook, ListBooksParams, Page } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { booksQueryOptions } from './options';

/**
 * One page of books (`coko.catalog.list`): `{ data, page, limit, total, totalPages }`.
 *
 * @example
 * ```tsx
 * const { data, isPending, error } = useBooks({ category: 'romans', page })
 * if (isPending) return <Spinner />
 * if (error) return <p>{error.message}</p>
 * return <Grid books={data.data} />
 * ```
 */
export function useBooks(params: ListBooksParams = {}, options?: CokoQueryOptions<Page<ListBook>>) {
  const client = useCoko();
  return useQuery({ ...booksQueryOptions(client, params), ...options });
}
