import { lazyNamespace } from '../core/lazy';
import type { RequestOptions, Transport } from '../core/transport';
import type {
  Access,
  Checkout,
  CheckoutOptions,
  CheckoutParams,
  Entitlement,
  ListEntitlementsParams,
  ListOrdersParams,
  Order,
  OrdersPage,
  Plan,
  Receipt,
  ReceiptExportParams,
  WaitForOrderOptions,
} from './types';

/**
 * `coko.payments`: plans, checkout, the reader's orders, receipts and rights to read, and the
 * signed URLs to open a book. Every method but `plans()` needs a reader's access token
 * (`AuthenticationError` otherwise). Amounts are integers in the currency's minor unit.
 */
export interface Payments {
  /**
   * The subscription plans on sale, with their price per currency (`GET /v1/plans`; guests too).
   *
   * @example
   * ```ts
   * const plans = await coko.payments.plans()
   * const monthly = plans.find((p) => p.interval === 'month')
   * ```
   */
  plans(options?: RequestOptions): Promise<Plan[]>;

  /**
   * Opens an order for a book or a plan and returns it with the provider's payment page: send the
   * reader there, then to `returnUrl` the provider brings them back to (`?order=<id>&status=…`),
   * where `waitForOrder` tells the outcome. The price comes from the server, never the client.
   *
   * An `Idempotency-Key` is generated per call (or pass `idempotencyKey`) and reused by the SDK's
   * retries, so a dropped connection never opens two orders.
   *
   * @throws `ValidationError` (before any request) for a bad id, provider, currency or `returnUrl`, or
   *   both/neither of `bookId` and `planId`; `UNPROCESSABLE` for a key reused with another body,
   *   `PROVIDER_UNAVAILABLE` when the provider is off or does not take the currency.
   * @throws `ConflictError` with code `ALREADY_OWNED` (409) for a free or already owned book,
   *   `PermissionDeniedError` with code `NOT_AVAILABLE_IN_COUNTRY` (403) when it is not sold in the reader's country.
   *
   * @example
   * ```ts
   * const { checkoutUrl } = await coko.payments.checkout({
   *   bookId,
   *   provider: 'wave',
   *   phone: '+221771234567',
   *   returnUrl: `${location.origin}/orders`,
   * })
   * location.assign(checkoutUrl)
   * ```
   */
  checkout(params: CheckoutParams, options?: CheckoutOptions): Promise<Checkout>;

  /**
   * The reader's orders, newest first, a page at a time.
   *
   * @example
   * ```ts
   * let page = await coko.payments.orders()
   * while (page.nextCursor) page = await coko.payments.orders({ cursor: page.nextCursor })
   * ```
   */
  orders(params?: ListOrdersParams, options?: RequestOptions): Promise<OrdersPage>;

  /**
   * One of the reader's orders.
   *
   * @throws `NotFoundError` for an order that is not theirs.
   */
  order(orderId: string, options?: RequestOptions): Promise<Order>;

  /**
   * Polls an order until it is no longer `pending` and resolves with it (`paid`, `failed`,
   * `expired` or `refunded`). Polls back off exponentially with jitter (1 s, 2 s, 4 s … at most
   * 15 s apart), so a reader waiting for a mobile-money confirmation costs a few requests a minute;
   * network and server errors are polled through. After `timeoutMs` (default 15 minutes) it
   * resolves with the order still `pending`. Aborting `signal` rejects with the `AbortError`.
   *
   * @example
   * ```ts
   * const orderId = new URLSearchParams(location.search).get('order')!
   * const order = await coko.payments.waitForOrder(orderId, { timeoutMs: 120_000 })
   * if (order.status === 'paid') openBook(order.bookId)
   * ```
   */
  waitForOrder(orderId: string, options?: WaitForOrderOptions): Promise<Order>;

  /** The reader's receipts, newest first. */
  receipts(options?: RequestOptions): Promise<Receipt[]>;

  /** One receipt. @throws `NotFoundError` for a receipt that is not the reader's. */
  receipt(receiptId: string, options?: RequestOptions): Promise<Receipt>;

  /**
   * A receipt as a Markdown document (`GET /v1/receipts/{id}/receipt.md`), amounts formatted for
   * the currency (`1 500 F CFA`).
   *
   * @example
   * ```ts
   * const markdown = await coko.payments.receiptMarkdown(receiptId, { lang: 'fr' })
   * ```
   */
  receiptMarkdown(receiptId: string, params?: ReceiptExportParams, options?: RequestOptions): Promise<string>;

  /**
   * The same receipt as a PDF (`GET /v1/receipts/{id}/receipt.pdf`).
   *
   * @example
   * ```ts
   * const url = URL.createObjectURL(await coko.payments.receiptPdf(receiptId))
   * ```
   */
  receiptPdf(receiptId: string, params?: ReceiptExportParams, options?: RequestOptions): Promise<Blob>;

  /**
   * The reader's rights to read: the active ones, or with `{ all: true }` the revoked and expired too.
   *
   * @example
   * ```ts
   * const owned = new Set((await coko.payments.entitlements()).map((e) => e.bookId))
   * ```
   */
  entitlements(params?: ListEntitlementsParams, options?: RequestOptions): Promise<Entitlement[]>;

  /**
   * Whether the signed-in reader may read a book (free, bought, or covered by a subscription):
   * one cheap database call (`can_read`), for showing "Read" rather than "Buy". Country and
   * download limits are checked by `access()`.
   */
  canRead(bookId: string, options?: RequestOptions): Promise<boolean>;

  /**
   * Short-lived signed URLs to open a book: the whole file (HTTP Range, ETag) and, for an EPUB, a
   * Readium Web Publication manifest whose resources are signed one by one, so a reader on a
   * slow link fetches the first chapter, not the whole book. Ask again after `expiresAt`.
   *
   * @throws `PermissionDeniedError` with code `NOT_ENTITLED` or `NOT_AVAILABLE_IN_COUNTRY` (403), `NotFoundError`,
   *   `RateLimitError` past the download limits.
   *
   * @example
   * ```ts
   * const { manifest, file } = await coko.payments.access(bookId)
   * navigator.open(manifest?.url ?? file.url)
   * ```
   */
  access(bookId: string, options?: RequestOptions): Promise<Access>;
}

/** Builds the payments namespace; its implementation is a separate chunk, imported on the first call. */
export function createPayments(transport: Transport): Payments {
  return lazyNamespace(() => import('./methods'), transport, [
    'plans',
    'checkout',
    'orders',
    'order',
    'waitForOrder',
    'receipts',
    'receipt',
    'receiptMarkdown',
    'receiptPdf',
    'entitlements',
    'canRead',
    'access',
  ]);
}

export type * from './types';
