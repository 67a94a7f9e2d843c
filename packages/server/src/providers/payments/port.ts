// The payment provider port (docs/CONTRACT-payments.md §2). Adapters use only Web-standard fetch and
// crypto.subtle, so they run unchanged on Node and on Deno (Supabase Edge Functions).

export const PROVIDER_NAMES = ['sandbox', 'wave', 'orange_money', 'stripe', 'paypal'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
/** True for a provider Coko knows (`POST /v1/webhooks/{provider}` answers 404 otherwise). */
export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'refunded';

export interface CheckoutRequest {
  /** Coko's order id: echoed by the provider so its events find the order. */
  orderId: string;
  /** Integer in the currency's ISO 4217 minor unit (1500 XOF, 499 = 4,99 EUR). */
  amount: number;
  /** ISO 4217 code, upper case. */
  currency: string;
  description: string;
  customer: { phone?: string; email?: string; name?: string };
  /** Where the reader lands after paying or declining. */
  returnUrl: string;
  /** `POST /v1/webhooks/{provider}` of this deployment. */
  webhookUrl: string;
}

export interface CheckoutSession {
  providerReference: string;
  checkoutUrl: string;
  expiresAt?: Date;
  /** Stored in `private.order_secrets` (Orange Money's `notif_token`). */
  secret?: string;
}

export interface ProviderEvent {
  /** Unique per provider: the dedupe key of `payment_events`. */
  eventId: string;
  /** The provider's event type, as sent. */
  type: string;
  /** Coko's order id when the provider echoes it. */
  orderId: string | null;
  providerReference: string | null;
  /** null: an event that moves nothing. */
  status: PaymentStatus | null;
  amount?: number;
  currency?: string;
  occurredAt: Date;
  /** The raw parsed body, stored in `payment_events`. */
  payload: unknown;
}

export interface WebhookInput {
  rawBody: string;
  headers: Headers;
  now: Date;
  /**
   * The URL the webhook was posted to. Orange Money's notification carries no order id, so its
   * `notif_url` names the order in the query string (`?order=<id>`).
   */
  url?: string;
  /** The per-order secret stored at checkout (`private.order_secrets`), or null. */
  secretFor(reference: { orderId?: string; providerReference?: string }): Promise<string | null>;
}

export interface StatusQuery {
  orderId: string;
  providerReference: string | null;
  amount: number;
  currency: string;
  secret?: string | null;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** ISO 4217 codes it takes. */
  readonly currencies: readonly string[];
  /**
   * true: a webhook is only a hint. For every event that names an order, the job calls fetchStatus and
   * moves the order by its answer, whatever the event's status (Orange Money: unsigned notifications;
   * PayPal: fetchStatus captures an approved order).
   */
  readonly confirmsByPolling: boolean;
  /** Throws a {@link PaymentProviderError} when the provider refuses or cannot be reached. */
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /** Throws {@link WebhookVerificationError} (→ 400 INVALID_SIGNATURE) when the signature/token/timestamp fails. */
  verifyWebhook(input: WebhookInput): Promise<ProviderEvent>;
  fetchStatus(order: StatusQuery): Promise<{ status: PaymentStatus; providerReference?: string }>;
}

/** A webhook that is not provably from the provider: bad or missing signature, stale timestamp, wrong token. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly provider: ProviderName;

  constructor(provider: ProviderName, message: string) {
    super(message);
    this.provider = provider;
  }
}

/** True for a {@link WebhookVerificationError}, even across duplicated copies of this module. */
export function isWebhookVerificationError(error: unknown): error is WebhookVerificationError {
  return error instanceof Error && error.name === 'WebhookVerificationError';
}
