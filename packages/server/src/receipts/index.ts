// Receipts of paid orders for people: Markdown and PDF, in French or English, amounts written for the
// currency (`1 500 F CFA`). The routes (GET /v1/receipts/{id}/receipt.md|.pdf) load the receipt and call these.

export { formatMoney, isCurrencyCode, type MoneyLanguage, minorUnits } from '../money/index.ts';
export { RECEIPT_LABELS, RECEIPT_LANGUAGES, type ReceiptLanguage, receiptLanguage } from './labels.ts';
export { receiptMarkdown } from './markdown.ts';
export {
  InvalidReceiptError,
  OWN_RECEIPT_PREFIX,
  type ReceiptInput,
  type ReceiptModel,
  type ReceiptParties,
  receiptModel,
  receiptNumber,
  receiptPartiesSchema,
  receiptSchema,
} from './model.ts';
export { type ReceiptPdfOptions, receiptPdf } from './pdf.ts';
export { RECEIPT_TIME_ZONE, type ReceiptView, receiptView } from './view.ts';
