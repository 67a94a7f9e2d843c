import * as z from 'zod/mini';
import { idSchema } from '../catalog/schemas';

/** Payment providers (the `payment_provider` enum). */
export const PROVIDERS = ['sandbox', 'wave', 'orange_money', 'stripe', 'paypal'] as const;

// Only zod features the catalog already uses (object, regex, enum …): zod's code is shared with the
// core bundle, so a new kind of schema here (z.url, refinements) would grow every catalog page.

/** `payments.checkout()` parameters (exactly one of `bookId` and `planId`: see `checkout.ts`). */
export const checkoutSchema = z.strictObject({
  bookId: z.optional(idSchema),
  planId: z.optional(idSchema),
  provider: z.enum(PROVIDERS),
  phone: z.optional(z.string().check(z.regex(/^\+?[0-9 ]{6,20}$/))),
  currency: z.optional(z.string().check(z.regex(/^[A-Za-z]{3}$/), z.toUpperCase())),
  // The server checks it further (a partner's allowed origins); here: an absolute http(s) URL.
  returnUrl: z.string().check(z.maxLength(2048), z.regex(/^https?:\/\/[^\s/?#]+[^\s]*$/)),
});

/** The `Idempotency-Key` header: 1–255 visible ASCII characters. */
export const idempotencyKeySchema = z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/));

/** `payments.orders()` parameters. */
export const listOrdersSchema = z.strictObject({ cursor: z.nullish(z.string().check(z.regex(/./))) });

/** `payments.entitlements()` parameters. */
export const listEntitlementsSchema = z.strictObject({ all: z.optional(z.boolean()) });

/** `payments.receiptMarkdown()` / `receiptPdf()` parameters. */
export const receiptExportSchema = z.strictObject({ lang: z.optional(z.enum(['fr', 'en'])) });

/** `payments.waitForOrder()` timeout: a positive number of ms. */
export const waitTimeoutSchema = z.optional(z.number().check(z.gte(1)));
