// The payment shapes of the API (docs/CONTRACT-payments.md §3), as published in the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { PROVIDER_NAMES } from '../providers/payments/index.ts';
import { ErrorSchema } from './schemas.ts';

export const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

const money = {
  amount: z
    .number()
    .int()
    .openapi({ description: "Integer in the currency's ISO 4217 minor unit (1500 XOF = 1 500 F CFA)." }),
  currency: z.string().openapi({ description: 'ISO 4217 code.', example: 'XOF' }),
};

export const ProviderSchema = z.enum(PROVIDER_NAMES).openapi('PaymentProvider');

export const OrderSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(['pending', 'paid', 'failed', 'expired', 'refunded']),
    bookId: z.uuid().nullable(),
    planId: z.uuid().nullable(),
    ...money,
    provider: ProviderSchema,
    checkoutUrl: z.string().nullable().openapi({ description: 'Where to pay, while the order is pending.' }),
    failureReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    paidAt: z.iso.datetime().nullable(),
    refundedAt: z.iso.datetime().nullable(),
    receiptId: z.uuid().nullable(),
  })
  .openapi('Order');

export const PlanSchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    interval: z.enum(['month', 'year']),
    categoryIds: z.array(z.uuid()).openapi({ description: 'Categories covered; empty = the whole catalog.' }),
    prices: z.array(z.object(money)),
  })
  .openapi('Plan');

export const EntitlementSchema = z
  .object({
    id: z.uuid(),
    bookId: z.uuid().nullable(),
    planId: z.uuid().nullable(),
    orderId: z.uuid().nullable(),
    validFrom: z.iso.datetime(),
    validUntil: z.iso.datetime().nullable().openapi({ description: 'null: forever (a bought book).' }),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi('Entitlement');

export const ReceiptSchema = z
  .object({
    id: z.uuid(),
    orderId: z.uuid(),
    number: z.number().int().openapi({ description: 'Numbered per partner without gaps.' }),
    issuedAt: z.iso.datetime(),
    ...money,
    language: z.enum(['fr', 'en']),
    lines: z.array(z.object({ label: z.string(), amount: z.number().int() })),
  })
  .openapi('Receipt');

export const IdParamSchema = (description: string) =>
  z.object({ id: z.guid().openapi({ param: { name: 'id', in: 'path' }, description }) });
