// PayPal Orders v2 (developer.paypal.com/docs/api/orders/v2): an order with intent CAPTURE, the reader
// approves it on PayPal, then Coko captures it. Webhooks are checked by PayPal itself through
// `POST /v1/notifications/verify-webhook-signature`.
import { z } from 'zod';
import { fromDecimalString, toDecimalString } from '../../money/index.ts';
import { ProviderResponseError } from './errors.ts';
import { callProvider } from './http.ts';
import { clientCredentialsToken } from './oauth.ts';
import {
  type CheckoutRequest,
  type CheckoutSession,
  type PaymentProvider,
  type PaymentStatus,
  type ProviderEvent,
  type StatusQuery,
  type WebhookInput,
  WebhookVerificationError,
} from './port.ts';
import { returnUrlFor } from './return-url.ts';
import { parseWebhookBody } from './webhook-body.ts';

export const PAYPAL_SANDBOX_API_URL = 'https://api-m.sandbox.paypal.com';
export const PAYPAL_LIVE_API_URL = 'https://api-m.paypal.com';

const Money = z.object({ currency_code: z.string(), value: z.string() });
const Capture = z.object({ id: z.string(), status: z.string(), amount: Money.optional() });
const Order = z.object({
  id: z.string().min(1),
  status: z.string(),
  links: z.array(z.object({ href: z.string(), rel: z.string() })).optional(),
  purchase_units: z
    .array(
      z.object({ custom_id: z.string().optional(), payments: z.object({ captures: z.array(Capture) }).optional() }),
    )
    .optional(),
});
type Order = z.infer<typeof Order>;

const Event = z.object({
  id: z.string().min(1),
  event_type: z.string().min(1),
  create_time: z.string().optional(),
  resource: z.record(z.string(), z.unknown()),
});
const Resource = z.object({
  id: z.string().optional(),
  custom_id: z.string().optional(),
  amount: Money.optional(),
  purchase_units: z.array(z.object({ custom_id: z.string().optional() })).optional(),
  supplementary_data: z.object({ related_ids: z.object({ order_id: z.string().optional() }) }).optional(),
});

const TRANSMISSION_HEADERS = {
  transmission_id: 'paypal-transmission-id',
  transmission_time: 'paypal-transmission-time',
  transmission_sig: 'paypal-transmission-sig',
  cert_url: 'paypal-cert-url',
  auth_algo: 'paypal-auth-algo',
} as const;

const CAPTURE_STATUSES: Readonly<Record<string, PaymentStatus>> = {
  COMPLETED: 'paid',
  PENDING: 'pending',
  DECLINED: 'failed',
  FAILED: 'failed',
  REFUNDED: 'refunded',
  PARTIALLY_REFUNDED: 'refunded',
};

const EVENT_STATUSES: Readonly<Record<string, PaymentStatus>> = {
  'PAYMENT.CAPTURE.COMPLETED': 'paid',
  'PAYMENT.CAPTURE.DENIED': 'failed',
  'PAYMENT.CAPTURE.DECLINED': 'failed',
  'PAYMENT.CAPTURE.REFUNDED': 'refunded',
};

export interface PayPalOptions {
  clientId: string;
  clientSecret: string;
  webhookId: string;
  /** `PAYPAL_API_URL`: the sandbox or live REST API. */
  apiUrl: string;
  fetch: typeof fetch;
  now: () => Date;
}

function orderStatus(order: Order): PaymentStatus {
  if (order.status === 'VOIDED') return 'failed';
  const capture = order.purchase_units?.[0]?.payments?.captures[0];
  return capture ? (CAPTURE_STATUSES[capture.status] ?? 'pending') : 'pending';
}

/**
 * The PayPal adapter: EUR and USD (PayPal takes no XOF). `confirmsByPolling`: an approved order must still
 * be captured, and `fetchStatus` does it (idempotently), so the job asks it on every event.
 */
