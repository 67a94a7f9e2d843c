import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { PAYPAL_SANDBOX_API_URL, paypalProvider } from '../../src/providers/payments/index.ts';
import { checkoutRequest, ORDER_ID, providerServer, rejection, viaMsw, webhookInput } from './helpers.ts';

// Shapes from developer.paypal.com: /v1/oauth2/token, Orders v2 (create, get, capture) and
// /v1/notifications/verify-webhook-signature.
const API = PAYPAL_SANDBOX_API_URL;
const PAYPAL_ORDER = '5O190127TN364715T';
const WEBHOOK_ID = '1JE4291016473214C';
const NOW = new Date('2026-12-07T10:00:00Z');

const server = providerServer();
const options = { clientId: 'paypal-client', clientSecret: 'paypal-secret', webhookId: WEBHOOK_ID, apiUrl: API };
// A fresh provider per test: each starts without a cached OAuth token.
let paypal = paypalProvider({ ...options, fetch: viaMsw, now: () => NOW });
beforeEach(() => {
  paypal = paypalProvider({ ...options, fetch: viaMsw, now: () => NOW });
});

const TRANSMISSION = {
  'paypal-transmission-id': '69cd13f0-d67a-11e5-baa3-778b53f4ae55',
  'paypal-transmission-time': '2026-12-07T09:59:58Z',
  'paypal-transmission-sig':
    'lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz+Zjh3s3boXB07VXCXUZy/UFzUlnGJn0wDugt7FlSvdKeIJenLRemUxYCPVoEZzg9VFNqOa48gMkvF+XTpxBeUx/kWy6B5cp7GkT2+pOowfRK7OaynuxUoKW3JcMWw272VKjLTtTAShncla7tGF+55rxyt2KNZIIqxNMJ48RDZheGU5w1npu9dZHnPgTXB9iomeVRoD8O/jhRpnKsGrDschyNdkeh81BJJMH4Ctc6lnCCquoP/GzCzz33MMsNdid7vL/NIWaCsekQpW26FpWPi/tfj8nLA==',
  'paypal-cert-url': 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270',
  'paypal-auth-algo': 'SHA256withRSA',
};

function tokenEndpoint() {
  server.use(
    http.post(`${API}/v1/oauth2/token`, async ({ request }) => {
      const basic = `Basic ${Buffer.from('paypal-client:paypal-secret').toString('base64')}`;
      if (request.headers.get('authorization') !== basic)
        return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      expect(await request.text()).toBe('grant_type=client_credentials');
      return HttpResponse.json({
        scope: 'https://uri.paypal.com/services/payments',
        access_token: 'A21AAF-token',
        token_type: 'Bearer',
        expires_in: 32400,
      });
    }),
  );
}

function order(status: string, captureStatus?: string) {
  return {
    id: PAYPAL_ORDER,
    status,
    purchase_units: [
      {
        reference_id: ORDER_ID,
        custom_id: ORDER_ID,
        ...(captureStatus
          ? {
              payments: {
                captures: [
                  { id: '3C679366HH908993F', status: captureStatus, amount: { currency_code: 'EUR', value: '4.99' } },
                ],
              },
            }
          : {}),
      },
    ],
    links: [{ href: `${API}/v2/checkout/orders/${PAYPAL_ORDER}`, rel: 'self', method: 'GET' }],
  };
}

