'use client';

import type { Order, OrderStatus } from '@coko/sdk';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { invalidateRights } from './invalidate-rights';
import { orderQueryOptions } from './options';

/** Options of `useOrder`. */
export interface UseOrderOptions extends CokoQueryOptions<Order> {
  /**
   * While the order is `pending`, wait for its outcome (`coko.payments.waitForOrder`: polls with
   * backoff, stops on unmount). `{ timeoutMs }` bounds the wait (default 15 minutes).
   */
  wait?: boolean | { timeoutMs?: number };
}

/**
 * One of the reader's orders (`coko.payments.order`); with `wait`, kept up to date until it is no
 * longer pending. When it is seen paid or refunded, the reader's rights (`useEntitlements`,
 * `useCanRead` of its book, or of every book for a plan) and receipts are refetched.
 *
 * @example
 * ```tsx
 * // The page the provider returns to: /orders?order=<id>
 * const { data: order } = useOrder(new URLSearchParams(location.search).get('order'), { wait: true })
 * if (order?.status === 'pending') return <p>Confirm the payment on your phone…</p>
 * ```
 */
export function useOrder(orderId: string | null | undefined, { wait = false, ...options }: UseOrderOptions = {}) {
  const client = useCoko();
  const queryClient = useQueryClient();
  const query = useQuery({
    ...orderQueryOptions(client, orderId ?? ''),
    ...options,
    enabled: orderId ? (options.enabled ?? true) : false,
  });
  const order = query.data;
  const timeoutMs = typeof wait === 'object' ? wait.timeoutMs : undefined;

  useEffect(() => {
    if (!wait || !orderId || order?.status !== 'pending') return;
    const controller = new AbortController();
    const queryKey = cokoKeys.payments.order(orderId);
    client.payments.waitForOrder(orderId, { signal: controller.signal, timeoutMs }).then(
      (settled) => {
        queryClient.setQueryData(queryKey, settled);
      },
      // A failure that polling does not get past (the token expired…) shows as the query's error.
      () => {
        if (!controller.signal.aborted) void queryClient.invalidateQueries({ queryKey });
      },
    );
    return () => controller.abort();
  }, [client, queryClient, orderId, order?.status, wait, timeoutMs]);

  // Each status seen once: a paid or refunded order changes what the reader may read.
  const seen = useRef<OrderStatus | undefined>(undefined);
  useEffect(() => {
    if (!order || order.status === seen.current) return;
    seen.current = order.status;
    if (order.status === 'paid' || order.status === 'refunded') void invalidateRights(queryClient, order);
  }, [queryClient, order]);

  return query;
}
