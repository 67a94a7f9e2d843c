import { HttpResponse, http } from 'msw';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeProvider } from '../../src/providers/payments/index.ts';
import {
  checkoutRequest,
  nodeSignature,
  ORDER_ID,
  providerServer,
  rejection,
  viaMsw,
  webhookInput,
} from './helpers.ts';

// Shapes from docs.stripe.com/api/checkout/sessions and /webhooks/signature; XOF is zero-decimal for Stripe.
const API = 'https://api.stripe.com';
const SECRET_KEY = 'sk_test_51Coko000000000000000000000';
const WEBHOOK_SECRET = 'whsec_test_coko_0123456789abcdef';
const NOW = new Date('2026-12-07T10:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;

const server = providerServer();
const stripe = stripeProvider({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, fetch: viaMsw });
const official = new Stripe(SECRET_KEY);

function session(overrides: Record<string, unknown> = {}) {
  return {
    id: 'cs_test_a1B2c3',
    object: 'checkout.session',
    amount_total: 1500,
    currency: 'xof',
    client_reference_id: ORDER_ID,
    metadata: { order_id: ORDER_ID },
    mode: 'payment',
    payment_status: 'unpaid',
    status: 'open',
    url: 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3',
    expires_at: NOW_SECONDS + 86_400,
    ...overrides,
  };
}

function event(type: string, object: Record<string, unknown>) {
  return JSON.stringify(
    { id: 'evt_1Coko', object: 'event', type, created: NOW_SECONDS - 5, data: { object } },
    null,
    2,
  );
}

function signed(body: string, timestamp = NOW_SECONDS, secret = WEBHOOK_SECRET) {
  return official.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
}

describe('Stripe: createCheckout', () => {
  it('creates a Checkout Session: form-encoded, XOF amounts as they are (zero-decimal), EUR in cents', async () => {
    const sent: { headers: Headers; form: URLSearchParams }[] = [];
    server.use(
      http.post(`${API}/v1/checkout/sessions`, async ({ request }) => {
        sent.push({ headers: request.headers, form: new URLSearchParams(await request.text()) });
        return HttpResponse.json(session());
      }),
    );
    const checkout = await stripe.createCheckout(checkoutRequest());
    expect(checkout).toEqual({
      providerReference: 'cs_test_a1B2c3',
      checkoutUrl: 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3',
      expiresAt: new Date((NOW_SECONDS + 86_400) * 1000),
    });
    await stripe.createCheckout(checkoutRequest({ amount: 499, currency: 'EUR' }));
    const [xof, eur] = sent;
    expect(xof?.headers.get('authorization')).toBe(`Bearer ${SECRET_KEY}`);
    expect(xof?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(xof?.headers.get('idempotency-key')).toBe(`checkout-${ORDER_ID}`);
    expect(Object.fromEntries(xof?.form ?? [])).toEqual({
      mode: 'payment',
      client_reference_id: ORDER_ID,
      'metadata[order_id]': ORDER_ID,
      'payment_intent_data[metadata][order_id]': ORDER_ID,
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'xof',
      'line_items[0][price_data][unit_amount]': '1500',
      'line_items[0][price_data][product_data][name]': 'Les Soleils des indépendances',
      success_url: `https://lecteur.example.sn/achat/retour?order=${ORDER_ID}&status=paid`,
      cancel_url: `https://lecteur.example.sn/achat/retour?order=${ORDER_ID}&status=failed`,
      customer_email: 'awa@example.sn',
    });
    expect(eur?.form.get('line_items[0][price_data][currency]')).toBe('eur');
    expect(eur?.form.get('line_items[0][price_data][unit_amount]')).toBe('499');
  });

  it('maps Stripe errors to typed errors', async () => {
    const cases: [number, Record<string, unknown>, string, string | undefined][] = [
      [
        400,
        { error: { type: 'invalid_request_error', code: 'amount_too_small', message: 'Amount too small' } },
        'ProviderRejectedError',
        'amount_too_small',
      ],
      [
        401,
        { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } },
        'ProviderAuthenticationError',
        undefined,
      ],
      [500, { error: { type: 'api_error', message: 'Something went wrong' } }, 'ProviderUnavailableError', undefined],
    ];
    for (const [status, body, name, providerCode] of cases) {
      server.resetHandlers(http.post(`${API}/v1/checkout/sessions`, () => HttpResponse.json(body, { status })));
      const error = await rejection(stripe.createCheckout(checkoutRequest()), name);
      expect(error).toMatchObject({ provider: 'stripe', httpStatus: status, providerCode });
    }
  });
});

describe('Stripe: verifyWebhook', () => {
  it('accepts headers made by the official stripe package and maps session events', async () => {
    const cases: [string, Record<string, unknown>, string | null][] = [
      ['checkout.session.completed', { status: 'complete', payment_status: 'paid' }, 'paid'],
      ['checkout.session.completed', { status: 'complete', payment_status: 'unpaid' }, null],
      ['checkout.session.async_payment_succeeded', { status: 'complete', payment_status: 'paid' }, 'paid'],
      ['checkout.session.async_payment_failed', { status: 'complete', payment_status: 'unpaid' }, 'failed'],
      ['checkout.session.expired', { status: 'expired' }, 'expired'],
    ];
    for (const [type, fields, status] of cases) {
      const body = event(type, session(fields));
      const verified = await stripe.verifyWebhook(webhookInput(body, { 'stripe-signature': signed(body) }, NOW));
      expect(verified).toEqual({
        eventId: 'evt_1Coko',
        type,
        orderId: ORDER_ID,
        providerReference: 'cs_test_a1B2c3',
        status,
        amount: 1500,
        currency: 'XOF',
        occurredAt: new Date((NOW_SECONDS - 5) * 1000),
        payload: JSON.parse(body),
      });
    }
  });

  it('gives events about other objects no status', async () => {
    const body = event('charge.refunded', { id: 'ch_1', object: 'charge', amount: 1500, currency: 'xof' });
    await expect(
      stripe.verifyWebhook(webhookInput(body, { 'stripe-signature': signed(body) }, NOW)),
    ).resolves.toMatchObject({
      status: null,
      orderId: null,
      providerReference: null,
      type: 'charge.refunded',
    });
  });

  it('refuses a tampered body, another secret, a stale timestamp and a missing header', async () => {
    const body = event('checkout.session.completed', session({ status: 'complete', payment_status: 'paid' }));
    const tampered = body.replace('"amount_total": 1500', '"amount_total": 15');
    expect(tampered).not.toBe(body);
    await rejection(
      stripe.verifyWebhook(webhookInput(tampered, { 'stripe-signature': signed(body) }, NOW)),
      'WebhookVerificationError',
    );
    const other = signed(body, NOW_SECONDS, 'whsec_guessed');
    await rejection(
      stripe.verifyWebhook(webhookInput(body, { 'stripe-signature': other }, NOW)),
      'WebhookVerificationError',
    );
    const stale = signed(body, NOW_SECONDS - 301);
    await rejection(
      stripe.verifyWebhook(webhookInput(body, { 'stripe-signature': stale }, NOW)),
      'WebhookVerificationError',
    );
    await expect(
      stripe.verifyWebhook(webhookInput(body, { 'stripe-signature': signed(body, NOW_SECONDS - 299) }, NOW)),
    ).resolves.toMatchObject({ status: 'paid' });
    await rejection(stripe.verifyWebhook(webhookInput(body, {}, NOW)), 'WebhookVerificationError');
  });

  it('signs the same bytes as Stripe documents: t + "." + body', async () => {
    const body = event('checkout.session.expired', session({ status: 'expired' }));
    const header = `t=${NOW_SECONDS},v1=${nodeSignature(WEBHOOK_SECRET, `${NOW_SECONDS}.${body}`)}`;
    expect(signed(body)).toBe(header);
    await expect(stripe.verifyWebhook(webhookInput(body, { 'stripe-signature': header }, NOW))).resolves.toMatchObject({
      status: 'expired',
    });
  });
});

describe('Stripe: fetchStatus', () => {
  it('reads the Checkout Session', async () => {
    let fields: Record<string, unknown> = {};
    server.use(
      http.get(`${API}/v1/checkout/sessions/cs_test_a1B2c3`, ({ request }) => {
        expect(request.headers.get('authorization')).toBe(`Bearer ${SECRET_KEY}`);
        return HttpResponse.json(session(fields));
      }),
    );
    const order = { orderId: ORDER_ID, providerReference: 'cs_test_a1B2c3', amount: 1500, currency: 'XOF' };
    const expected: [Record<string, unknown>, string][] = [
      [{ status: 'complete', payment_status: 'paid' }, 'paid'],
      [{ status: 'complete', payment_status: 'unpaid' }, 'pending'],
      [{ status: 'expired', payment_status: 'unpaid' }, 'expired'],
      [{ status: 'open', payment_status: 'unpaid' }, 'pending'],
    ];
    for (const [answer, status] of expected) {
      fields = answer;
      await expect(stripe.fetchStatus(order)).resolves.toEqual({ status, providerReference: 'cs_test_a1B2c3' });
    }
  });
});
