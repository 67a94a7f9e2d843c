import type { RequestOptions } from '../core/transport';
import { validate } from '../core/validate';
import { checkId, type PaymentsContext } from './context';
import { listOrdersSchema } from './schemas';
import type { ListOrdersParams, Order, OrdersPage } from './types';

/** Implementation of `payments.orders()`. */
export async function orders(
  ctx: PaymentsContext,
  params: ListOrdersParams = {},
  options?: RequestOptions,
): Promise<OrdersPage> {
  const { cursor } = validate(listOrdersSchema, params, 'params');
  return (await ctx.api('v1/orders', { query: { cursor: cursor ?? undefined }, signal: options?.signal })).json();
}

/** Implementation of `payments.order()`. */
export async function order(ctx: PaymentsContext, orderId: string, options?: RequestOptions): Promise<Order> {
  const id = checkId(orderId, 'orderId');
  return (await ctx.api(`v1/orders/${id}`, { signal: options?.signal })).json();
}
