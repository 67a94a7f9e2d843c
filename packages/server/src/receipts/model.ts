// A receipt as the renderers need it: the stored receipt (contract §3 `Receipt` shape, checked here since
// its `lines` come out of a jsonb column) plus who it is for (partner, buyer) and how it was paid.
import { z } from 'zod';
import { isCurrencyCode } from '../money/index.ts';
import { RECEIPT_LANGUAGES, type ReceiptLanguage } from './labels.ts';

const minorAmount = z.number().int().refine(Number.isSafeInteger, 'not a safe integer');

/** The `Receipt` JSON of the API (contract §3); `issuedAt` may also be the row's Date. */
export const receiptSchema = z.object({
  id: z.string().min(1),
  orderId: z.string().min(1),
  number: z.number().int().positive(),
  issuedAt: z.union([z.date(), z.iso.datetime({ offset: true })]).transform((value) => new Date(value)),
  amount: minorAmount,
  currency: z.string().refine(isCurrencyCode, 'not an ISO 4217 currency code'),
  language: z.enum(RECEIPT_LANGUAGES),
  lines: z.array(z.object({ label: z.string(), amount: minorAmount })),
});
export type ReceiptInput = z.input<typeof receiptSchema>;

/** Who the receipt is for and how it was paid (from the order, the partner and the buyer's profile). */
export const receiptPartiesSchema = z.object({
  /** The partner the buyer reads through; null for Coko's own readers. */
  partner: z.object({ name: z.string(), slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/) }).nullable(),
  /** The buyer's name as shown on the receipt; null when unknown. */
  buyer: z.string().nullable(),
  payment: z.object({ provider: z.string(), reference: z.string().nullable() }).nullable().default(null),
});
export type ReceiptParties = z.input<typeof receiptPartiesSchema>;

export interface ReceiptModel {
  id: string;
  orderId: string;
  /** Per-partner sequence number, as stored. */
  sequence: number;
  /** Shown number: `DEMO-000042`. */
  number: string;
  issuedAt: Date;
  amount: number;
  currency: string;
  /** The language the receipt was issued in (the default rendering language). */
  language: ReceiptLanguage;
  lines: { label: string; amount: number }[];
  partnerName: string | null;
  buyer: string | null;
  payment: { provider: string; reference: string | null } | null;
}

/** Prefix of the receipts of Coko's own readers (no partner). */
export const OWN_RECEIPT_PREFIX = 'COKO';

/**
 * The shown receipt number: the partner's slug upper-cased and the per-partner number padded to six
 * digits (`DEMO-000042`); wider numbers are shown whole (`DEMO-1234567`).
 */
export function receiptNumber(number: number, partnerSlug: string | null): string {
  return `${(partnerSlug ?? OWN_RECEIPT_PREFIX).toUpperCase()}-${String(number).padStart(6, '0')}`;
}

// Control characters, line breaks and runs of spaces would break a Markdown line or a PDF table cell.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g;

function oneLine(value: string): string {
  return value.normalize('NFC').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

function optionalLine(value: string | null): string | null {
  const line = value === null ? '' : oneLine(value);
  return line === '' ? null : line;
}

/**
 * A stored receipt (or its parties) that cannot be shown: an unknown currency, an amount that is not a
 * whole number of minor units… The server's data is wrong, not the reader's request, so it is not a
 * ZodError (which the API would answer as 400 VALIDATION_ERROR) but a bug: 500, reported.
 */
export class InvalidReceiptError extends Error {
  override readonly name = 'InvalidReceiptError';
}

function parsed<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new InvalidReceiptError(`Invalid ${what}: ${issues.join('; ')}`);
}

/**
 * The receipt ready to render. Throws {@link InvalidReceiptError} when the receipt or its parties are
 * malformed.
 *
 * @example receiptModel(receipt, { partner: { name: 'Démo', slug: 'demo' }, buyer: 'Awa Diop' })
 */
export function receiptModel(receipt: ReceiptInput, parties: ReceiptParties): ReceiptModel {
  const stored = parsed(receiptSchema, receipt, 'receipt');
  const { partner, buyer, payment } = parsed(receiptPartiesSchema, parties, 'receipt parties');
  return {
    id: stored.id,
    orderId: stored.orderId,
    sequence: stored.number,
    number: receiptNumber(stored.number, partner?.slug ?? null),
    issuedAt: stored.issuedAt,
    amount: stored.amount,
    currency: stored.currency,
    language: stored.language,
    lines: stored.lines.map((line) => ({ label: oneLine(line.label) || '—', amount: line.amount })),
    partnerName: partner ? optionalLine(partner.name) : null,
    buyer: optionalLine(buyer),
    payment: payment && { provider: payment.provider, reference: optionalLine(payment.reference) },
  };
}
