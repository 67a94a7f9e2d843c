'use client';

import type { AdminBook } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { adminBookQueryOptions } from './options';

/** One book, draft or published, as editors see it (`coko.admin.books.get`). */
export function useAdminBook(id: string, options?: CokoQueryOptions<AdminBook>) {
  const client = useCoko();
  return useQuery({ ...adminBookQueryOptions(client, id), ...options });
}