describe('PayPal: createCheckout', () => {
  it('creates an Orders v2 order to capture: bearer token, decimal amount, one order per Coko order', async () => {
    tokenEndpoint();
    let sent: { headers: Headers; body: unknown } | undefined;
    server.use(
      http.post(`${API}/v2/checkout/orders`, async ({ request }) => {
        sent = { headers: request.headers, body: await request.json() };
        return HttpResponse.json(
          {
            id: PAYPAL_ORDER,
            status: 'PAYER_ACTION_REQUIRED',
            payment_source: { paypal: {} },
            links: [
              { href: `${API}/v2/checkout/orders/${PAYPAL_ORDER}`, rel: 'self', method: 'GET' },
              {
                href: `https://www.sandbox.paypal.com/checkoutnow?token=${PAYPAL_ORDER}`,
                rel: 'payer-action',
                method: 'GET',
              },
            ],
          },
          { status: 200 },
        );
      }),
    );
    const checkout = await paypal.createCheckout(checkoutRequest({ amount: 499, currency: 'EUR' }));
    expect(checkout).toEqual({
      providerReference: PAYPAL_ORDER,
      checkoutUrl: `https://www.sandbox.paypal.com/checkoutnow?token=${PAYPAL_ORDER}`,
    });
    expect(sent?.headers.get('authorization')).toBe('Bearer A21AAF-token');
    expect(sent?.headers.get('paypal-request-id')).toBe(`checkout-${ORDER_ID}`);
    expect(sent?.body).toEqual({
      intent: 'CAPTURE',
      purchase_units: [
        {
          reference_id: ORDER_ID,
          custom_id: ORDER_ID,
          description: 'Les Soleils des indépendances',
          amount: { currency_code: 'EUR', value: '4.99' },
        },
      ],
      payment_source: {
        paypal: {
          experience_context: {
            return_url: `https://lecteur.example.sn/achat/retour?order=${ORDER_ID}&status=paid`,
            cancel_url: `https://lecteur.example.sn/achat/retour?order=${ORDER_ID}&status=failed`,
            user_action: 'PAY_NOW',
            shipping_preference: 'NO_SHIPPING',
          },
        },
      },
    });
    expect(paypal.currencies).not.toContain('XOF');
  });

  it('maps refused credentials and PayPal errors to typed errors', async () => {
    server.use(
      http.post(`${API}/v1/oauth2/token`, () => HttpResponse.json({ error: 'invalid_client' }, { status: 401 })),
    );
    await rejection(
      paypal.createCheckout(checkoutRequest({ amount: 499, currency: 'EUR' })),
      'ProviderAuthenticationError',
    );
    server.resetHandlers();
    tokenEndpoint();
    server.use(
      http.post(`${API}/v2/checkout/orders`, () =>
        HttpResponse.json(
          { name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'CURRENCY_NOT_SUPPORTED' }], debug_id: 'f1' },
          { status: 422 },
        ),
      ),
    );
    const refused = await rejection(
      paypal.createCheckout(checkoutRequest({ amount: 499, currency: 'EUR' })),
      'ProviderRejectedError',
    );
    expect(refused).toMatchObject({ httpStatus: 422, providerCode: 'UNPROCESSABLE_ENTITY' });
  });
});