export function paypalProvider(options: PayPalOptions): PaymentProvider {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const withToken = clientCredentialsToken({
    provider: 'paypal',
    fetch: options.fetch,
    tokenUrl: `${apiUrl}/v1/oauth2/token`,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    now: options.now,
  });
  /** A JSON call; a string body is JSON already. PayPal-Request-Id makes a retried POST return its first answer. */
  const call = <Schema extends z.ZodType>(
    path: string,
    schema: Schema,
    init: { body?: unknown; requestId?: string } = {},
  ) =>
    withToken((bearer) => {
      const headers: Record<string, string> = { authorization: `Bearer ${bearer}` };
      if (init.requestId) headers['paypal-request-id'] = init.requestId;
      if (typeof init.body === 'string') headers['content-type'] = 'application/json';
      return callProvider({
        provider: 'paypal',
        fetch: options.fetch,
        url: `${apiUrl}${path}`,
        headers,
        body: init.body,
        schema,
      });
    });

  return {
    name: 'paypal',
    currencies: ['EUR', 'USD'],
    confirmsByPolling: true,

    async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
      const order = await call('/v2/checkout/orders', Order, {
        requestId: `checkout-${request.orderId}`,
        body: {
          intent: 'CAPTURE',
          purchase_units: [
            {
              reference_id: request.orderId,
              custom_id: request.orderId,
              description: request.description.slice(0, 127),
              amount: { currency_code: request.currency, value: toDecimalString(request.amount, request.currency) },
            },
          ],
          payment_source: {
            paypal: {
              experience_context: {
                return_url: returnUrlFor(request.returnUrl, request.orderId, 'paid'),
                cancel_url: returnUrlFor(request.returnUrl, request.orderId, 'failed'),
                user_action: 'PAY_NOW',
                shipping_preference: 'NO_SHIPPING',
              },
            },
          },
        },
      });
      const approve = order.links?.find((link) => link.rel === 'payer-action' || link.rel === 'approve');
      if (!approve) throw new ProviderResponseError('paypal', 'PayPal answered with no approval link');
      return { providerReference: order.id, checkoutUrl: approve.href };
    },

    async verifyWebhook(input: WebhookInput): Promise<ProviderEvent> {
      const transmission: Record<string, string> = {};
      for (const [field, header] of Object.entries(TRANSMISSION_HEADERS)) {
        const value = input.headers.get(header);
        if (!value) throw new WebhookVerificationError('paypal', `Missing ${header} header`);
        transmission[field] = value;
      }
      const { event, payload } = parseWebhookBody('paypal', input.rawBody, Event);
      // The raw body goes back verbatim: PayPal signed those bytes, a re-serialisation may differ.
      const body = `${JSON.stringify({ ...transmission, webhook_id: options.webhookId }).slice(0, -1)},"webhook_event":${input.rawBody}}`;
      const verification = await call(
        '/v1/notifications/verify-webhook-signature',
        z.object({ verification_status: z.string() }),
        {
          body,
        },
      );
      if (verification.verification_status !== 'SUCCESS') {
        throw new WebhookVerificationError('paypal', 'PayPal did not verify the webhook signature');
      }
      const parsed = Resource.safeParse(event.resource);
      const resource = parsed.success ? parsed.data : {};
      const isOrder = event.event_type.startsWith('CHECKOUT.ORDER.');
      const amount = resource.amount && fromDecimalString(resource.amount.value, resource.amount.currency_code);
      const occurredAt = event.create_time ? new Date(event.create_time) : input.now;
      return {
        eventId: event.id,
        type: event.event_type,
        orderId: resource.custom_id ?? resource.purchase_units?.[0]?.custom_id ?? null,
        providerReference: (isOrder ? resource.id : resource.supplementary_data?.related_ids.order_id) ?? null,
        status: EVENT_STATUSES[event.event_type] ?? null,
        ...(resource.amount && amount != null ? { amount, currency: resource.amount.currency_code } : {}),
        occurredAt: Number.isNaN(occurredAt.getTime()) ? input.now : occurredAt,
        payload,
      };
    },

    async fetchStatus(order: StatusQuery) {
      if (!order.providerReference) return { status: 'pending' };
      const path = `/v2/checkout/orders/${encodeURIComponent(order.providerReference)}`;
      let current = await call(path, Order);
      if (current.status === 'APPROVED') {
        current = await call(`${path}/capture`, Order, { body: {}, requestId: `capture-${order.orderId}` });
      }
      return { status: orderStatus(current), providerReference: current.id };
    },
  };
}
