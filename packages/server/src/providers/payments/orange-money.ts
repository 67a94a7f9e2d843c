// Orange Money Web Payment (developer.orange.com, "Orange Money WebPay"): an OAuth token
// (`POST /oauth/v3/token`), `POST …/webpayment` → `payment_url`, `pay_token` and `notif_token`. Its
// notifications are not signed: the `notif_token` is compared with the one stored at checkout, and the
// job confirms with `POST …/transactionstatus` before moving money. Orange never retries a notification.
import { z } from 'zod';
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
import { constantTimeEqual } from './signature.ts';
import { parseWebhookBody } from './webhook-body.ts';

/** The sandbox ("dev") Web Payment API; production is `…/orange-money-webpay/{country}/v1` (sn, ci, ml …). */
export const ORANGE_MONEY_SANDBOX_API_URL = 'https://api.orange.com/orange-money-webpay/dev/v1';

const WebPayment = z.object({ pay_token: z.string().min(1), payment_url: z.url(), notif_token: z.string().min(1) });
const Notification = z.object({
  status: z.string().min(1),
  notif_token: z.string().min(1),
  txnid: z.string().optional(),
});
const TransactionStatus = z.object({ status: z.string().min(1), txnid: z.string().nullish() });

const STATUSES: Readonly<Record<string, PaymentStatus>> = {
  INITIATED: 'pending',
  PENDING: 'pending',
  SUCCESS: 'paid',
  FAILED: 'failed',
  EXPIRED: 'expired',
};

/** References like the order's description are cut to Orange's 30 characters. */
const REFERENCE_MAX = 30;

export interface OrangeMoneyOptions {
  clientId: string;
  clientSecret: string;
  merchantKey: string;
  /** `ORANGE_MONEY_API_URL`: `https://api.orange.com/orange-money-webpay/{country|dev}/v1`. */
  apiUrl: string;
  fetch: typeof fetch;
  now: () => Date;
}

/** The notification URL names the order: Orange's notification body does not. */
function notificationUrl(webhookUrl: string, orderId: string): string {
  const url = new URL(webhookUrl);
  url.searchParams.set('order', orderId);
  return url.toString();
}

function orderFromUrl(url: string | undefined): string {
  const orderId = url ? new URL(url, 'http://localhost').searchParams.get('order') : null;
  if (!orderId || !z.uuid().safeParse(orderId).success) {
    throw new WebhookVerificationError('orange_money', 'The notification URL names no order');
  }
  return orderId;
}

/** The Orange Money adapter: XOF, sent as `OUV` (the sandbox's test currency) on the dev API. */
export function orangeMoneyProvider(options: OrangeMoneyOptions): PaymentProvider {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const wireCurrency = (currency: string) => (/\/dev\//.test(`${apiUrl}/`) ? 'OUV' : currency);
  const withToken = clientCredentialsToken({
    provider: 'orange_money',
    fetch: options.fetch,
    tokenUrl: `${new URL(apiUrl).origin}/oauth/v3/token`,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    now: options.now,
  });
  const call = <Schema extends z.ZodType>(path: string, body: unknown, schema: Schema) =>
    withToken((bearer) =>
      callProvider({
        provider: 'orange_money',
        fetch: options.fetch,
        url: `${apiUrl}${path}`,
        headers: { authorization: `Bearer ${bearer}` },
        body,
        schema,
      }),
    );

  return {
    name: 'orange_money',
    currencies: ['XOF'],
    confirmsByPolling: true,

    async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
      const payment = await call(
        '/webpayment',
        {
          merchant_key: options.merchantKey,
          currency: wireCurrency(request.currency),
          // Orange refuses a reused order id: Coko's order ids are never reused.
          order_id: request.orderId,
          amount: request.amount,
          return_url: returnUrlFor(request.returnUrl, request.orderId, 'paid'),
          cancel_url: returnUrlFor(request.returnUrl, request.orderId, 'failed'),
          notif_url: notificationUrl(request.webhookUrl, request.orderId),
          lang: 'fr',
          reference: request.description.slice(0, REFERENCE_MAX),
        },
        WebPayment,
      );
      return { providerReference: payment.pay_token, checkoutUrl: payment.payment_url, secret: payment.notif_token };
    },

    async verifyWebhook(input: WebhookInput): Promise<ProviderEvent> {
      const orderId = orderFromUrl(input.url);
      const { event: notification, payload } = parseWebhookBody('orange_money', input.rawBody, Notification);
      const expected = await input.secretFor({ orderId });
      // Compared even when the order has no token, so timing does not reveal which orders exist.
      const matches = constantTimeEqual(notification.notif_token, expected ?? '');
      if (!expected || !matches) throw new WebhookVerificationError('orange_money', 'The notif_token does not match');
      return {
        eventId: `${orderId}:${notification.status}:${notification.txnid ?? ''}`,
        type: notification.status,
        orderId,
        providerReference: null,
        // A hint only (confirmsByPolling): the job asks transactionstatus before moving money.
        status: STATUSES[notification.status] ?? null,
        occurredAt: input.now,
        payload,
      };
    },

    async fetchStatus(order: StatusQuery) {
      // Without the pay_token (the checkout call's answer was lost) Orange cannot be asked.
      if (!order.providerReference) return { status: 'pending' };
      const transaction = await call(
        '/transactionstatus',
        { order_id: order.orderId, amount: order.amount, pay_token: order.providerReference },
        TransactionStatus,
      );
      return { status: STATUSES[transaction.status] ?? 'pending', providerReference: order.providerReference };
    },
  };
}
