'use client';

import type { AdminBook, AdminBookListParams, AdminPage } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { adminBooksQueryOptions } from './options';

/**
 * A page of books as editors see them, drafts included, newest first (`coko.admin.books.list`).
 *
 * @example
 * ```tsx
 * const { data } = useAdminBooks({ status: 'draft' })
 * return data?.data.map((book) => <DraftRow key={book.id} book={book} />)
 * ```
 */
export function useAdminBooks(params: AdminBookListParams = {}, options?: CokoQueryOptions<AdminPage<AdminBook>>) {
  const client = useCoko();
  return useQuery({ ...adminBooksQueryOptions(client, params), ...options });
}
