import type { CokoClient, CokoError, Entitlement, ListEntitlementsParams, Order, Plan } from '@coko/sdk';
import { queryOptions } from '@tanstack/react-query';
import { cokoRetry } from '../catalog/options';
import { cokoKeys } from '../query-keys';

/** Plans change rarely: one hour before a background refetch. */
export const PLANS_STALE_TIME = 60 * 60 * 1000;

/**
 * Query options for the plans on sale with their prices (`coko.payments.plans`).
 *
 * @example
 * ```ts
 * await queryClient.prefetchQuery(plansQueryOptions(coko))
 * ```
 */
export function plansQueryOptions(client: CokoClient) {
  return queryOptions<Plan[], CokoError>({
    queryKey: cokoKeys.payments.plans(),
    queryFn: ({ signal }) => client.payments.plans({ signal }),
    staleTime: PLANS_STALE_TIME,
    retry: cokoRetry,
  });
}

/** Query options for one of the reader's orders (`coko.payments.order`). */
export function orderQueryOptions(client: CokoClient, orderId: string) {
  return queryOptions<Order, CokoError>({
    queryKey: cokoKeys.payments.order(orderId),
    queryFn: ({ signal }) => client.payments.order(orderId, { signal }),
    retry: cokoRetry,
  });
}

/** Query options for the reader's rights to read (`coko.payments.entitlements`). */
export function entitlementsQueryOptions(client: CokoClient, params: ListEntitlementsParams = {}) {
  return queryOptions<Entitlement[], CokoError>({
    queryKey: cokoKeys.payments.entitlementList(params),
    queryFn: ({ signal }) => client.payments.entitlements(params, { signal }),
    retry: cokoRetry,
  });
}

/** Query options for whether the reader may read a book (`coko.payments.canRead`). */
export function canReadQueryOptions(client: CokoClient, bookId: string) {
  return queryOptions<boolean, CokoError>({
    queryKey: cokoKeys.payments.canRead(bookId),
    queryFn: ({ signal }) => client.payments.canRead(bookId, { signal }),
    retry: cokoRetry,
  });
}