describe('PayPal: verifyWebhook', () => {
  const capture = JSON.stringify({
    id: 'WH-2WR32451HC0233532-67976317FL4543714',
    event_version: '1.0',
    create_time: '2026-12-07T09:59:57.000Z',
    resource_type: 'capture',
    event_type: 'PAYMENT.CAPTURE.COMPLETED',
    summary: 'Payment completed for EUR 4.99 EUR',
    resource: {
      id: '3C679366HH908993F',
      status: 'COMPLETED',
      amount: { currency_code: 'EUR', value: '4.99' },
      custom_id: ORDER_ID,
      supplementary_data: { related_ids: { order_id: PAYPAL_ORDER } },
      final_capture: true,
    },
  });

  function verificationEndpoint(status: string) {
    const sent: string[] = [];
    server.use(
      http.post(`${API}/v1/notifications/verify-webhook-signature`, async ({ request }) => {
        expect(request.headers.get('authorization')).toBe('Bearer A21AAF-token');
        expect(request.headers.get('content-type')).toBe('application/json');
        sent.push(await request.text());
        return HttpResponse.json({ verification_status: status });
      }),
    );
    return sent;
  }

  it('asks PayPal to verify the transmission, sending the body back verbatim, and maps a capture to paid', async () => {
    tokenEndpoint();
    const sent = verificationEndpoint('SUCCESS');
    const event = await paypal.verifyWebhook(webhookInput(capture, TRANSMISSION, NOW));
    expect(event).toEqual({
      eventId: 'WH-2WR32451HC0233532-67976317FL4543714',
      type: 'PAYMENT.CAPTURE.COMPLETED',
      orderId: ORDER_ID,
      providerReference: PAYPAL_ORDER,
      status: 'paid',
      amount: 499,
      currency: 'EUR',
      occurredAt: new Date('2026-12-07T09:59:57.000Z'),
      payload: JSON.parse(capture),
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(`"webhook_event":${capture}}`);
    expect(JSON.parse(sent[0] ?? '')).toEqual({
      auth_algo: 'SHA256withRSA',
      cert_url: TRANSMISSION['paypal-cert-url'],
      transmission_id: TRANSMISSION['paypal-transmission-id'],
      transmission_sig: TRANSMISSION['paypal-transmission-sig'],
      transmission_time: TRANSMISSION['paypal-transmission-time'],
      webhook_id: WEBHOOK_ID,
      webhook_event: JSON.parse(capture),
    });
  });

  it('maps an approved order to no status (fetchStatus captures it) with the PayPal order as reference', async () => {
    tokenEndpoint();
    verificationEndpoint('SUCCESS');
    const approved = JSON.stringify({
      id: 'WH-APPROVED',
      event_type: 'CHECKOUT.ORDER.APPROVED',
      create_time: '2026-12-07T09:59:00Z',
      resource: {
        id: PAYPAL_ORDER,
        status: 'APPROVED',
        purchase_units: [{ reference_id: ORDER_ID, custom_id: ORDER_ID }],
      },
    });
    expect(paypal.confirmsByPolling).toBe(true);
    await expect(paypal.verifyWebhook(webhookInput(approved, TRANSMISSION, NOW))).resolves.toMatchObject({
      status: null,
      orderId: ORDER_ID,
      providerReference: PAYPAL_ORDER,
    });
  });

  it('refuses a webhook PayPal does not verify, and one without transmission headers (PayPal not asked)', async () => {
    tokenEndpoint();
    verificationEndpoint('FAILURE');
    const error = await rejection(
      paypal.verifyWebhook(webhookInput(capture, TRANSMISSION, NOW)),
      'WebhookVerificationError',
    );
    expect(error.message).toBe('PayPal did not verify the webhook signature');
    server.resetHandlers();
    const { 'paypal-transmission-sig': _, ...withoutSignature } = TRANSMISSION;
    const missing = await rejection(
      paypal.verifyWebhook(webhookInput(capture, withoutSignature, NOW)),
      'WebhookVerificationError',
    );
    expect(missing.message).toBe('Missing paypal-transmission-sig header');
  });

  it('answers a typed error when the verification API is down, so PayPal retries later', async () => {
    tokenEndpoint();
    server.use(
      http.post(`${API}/v1/notifications/verify-webhook-signature`, () => new HttpResponse(null, { status: 503 })),
    );
    await rejection(paypal.verifyWebhook(webhookInput(capture, TRANSMISSION, NOW)), 'ProviderUnavailableError');
  });
});

describe('PayPal: fetchStatus', () => {
  const query = { orderId: ORDER_ID, providerReference: PAYPAL_ORDER, amount: 499, currency: 'EUR' };

  it('captures an approved order once (PayPal-Request-Id) and reports the capture', async () => {
    tokenEndpoint();
    const captures: (string | null)[] = [];
    server.use(
      http.get(`${API}/v2/checkout/orders/${PAYPAL_ORDER}`, () => HttpResponse.json(order('APPROVED'))),
      http.post(`${API}/v2/checkout/orders/${PAYPAL_ORDER}/capture`, ({ request }) => {
        captures.push(request.headers.get('paypal-request-id'));
        return HttpResponse.json(order('COMPLETED', 'COMPLETED'), { status: 201 });
      }),
    );
    await expect(paypal.fetchStatus(query)).resolves.toEqual({ status: 'paid', providerReference: PAYPAL_ORDER });
    expect(captures).toEqual([`capture-${ORDER_ID}`]);
  });

  it('reads completed, pending, declined, refunded, voided and unapproved orders without capturing', async () => {
    tokenEndpoint();
    let answer = order('COMPLETED', 'COMPLETED');
    server.use(http.get(`${API}/v2/checkout/orders/${PAYPAL_ORDER}`, () => HttpResponse.json(answer)));
    const cases: [ReturnType<typeof order>, string][] = [
      [order('COMPLETED', 'COMPLETED'), 'paid'],
      [order('COMPLETED', 'PENDING'), 'pending'],
      [order('COMPLETED', 'DECLINED'), 'failed'],
      [order('COMPLETED', 'REFUNDED'), 'refunded'],
      [order('VOIDED'), 'failed'],
      [order('PAYER_ACTION_REQUIRED'), 'pending'],
    ];
    for (const [next, status] of cases) {
      answer = next;
      await expect(paypal.fetchStatus(query)).resolves.toEqual({ status, providerReference: PAYPAL_ORDER });
    }
  });
});
