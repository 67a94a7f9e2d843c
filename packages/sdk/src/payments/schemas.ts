import * as z from 'zod/mini';
import { idSchema } from '../catalog/schemas';

/** Payment providers (the `payment_provider` enum). */
export const PROVIDERS = ['sandbox', 'wave', 'orange_money', 'stripe', 'paypal'] as const;

/** `payments.checkout()` parameters: exactly one of `bookId` and `planId`. */
export const checkoutSchema = z
  .strictObject({
    bookId: z.optional(idSchema),
    planId: z.optional(idSchema),
    provider: z.enum(PROVIDERS),
    phone: z.optional(z.string().check(z.regex(/^\+?[0-9 ]{6,20}$/))),
    currency: z.optional(z.string().check(z.regex(/^[A-Za-z]{3}$/), z.toUpperCase())),
    returnUrl: z.url({ protocol: /^https?$/ }),
  })
  .check(
    z.refine((p) => (p.bookId === undefined) !== (p.planId === undefined), {
      message: 'checkout needs exactly one of bookId and planId',
    }),
  );

/** The `Idempotency-Key` header: 1–255 visible ASCII characters. */
export const idempotencyKeySchema = z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/));

/** `payments.orders()` parameters. */
export const listOrdersSchema = z.strictObject({ cursor: z.nullish(z.string().check(z.minLength(1))) });

/** `payments.entitlements()` parameters. */
export const listEntitlementsSchema = z.strictObject({ all: z.optional(z.boolean()) });

/** `payments.receiptMarkdown()` / `receiptPdf()` parameters. */
export const receiptExportSchema = z.strictObject({ lang: z.optional(z.enum(['fr', 'en'])) });

/** `payments.waitForOrder()` timeout: a positive number of ms. */
export const waitTimeoutSchema = z.optional(z.number().check(z.gt(0)));
