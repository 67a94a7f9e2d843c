'use client';

import type { Checkout, CheckoutParams, CokoError } from '@coko/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { cokoKeys } from '../query-keys';
import { useCoko } from '../use-coko';

/**
 * Opens an order for a book or a plan (`coko.payments.checkout`; each call has its own
 * idempotency key, reused by the SDK's retries). On success the new order is cached and the
 * reader's orders and rights are refetched; send the reader to `checkoutUrl`.
 *
 * @example
 * ```tsx
 * const checkout = useCheckout()
 * const buy = () =>
 *   checkout.mutate(
 *     { bookId, provider: 'wave', returnUrl: `${location.origin}/orders` },
 *     { onSuccess: ({ checkoutUrl }) => location.assign(checkoutUrl) },
 *   )
 * ```
 */
export function useCheckout() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<Checkout, CokoError, CheckoutParams>({
    mutationFn: (params) => client.payments.checkout(params),
    onSuccess: ({ order }) => {
      queryClient.setQueryData(cokoKeys.payments.order(order.id), order);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: cokoKeys.payments.orders() }),
        queryClient.invalidateQueries({ queryKey: cokoKeys.payments.entitlements() }),
      ]);
    },
  });
}
