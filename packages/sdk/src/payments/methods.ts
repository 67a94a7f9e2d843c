// The payments namespace's implementation, loaded on first use (see ./index.ts), so pages that
// only browse the catalog never download it.
import { type RequestOptions, readOnly } from '../core/transport';
import { validate } from '../core/validate';
import { checkId, type PaymentsContext } from './context';
import { listEntitlementsSchema } from './schemas';
import type { Access, Entitlement, ListEntitlementsParams, Plan, Receipt } from './types';

export { checkout } from './checkout';
export { order, orders } from './orders';
export { receiptMarkdown, receiptPdf } from './receipts';
export { waitForOrder } from './wait-for-order';

/** `{ data }` of a list response. */
const data = async <T>(response: Response): Promise<T[]> => ((await response.json()) as { data: T[] }).data;

/** Implementation of `payments.plans()`. */
export async function plans(ctx: PaymentsContext, options?: RequestOptions): Promise<Plan[]> {
  return data(await ctx.api('v1/plans', { signal: options?.signal }));
}

/** Implementation of `payments.entitlements()`. */
export async function entitlements(
  ctx: PaymentsContext,
  params: ListEntitlementsParams = {},
  options?: RequestOptions,
): Promise<Entitlement[]> {
  const { all } = validate(listEntitlementsSchema, params, 'params');
  return data(await ctx.api('v1/entitlements', { query: { all: all ? 'true' : undefined }, signal: options?.signal }));
}

/** Implementation of `payments.receipts()`. */
export async function receipts(ctx: PaymentsContext, options?: RequestOptions): Promise<Receipt[]> {
  return data(await ctx.api('v1/receipts', { signal: options?.signal }));
}

/** Implementation of `payments.receipt()`. */
export async function receipt(ctx: PaymentsContext, receiptId: string, options?: RequestOptions): Promise<Receipt> {
  const id = checkId(receiptId, 'receiptId');
  return (await ctx.api(`v1/receipts/${id}`, { signal: options?.signal })).json();
}

/** Implementation of `payments.canRead()`: the read-only `can_read` RPC, as the signed-in reader. */
export async function canRead(ctx: PaymentsContext, bookId: string, options?: RequestOptions): Promise<boolean> {
  const id = checkId(bookId, 'bookId');
  let query = readOnly(ctx.rest.rpc('can_read', { book_id: id }));
  if (options?.signal) query = query.abortSignal(options.signal);
  return (await query.throwOnError()).data === true;
}

/** Implementation of `payments.access()`. */
export async function access(ctx: PaymentsContext, bookId: string, options?: RequestOptions): Promise<Access> {
  const id = checkId(bookId, 'bookId');
  return (await ctx.api(`v1/books/${id}/access`, { signal: options?.signal })).json();
}
