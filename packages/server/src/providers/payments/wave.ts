// Wave Checkout API (https://docs.wave.com/checkout, /webhook): a checkout session opened on the reader's
// phone through `wave_launch_url`; webhooks signed `Wave-Signature: t=…,v1=HMAC-SHA256(secret, t + body)`.
import { z } from 'zod';
import { fromDecimalString, toDecimalString } from '../../money/index.ts';
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

export const WAVE_API_URL = 'https://api.wave.com';

const Session = z.object({
  id: z.string().min(1),
  amount: z.string(),
  currency: z.string(),
  client_reference: z.string().nullish(),
  checkout_status: z.string(),
  payment_status: z.string().nullish(),
  wave_launch_url: z.string().optional(),
  when_created: z.string().optional(),
  when_completed: z.string().nullish(),
  when_expires: z.string().nullish(),
});
type Session = z.infer<typeof Session>;

const Event = z.object({ id: z.string().min(1), type: z.string().min(1), data: z.record(z.string(), z.unknown()) });

export interface WaveOptions {
  apiKey: string;
  webhookSecret: string;
  fetch: typeof fetch;
  apiUrl?: string;
}

function sessionStatus(session: Session): PaymentStatus {
  if (session.payment_status === 'succeeded') return 'paid';
  if (session.checkout_status === 'expired') return 'expired';
  if (session.checkout_status === 'complete' && session.payment_status === 'cancelled') return 'failed';
  return 'pending';
}

function eventStatus(type: string, session: Session | null): PaymentStatus | null {
  if (type === 'checkout.session.completed') return session?.payment_status === 'succeeded' ? 'paid' : null;
  // The session stays open after a failed attempt; a later success still moves the order failed → paid.
  if (type === 'checkout.session.payment_failed') return 'failed';
  return null;
}

function date(value: string | null | undefined): Date | undefined {
  const parsed = value ? new Date(value) : undefined;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed : undefined;
}

/** The Wave adapter: XOF only; amounts go as a string in francs (`"1500"`). */
export function waveProvider(options: WaveOptions): PaymentProvider {
  const apiUrl = options.apiUrl ?? WAVE_API_URL;
  const authorization = `Bearer ${options.apiKey}`;

  return {
    name: 'wave',
    currencies: ['XOF'],
    confirmsByPolling: false,

    async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
      const session = await callProvider({
        provider: 'wave',
        fetch: options.fetch,
        url: `${apiUrl}/v1/checkout/sessions`,
        // One session per order even when Coko retries the call.
        headers: { authorization, 'idempotency-key': request.orderId },
        body: {
          amount: toDecimalString(request.amount, request.currency),
          currency: request.currency,
          client_reference: request.orderId,
          success_url: returnUrlFor(request.returnUrl, request.orderId, 'paid'),
          error_url: returnUrlFor(request.returnUrl, request.orderId, 'failed'),
          ...(request.customer.phone ? { restrict_payer_mobile: request.customer.phone } : {}),
        },
        schema: Session.extend({ wave_launch_url: z.url() }),
      });
      const expiresAt = date(session.when_expires);
      return {
        providerReference: session.id,
        checkoutUrl: session.wave_launch_url,
        ...(expiresAt ? { expiresAt } : {}),
      };
    },

    async verifyWebhook(input: WebhookInput): Promise<ProviderEvent> {
      await verifyTimestampedSignature({
        provider: 'wave',
        headerName: 'Wave-Signature',
        headers: input.headers,
        secret: options.webhookSecret,
        signedPayload: (timestamp) => `${timestamp}${input.rawBody}`,
        now: input.now,
      });
      const { event, payload } = parseWebhookBody('wave', input.rawBody, Event);
      const parsed = Session.safeParse(event.data);
      const session = parsed.success ? parsed.data : null;
      const amount = session ? fromDecimalString(session.amount, session.currency) : null;
      return {
        eventId: event.id,
        type: event.type,
        orderId: session?.client_reference ?? null,
        providerReference: session?.id ?? null,
        status: eventStatus(event.type, session),
        ...(session && amount !== null ? { amount, currency: session.currency } : {}),
        occurredAt: date(session?.when_completed) ?? input.now,
        payload,
      };
    },

    async fetchStatus(order: StatusQuery) {
      const session = order.providerReference
        ? await callProvider({
            provider: 'wave',
            fetch: options.fetch,
            url: `${apiUrl}/v1/checkout/sessions/${encodeURIComponent(order.providerReference)}`,
            headers: { authorization },
            schema: Session,
          })
        : await findByClientReference(order.orderId);
      if (!session) return { status: 'pending' };
      return { status: sessionStatus(session), providerReference: session.id };
    },
  };

  /** A session whose creation answer was lost: Wave finds it by `client_reference`. */
  async function findByClientReference(orderId: string): Promise<Session | undefined> {
    const found = await callProvider({
      provider: 'wave',
      fetch: options.fetch,
      url: `${apiUrl}/v1/checkout/sessions/search?client_reference=${encodeURIComponent(orderId)}`,
      headers: { authorization },
      schema: z.object({ result: z.array(Session) }),
    });
    return found.result.find((session) => session.payment_status === 'succeeded') ?? found.result[0];
  }
}
