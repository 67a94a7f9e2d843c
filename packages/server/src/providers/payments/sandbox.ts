// The sandbox provider: the API serves the checkout page itself (`GET /v1/sandbox/checkout/{orderId}`),
// and its Approve / Decline form posts a webhook signed like Wave's, so the whole flow runs offline.
import { z } from 'zod';
import type { CheckoutRequest, CheckoutSession, PaymentProvider, ProviderEvent, WebhookInput } from './port.ts';
import { constantTimeEqual, hmacSha256Hex, signTimestamped, verifyTimestampedSignature } from './signature.ts';
import { parseWebhookBody } from './webhook-body.ts';

export const SANDBOX_SIGNATURE_HEADER = 'Sandbox-Signature';
export const SANDBOX_CURRENCIES = ['XOF', 'XAF', 'EUR', 'USD'] as const;

/** The body of a sandbox webhook, as the checkout page's form posts it. */
export const SandboxEventSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.enum(['checkout.approved', 'checkout.declined']),
  orderId: z.uuid(),
  amount: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  createdAt: z.iso.datetime({ offset: true }),
});
export type SandboxEvent = z.infer<typeof SandboxEventSchema>;

/**
 * The event the checkout page sends when the reader approves or declines. Its id is one per order and
 * outcome, so a double-clicked Approve is stored once.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(sandboxEvent({ orderId, amount: 1500, currency: 'XOF' }, 'approved', new Date()))
 * ```
 */
export function sandboxEvent(
  order: { orderId: string; amount: number; currency: string },
  outcome: 'approved' | 'declined',
  now: Date,
): SandboxEvent {
  return {
    id: `evt_${order.orderId}_${outcome}`,
    type: `checkout.${outcome}`,
    orderId: order.orderId,
    amount: order.amount,
    currency: order.currency,
    createdAt: now.toISOString(),
  };
}

/**
 * The `Sandbox-Signature` header for `body`: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + '.' + body)>`.
 *
 * @example
 * ```ts
 * await app.request('/v1/webhooks/sandbox', { method: 'POST', body, headers: {
 *   'content-type': 'application/json', 'sandbox-signature': await signSandboxEvent(secret, body, new Date()) } })
 * ```
 */
export function signSandboxEvent(secret: string, body: string, now: Date): Promise<string> {
  return signTimestamped(secret, (timestamp) => `${timestamp}.${body}`, now);
}

/** The checkout page's `?token=`: an HMAC of the order id, so a link opens only its own order's page. */
export function sandboxCheckoutToken(secret: string, orderId: string): Promise<string> {
  // The prefix keeps tokens apart from webhook signatures, whose message starts with digits.
  return hmacSha256Hex(secret, `checkout:${orderId}`);
}

/** True when `token` is the checkout token of `orderId` (constant-time comparison). */
export async function verifySandboxCheckoutToken(secret: string, orderId: string, token: string): Promise<boolean> {
  return constantTimeEqual(token, await sandboxCheckoutToken(secret, orderId));
}

export interface SandboxOptions {
  /** `SANDBOX_WEBHOOK_SECRET` (default derived from the JWT secret, so every process agrees). */
  secret: string;
}

/** The sandbox adapter. The checkout URL sits next to the webhook URL: `{api}/v1/sandbox/checkout/{orderId}?token=…`. */
export function sandboxProvider(options: SandboxOptions): PaymentProvider {
  return {
    name: 'sandbox',
    currencies: SANDBOX_CURRENCIES,
    confirmsByPolling: false,

    async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
      // webhookUrl is `{api}/v1/webhooks/sandbox`: `..` from it is `{api}/v1/`.
      const url = new URL(`../sandbox/checkout/${encodeURIComponent(request.orderId)}`, request.webhookUrl);
      url.search = '';
      url.searchParams.set('token', await sandboxCheckoutToken(options.secret, request.orderId));
      return { providerReference: `sbx_${request.orderId}`, checkoutUrl: url.toString() };
    },

    async verifyWebhook(input: WebhookInput): Promise<ProviderEvent> {
      await verifyTimestampedSignature({
        provider: 'sandbox',
        headerName: SANDBOX_SIGNATURE_HEADER,
        headers: input.headers,
        secret: options.secret,
        signedPayload: (timestamp) => `${timestamp}.${input.rawBody}`,
        now: input.now,
      });
      const { event, payload } = parseWebhookBody('sandbox', input.rawBody, SandboxEventSchema);
      return {
        eventId: event.id,
        type: event.type,
        orderId: event.orderId,
        providerReference: `sbx_${event.orderId}`,
        status: event.type === 'checkout.approved' ? 'paid' : 'failed',
        amount: event.amount,
        currency: event.currency,
        occurredAt: new Date(event.createdAt),
        payload,
      };
    },

    // Nothing happens outside the checkout page: an order nobody approved or declined is still pending.
    async fetchStatus() {
      return { status: 'pending' };
    },
  };
}
