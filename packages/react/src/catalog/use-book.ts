'use client';

import type { Book } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { bookQueryOptions } from './options';

/**
 * One book with authors, categories and publisher (`coko.catalog.get`). Idle (no request) while
 * `id` is empty, e.g. before a route parameter is known. A missing book is an error with
 * `code: 'NOT_FOUND'`.
 *
 * @example
 * ```tsx
 * const { data: book, error } = useBook(params.id)
 * if (error?.code === 'NOT_FOUND') return <NotFound />
 * ```
 */
export function useBook(id: string | null | undefined, options?: CokoQueryOptions<Book>) {
  const client = useCoko();
  return useQuery({
    ...bookQueryOptions(client, id ?? ''),
    ...options,
    enabled: id ? (options?.enabled ?? true) : false,
  });
}
