'use client';

import { useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { canReadQueryOptions } from './options';

/**
 * Whether the signed-in reader may read a book (`coko.payments.canRead`): "Read" or "Buy". Idle
 * while `bookId` is empty; refetched when an order for the book (or a plan) watched by `useOrder`
 * is paid or refunded.
 *
 * @example
 * ```tsx
 * const { data: canRead } = useCanRead(bookId)
 * return canRead ? <ReadButton bookId={bookId} /> : <BuyButton bookId={bookId} />
 * ```
 */
export function useCanRead(bookId: string | null | undefined, options?: CokoQueryOptions<boolean>) {
  const client = useCoko();
  return useQuery({
    ...canReadQueryOptions(client, bookId ?? ''),
    ...options,
    enabled: bookId ? (options?.enabled ?? true) : false,
  });
}
