'use client';

import type { Entitlement, ListEntitlementsParams } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { entitlementsQueryOptions } from './options';

/**
 * The reader's rights to read (`coko.payments.entitlements`): the active ones, or all with
 * `{ all: true }`. Refetched when an order watched by `useOrder` is paid or refunded.
 *
 * @example
 * ```tsx
 * const { data: rights = [] } = useEntitlements()
 * const owned = new Set(rights.map((r) => r.bookId))
 * ```
 */
export function useEntitlements(params: ListEntitlementsParams = {}, options?: CokoQueryOptions<Entitlement[]>) {
  const client = useCoko();
  return useQuery({ ...entitlementsQueryOptions(client, params), ...options });
}
