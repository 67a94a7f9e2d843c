// Stripe Checkout Sessions (docs.stripe.com/api/checkout/sessions): form-encoded API, amounts in the
// currency's smallest unit (XOF and XAF are zero-decimal for Stripe as in ISO 4217, so Coko's integers
// pass as they are); webhooks signed `Stripe-Signature: t=…,v1=HMAC-SHA256(secret, t + '.' + body)`.
import { z } from 'zod';
import { callProvider } from './http.ts';
import type {
  CheckoutRequest,
  CheckoutSession,
  PaymentProvider,
  PaymentStatus,
  ProviderEvent,
  StatusQuery,
  WebhookInput,
} from './port.ts';
import { returnUrlFor } from './return-url.ts';
import { verifyTimestampedSignature } from './signature.ts';
import { parseWebhookBody } from './webhook-body.ts';

export const STRIPE_API_URL = 'https://api.stripe.com';

const Session = z.object({
  id: z.string().min(1),
  object: z.literal('checkout.session'),
  status: z.string().nullish(),
  payment_status: z.string().nullish(),
  client_reference_id: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  amount_total: z.number().int().nullish(),
  currency: z.string().nullish(),
  url: z.string().nullish(),
  expires_at: z.number().int().nullish(),
});
type Session = z.infer<typeof Session>;

const Event = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export interface StripeOptions {
  secretKey: string;
  webhookSecret: string;
  fetch: typeof fetch;
  apiUrl?: string;
}

const isPaid = (session: Session) =>
  session.payment_status === 'paid' || session.payment_status === 'no_payment_required';

function eventStatus(type: string, session: Session): PaymentStatus | null {
  switch (type) {
    // `unpaid` on completion: a delayed method (bank debit); the async_payment_* event follows.
    case 'checkout.session.completed':
      return isPaid(session) ? 'paid' : null;
    case 'checkout.session.async_payment_succeeded':
      return 'paid';
    case 'checkout.session.async_payment_failed':
      return 'failed';
    case 'checkout.session.expired':
      return 'expired';
    default:
      return null;
  }
}

/** The Stripe adapter (cards): XOF, XAF, EUR, USD. */
export function stripeProvider(options: StripeOptions): PaymentProvider {
  const apiUrl = options.apiUrl ?? STRIPE_API_URL;
  const authorization = `Bearer ${options.secretKey}`;

  return {
    name: 'stripe',
    currencies: ['XOF', 'XAF', 'EUR', 'USD'],
    confirmsByPolling: false,

    async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
      const form = new URLSearchParams({
        mode: 'payment',
        client_reference_id: request.orderId,
        'metadata[order_id]': request.orderId,
        'payment_intent_data[metadata][order_id]': request.orderId,
        'line_items[0][quantity]': '1',
        'line_items[0][price_data][currency]': request.currency.toLowerCase(),
        'line_items[0][price_data][unit_amount]': String(request.amount),
        'line_items[0][price_data][product_data][name]': request.description,
        success_url: returnUrlFor(request.returnUrl, request.orderId, 'paid'),
        cancel_url: returnUrlFor(request.returnUrl, request.orderId, 'failed'),
      });
      if (request.customer.email) form.set('customer_email', request.customer.email);
      const session = await callProvider({
        provider: 'stripe',
        fetch: options.fetch,
        url: `${apiUrl}/v1/checkout/sessions`,
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          // One session per order even when Coko retries the call.
          'idempotency-key': `checkout-${request.orderId}`,
        },
        body: form.toString(),
        schema: Session.extend({ url: z.url() }),
      });
      return {
        providerReference: session.id,
        checkoutUrl: session.url,
        ...(session.expires_at ? { expiresAt: new Date(session.expires_at * 1000) } : {}),
      };
    },

    async verifyWebhook(input: WebhookInput): Promise<ProviderEvent> {
      await verifyTimestampedSignature({
        provider: 'stripe',
        headerName: 'Stripe-Signature',
        headers: input.headers,
        secret: options.webhookSecret,
        signedPayload: (timestamp) => `${timestamp}.${input.rawBody}`,
        now: input.now,
      });
      const { event, payload } = parseWebhookBody('stripe', input.rawBody, Event);
      const parsed = Session.safeParse(event.data.object);
      const session = parsed.success ? parsed.data : null;
      return {
        eventId: event.id,
        type: event.type,
        orderId: session?.client_reference_id ?? session?.metadata?.order_id ?? null,
        providerReference: session?.id ?? null,
        status: session ? eventStatus(event.type, session) : null,
        ...(session?.amount_total != null && session.currency
          ? { amount: session.amount_total, currency: session.currency.toUpperCase() }
          : {}),
        occurredAt: new Date(event.created * 1000),
        payload,
      };
    },

    async fetchStatus(order: StatusQuery) {
      if (!order.providerReference) return { status: 'pending' };
      const session = await callProvider({
        provider: 'stripe',
        fetch: options.fetch,
        url: `${apiUrl}/v1/checkout/sessions/${encodeURIComponent(order.providerReference)}`,
        headers: { authorization },
        schema: Session,
      });
      const status: PaymentStatus =
        session.status === 'complete' && isPaid(session)
          ? 'paid'
          : session.status === 'expired'
            ? 'expired'
            : 'pending';
      return { status, providerReference: session.id };
    },
  };
}
