import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { waveProvider } from '../../src/providers/payments/index.ts';
import {
  checkoutRequest,
  nodeSignature,
  ORDER_ID,
  providerServer,
  rejection,
  viaMsw,
  webhookInput,
} from './helpers.ts';

// Shapes from https://docs.wave.com/checkout (Checkout Session object) and /webhook (Event, Wave-Signature).
const API = 'https://api.wave.com';
const API_KEY = 'wave_sn_prod_YhUNb9d_test_key';
const WEBHOOK_SECRET = 'wave_sn_WHS_xz4m6g8rjs9bshxy05xj4khcvjv7j3hcp4fbpvv6met0zdrjvezg';
const NOW = new Date('2026-12-07T10:00:00Z');

const server = providerServer();
const wave = waveProvider({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, fetch: viaMsw });

function session(overrides: Record<string, unknown> = {}) {
  return {
    id: 'cos-18qq25rgr100a',
    amount: '1500',
    checkout_status: 'open',
    client_reference: ORDER_ID,
    currency: 'XOF',
    error_url: 'https://lecteur.example.sn/achat/retour?status=failed',
    last_payment_error: null,
    business_name: 'Coko',
    payment_status: 'processing',
    success_url: 'https://lecteur.example.sn/achat/retour?status=paid',
    wave_launch_url: 'https://pay.wave.com/c/cos-18qq25rgr100a?a=1500&c=XOF&m=Coko',
    when_completed: null,
    when_created: '2026-12-07T10:00:00Z',
    when_expires: '2026-12-07T10:30:00Z',
    ...overrides,
  };
}

function signedEvent(type: string, data: Record<string, unknown>, signedAt = NOW, secret = WEBHOOK_SECRET) {
  const body = JSON.stringify({ id: 'AE_ijzo7oGgrlM6', type, data });
  const t = String(Math.floor(signedAt.getTime() / 1000));
  return { body, header: `t=${t},v1=${nodeSignature(secret, `${t}${body}`)}` };
}

