import type { ApiRequestOptions, RequestOptions } from '../core/transport';

/** A payment provider (the `payment_provider` enum). `sandbox` runs the whole flow offline. */
export type ProviderName = 'sandbox' | 'wave' | 'orange_money' | 'stripe' | 'paypal';

/** Where an order stands (the `order_status` enum). Only `pending` may still change by itself. */
export type OrderStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'refunded';

/**
 * An amount of money: an integer in the currency's ISO 4217 minor unit (XOF has none: `1500` is
 * 1 500 F CFA; EUR has two: `499` is 4,99 €), never a float.
 */
export interface Price {
  /** ISO 4217 code, e.g. `XOF`. */
  currency: string;
  amount: number;
}

/** A subscription plan (`payments.plans()`). */
export interface Plan {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  interval: 'month' | 'year';
  /** The categories it covers; empty: the whole catalog. */
  categoryIds: string[];
  /** Its price in each currency it is sold in. */
  prices: Price[];
}

/** A purchase of one book or one plan, as the API returns it. */
export interface Order {
  id: string;
  status: OrderStatus;
  /** The book bought, or `null` for a plan. */
  bookId: string | null;
  /** The plan bought, or `null` for a book. */
  planId: string | null;
  amount: number;
  currency: string;
  provider: ProviderName;
  /** The provider's payment page (while `pending`). */
  checkoutUrl: string | null;
  /** Why it failed or expired, when it did. */
  failureReason: string | null;
  createdAt: string;
  paidAt: string | null;
  refundedAt: string | null;
  /** The receipt issued when it was paid. */
  receiptId: string | null;
}

/** What `payments.checkout()` takes: a book or a plan, how to pay, where to come back. */
export type CheckoutParams = ({ bookId: string; planId?: undefined } | { planId: string; bookId?: undefined }) & {
  provider: ProviderName;
  /** The payer's mobile-money number (Wave, Orange Money), E.164 preferred: `+221771234567`. */
  phone?: string;
  /** ISO 4217 code of the price to pay in. Default: the book's currency, or the plan's first price. */
  currency?: string;
  /** An http(s) URL the reader lands on after paying or declining (`?order=<id>&status=paid|failed`). */
  returnUrl: string;
};

/** Per-call options of `payments.checkout()`. */
export interface CheckoutOptions extends ApiRequestOptions {
  /**
   * The `Idempotency-Key` (1–255 visible ASCII characters). Default: a new UUID per call, reused
   * by the SDK's retries of that call. Pass your own to make a retry across page loads safe:
   * the same key and body give back the same order.
   */
  idempotencyKey?: string;
}

/** What `payments.checkout()` resolves with: the pending order and the page to send the reader to. */
export interface Checkout {
  order: Order;
  checkoutUrl: string;
}

/** `payments.orders()` parameters. */
export interface ListOrdersParams {
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** One page of orders, newest first. */
export interface OrdersPage {
  data: Order[];
  /** Pass it as `cursor` for the next page; `null` on the last one. */
  nextCursor: string | null;
}

/** A right to read: one book, forever or until `validUntil`, or a plan's books for a period. */
export interface Entitlement {
  id: string;
  bookId: string | null;
  planId: string | null;
  /** The order that granted it. */
  orderId: string | null;
  validFrom: string;
  /** `null`: forever. */
  validUntil: string | null;
  /** Set when revoked (a refund); listed only with `{ all: true }`. */
  revokedAt: string | null;
}

/** `payments.entitlements()` parameters. */
export interface ListEntitlementsParams {
  /** Include revoked and expired rights. Default: only the active ones. */
  all?: boolean;
}

/** A receipt, issued once per paid order and never changed. */
export interface Receipt {
  id: string;
  orderId: string;
  /** Numbered per partner without gaps. */
  number: number;
  issuedAt: string;
  amount: number;
  currency: string;
  language: 'fr' | 'en';
  lines: { label: string; amount: number }[];
}

/** `payments.receiptMarkdown()` / `receiptPdf()` parameters. */
export interface ReceiptExportParams {
  /** The document's language. Default: the receipt's. */
  lang?: 'fr' | 'en';
}

/** Short-lived signed URLs to read a book (`payments.access()`). */
export interface Access {
  bookId: string;
  /** Why the reader may read it. */
  right: 'free' | 'purchase' | 'subscription';
  format: 'epub' | 'pdf';
  /** When the URLs stop working: ask again after that. */
  expiresAt: string;
  /** The whole file: supports HTTP `Range` (resumable downloads) and `ETag`. */
  file: { url: string; size: number; etag: string; contentType: string };
  /** EPUB only: a Readium Web Publication manifest whose resources are signed one by one. */
  manifest: { url: string } | null;
  cover: { small: string; large: string } | null;
}

/** Options of `payments.waitForOrder()`. */
export interface WaitForOrderOptions extends RequestOptions {
  /**
   * Give up after this many ms and resolve with the order as it then is (still `pending`: the
   * payment may complete later). Default 15 minutes.
   */
  timeoutMs?: number;
}
