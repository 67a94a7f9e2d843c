// A receipt in one language, every value written out: the Markdown and PDF renderers both draw this, so
// they say the same thing.

import { formatMoney } from '../money/index.ts';
import { DEFAULT_NOTES_TIME_ZONE, formatNotesDate } from '../notes/model.ts';
import { RECEIPT_LABELS, type ReceiptLanguage } from './labels.ts';
import type { ReceiptModel } from './model.ts';

/** Dates are shown in this time zone (Senegal: UTC all year, like most of the region). */
export const RECEIPT_TIME_ZONE = DEFAULT_NOTES_TIME_ZONE;

export interface ReceiptView {
  language: ReceiptLanguage;
  title: string;
  fields: { label: string; value: string }[];
  columns: { item: string; amount: string };
  lines: { label: string; amount: string }[];
  total: { label: string; amount: string };
  footer: string;
}

export function receiptView(model: ReceiptModel, language: ReceiptLanguage): ReceiptView {
  const labels = RECEIPT_LABELS[language];
  const money = (amount: number) => formatMoney(amount, model.currency, language);
  const fields = [
    {
      label: labels.issuedAt,
      value: `${formatNotesDate(model.issuedAt, language, RECEIPT_TIME_ZONE)} (${RECEIPT_TIME_ZONE})`,
    },
  ];
  if (model.partnerName) fields.push({ label: labels.partner, value: model.partnerName });
  if (model.buyer) fields.push({ label: labels.buyer, value: model.buyer });
  fields.push({ label: labels.order, value: model.orderId });
  if (model.payment) {
    const provider = labels.providers[model.payment.provider] ?? model.payment.provider;
    fields.push({
      label: labels.payment,
      value: model.payment.reference ? `${provider} — ${model.payment.reference}` : provider,
    });
  }
  return {
    language,
    title: labels.title(model.number),
    fields,
    columns: { item: labels.item, amount: labels.amount },
    lines: model.lines.map((line) => ({ label: line.label, amount: money(line.amount) })),
    total: { label: labels.total, amount: money(model.amount) },
    footer: labels.footer,
  };
}