describe('Wave: createCheckout', () => {
  it('opens a checkout session: bearer key, amount as a string of francs, one session per order', async () => {
    let sent: { headers: Headers; body: Record<string, unknown> } | undefined;
    server.use(
      http.post(`${API}/v1/checkout/sessions`, async ({ request }) => {
        sent = { headers: request.headers, body: (await request.json()) as Record<string, unknown> };
        return HttpResponse.json(session());
      }),
    );
    const checkout = await wave.createCheckout(checkoutRequest());
    expect(checkout).toEqual({
      providerReference: 'cos-18qq25rgr100a',
      checkoutUrl: 'https://pay.wave.com/c/cos-18qq25rgr100a?a=1500&c=XOF&m=Coko',
      expiresAt: new Date('2026-12-07T10:30:00Z'),
    });
    expect(sent?.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(sent?.headers.get('idempotency-key')).toBe(ORDER_ID);
    expect(sent?.headers.get('content-type')).toBe('application/json');
    expect(sent?.body).toEqual({
      amount: '1500',
      currency: 'XOF',
      client_reference: ORDER_ID,
      success_url: `https://lecteur.example.sn/achat/retour?order=${ORDER_ID}&status=paid`,
      error_url: `https://lecteur.example.sn/achat/retour?order=${ORDER_ID}&status=failed`,
      restrict_payer_mobile: '+221761234567',
    });
  });

  it('maps provider failures to one error type per kind', async () => {
    const cases: [() => Response, string, Record<string, unknown>][] = [
      [
        () => HttpResponse.json({ code: 'request-validation-error', message: 'Invalid amount' }, { status: 400 }),
        'ProviderRejectedError',
        { httpStatus: 400, providerCode: 'request-validation-error', provider: 'wave' },
      ],
      [
        () => HttpResponse.json({ code: 'invalid-auth', message: 'Invalid API key' }, { status: 401 }),
        'ProviderAuthenticationError',
        { httpStatus: 401 },
      ],
      [
        () => HttpResponse.json({ code: 'rate-limited' }, { status: 429 }),
        'ProviderUnavailableError',
        { httpStatus: 429 },
      ],
      [() => new HttpResponse('Bad gateway', { status: 502 }), 'ProviderUnavailableError', { httpStatus: 502 }],
      [() => HttpResponse.error(), 'ProviderUnavailableError', { httpStatus: undefined }],
      [() => HttpResponse.json({ id: 'cos-1' }), 'ProviderResponseError', { httpStatus: 200 }],
    ];
    for (const [answer, name, fields] of cases) {
      server.resetHandlers(http.post(`${API}/v1/checkout/sessions`, answer));
      const error = await rejection(wave.createCheckout(checkoutRequest()), name);
      expect(error).toMatchObject(fields);
      expect(error.message).not.toContain(API_KEY);
    }
  });
});

describe('Wave: verifyWebhook', () => {
  const completed = session({
    checkout_status: 'complete',
    payment_status: 'succeeded',
    when_completed: '2026-12-07T10:01:00Z',
  });

  it('accepts a valid Wave-Signature (HMAC of timestamp + body) and maps a completed session to paid', async () => {
    const { body, header } = signedEvent('checkout.session.completed', completed);
    const event = await wave.verifyWebhook(webhookInput(body, { 'wave-signature': header }, NOW));
    expect(event).toEqual({
      eventId: 'AE_ijzo7oGgrlM6',
      type: 'checkout.session.completed',
      orderId: ORDER_ID,
      providerReference: 'cos-18qq25rgr100a',
      status: 'paid',
      amount: 1500,
      currency: 'XOF',
      occurredAt: new Date('2026-12-07T10:01:00Z'),
      payload: JSON.parse(body),
    });
  });

  it('accepts any of several v1 signatures while the secret rotates', async () => {
    const { body, header } = signedEvent('checkout.session.completed', completed);
    const rotating = `${header.split(',')[0]},v1=${'0'.repeat(64)},${header.split(',')[1]}`;
    await expect(wave.verifyWebhook(webhookInput(body, { 'wave-signature': rotating }, NOW))).resolves.toMatchObject({
      status: 'paid',
    });
  });

  it('maps a failed payment to failed and other events to no status', async () => {
    const failed = signedEvent(
      'checkout.session.payment_failed',
      session({ last_payment_error: { code: 'payer-mobile-mismatch' } }),
    );
    await expect(
      wave.verifyWebhook(webhookInput(failed.body, { 'wave-signature': failed.header }, NOW)),
    ).resolves.toMatchObject({
      status: 'failed',
      orderId: ORDER_ID,
    });
    const other = signedEvent('merchant.payment_received', { id: 'T_1', amount: '100', currency: 'XOF' });
    await expect(
      wave.verifyWebhook(webhookInput(other.body, { 'wave-signature': other.header }, NOW)),
    ).resolves.toMatchObject({
      status: null,
      orderId: null,
      type: 'merchant.payment_received',
    });
  });

  it('refuses a tampered body, another secret, a stale timestamp and a missing header', async () => {
    const { body, header } = signedEvent('checkout.session.completed', completed);
    const tampered = body.replace('"1500"', '"15"');
    await rejection(
      wave.verifyWebhook(webhookInput(tampered, { 'wave-signature': header }, NOW)),
      'WebhookVerificationError',
    );
    const forged = signedEvent('checkout.session.completed', completed, NOW, 'wave_sn_WHS_guessed');
    await rejection(
      wave.verifyWebhook(webhookInput(forged.body, { 'wave-signature': forged.header }, NOW)),
      'WebhookVerificationError',
    );
    const later = new Date(NOW.getTime() + 301_000);
    const stale = await rejection(
      wave.verifyWebhook(webhookInput(body, { 'wave-signature': header }, later)),
      'WebhookVerificationError',
    );
    expect(stale.provider).toBe('wave');
    await rejection(wave.verifyWebhook(webhookInput(body, {}, NOW)), 'WebhookVerificationError');
  });
});

describe('Wave: fetchStatus', () => {
  const order = { orderId: ORDER_ID, providerReference: 'cos-18qq25rgr100a', amount: 1500, currency: 'XOF' };

  it('reads the checkout session', async () => {
    const answers: [Record<string, unknown>, string][] = [
      [{ checkout_status: 'complete', payment_status: 'succeeded' }, 'paid'],
      [{ checkout_status: 'expired', payment_status: 'processing' }, 'expired'],
      [{ checkout_status: 'complete', payment_status: 'cancelled' }, 'failed'],
      [{ checkout_status: 'open', payment_status: 'processing' }, 'pending'],
    ];
    for (const [fields, status] of answers) {
      server.resetHandlers(
        http.get(`${API}/v1/checkout/sessions/cos-18qq25rgr100a`, ({ request }) =>
          request.headers.get('authorization') === `Bearer ${API_KEY}`
            ? HttpResponse.json(session(fields))
            : HttpResponse.json({ code: 'invalid-auth' }, { status: 401 }),
        ),
      );
      await expect(wave.fetchStatus(order)).resolves.toEqual({ status, providerReference: 'cos-18qq25rgr100a' });
    }
  });

  it('finds a session by client_reference when the checkout answer was lost', async () => {
    server.use(
      http.get(`${API}/v1/checkout/sessions/search`, ({ request }) =>
        HttpResponse.json({
          result:
            new URL(request.url).searchParams.get('client_reference') === ORDER_ID
              ? [session({ id: 'cos-found', checkout_status: 'complete', payment_status: 'succeeded' })]
              : [],
        }),
      ),
    );
    await expect(wave.fetchStatus({ ...order, providerReference: null })).resolves.toEqual({
      status: 'paid',
      providerReference: 'cos-found',
    });
  });
});
