import type { RequestOptions } from '../core/transport';
import { validate } from '../core/validate';
import { checkId, type PaymentsContext } from './context';
import { receiptExportSchema } from './schemas';
import type { ReceiptExportParams } from './types';

/** `GET /v1/receipts/{id}/receipt.{format}` with the validated `lang`. */
async function exportReceipt(
  ctx: PaymentsContext,
  format: 'md' | 'pdf',
  receiptId: string,
  params: ReceiptExportParams | undefined,
  options: RequestOptions | undefined,
): Promise<Response> {
  const id = checkId(receiptId, 'receiptId');
  const { lang } = validate(receiptExportSchema, params ?? {}, 'params');
  return ctx.api(`v1/receipts/${id}/receipt.${format}`, { query: { lang }, signal: options?.signal });
}

/** Implementation of `payments.receiptMarkdown()`. */
export async function receiptMarkdown(
  ctx: PaymentsContext,
  receiptId: string,
  params?: ReceiptExportParams,
  options?: RequestOptions,
): Promise<string> {
  return (await exportReceipt(ctx, 'md', receiptId, params, options)).text();
}

/** Implementation of `payments.receiptPdf()`. */
export async function receiptPdf(
  ctx: PaymentsContext,
  receiptId: string,
  params?: ReceiptExportParams,
  options?: RequestOptions,
): Promise<Blob> {
  return (await exportReceipt(ctx, 'pdf', receiptId, params, options)).blob();
}
