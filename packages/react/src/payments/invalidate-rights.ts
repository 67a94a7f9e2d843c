import type { Order } from '@coko/sdk';
import type { QueryClient } from '@tanstack/react-query';
import { cokoKeys } from '../query-keys';

/**
 * Refetches what an order's outcome changes: the reader's rights (all of them for a plan, one
 * book's otherwise), the orders and the receipts.
 */
export function invalidateRights(queryClient: QueryClient, order: Pick<Order, 'bookId'>): Promise<unknown> {
  const { payments } = cokoKeys;
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: payments.entitlements() }),
    queryClient.invalidateQueries({ queryKey: order.bookId ? payments.canRead(order.bookId) : payments.canReads() }),
    queryClient.invalidateQueries({ queryKey: payments.receipts() }),
  ]);
}
