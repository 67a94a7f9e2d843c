import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ORANGE_MONEY_SANDBOX_API_URL, orangeMoneyProvider } from '../../src/providers/payments/index.ts';
import {
  checkoutRequest,
  ORDER_ID,
  OTHER_ORDER_ID,
  providerServer,
  rejection,
  viaMsw,
  webhookInput,
} from './helpers.ts';

// Shapes from Orange Developer's "Orange Money WebPay" API: POST /oauth/v3/token (client credentials),
// POST /orange-money-webpay/{country}/v1/webpayment and /transactionstatus; the notification to notif_url.
const TOKEN_URL = 'https://api.orange.com/oauth/v3/token';
const DEV = ORANGE_MONEY_SANDBOX_API_URL;
const CLIENT = { clientId: 'om-client-id', clientSecret: 'om-client-secret', merchantKey: 'e9afd305' };
const NOTIF_TOKEN = 'dd497bda3b250e536186fc0663f32f40';
const PAY_TOKEN = 'v1d7cbd5b1e8e1b2c3dd0d0bb0c2df7b8a0fbb9c19c13b4bf7f5b1c66b7d2b1a7';
const NOW = new Date('2026-12-07T10:00:00Z');

const server = providerServer();

function orange(apiUrl = DEV, clock = { now: NOW }) {
  return orangeMoneyProvider({ ...CLIENT, apiUrl, fetch: viaMsw, now: () => clock.now });
}

/** Token endpoint that counts its calls and checks Basic auth and the form body. */
function tokenEndpoint() {
  const calls = { count: 0 };
  server.use(
    http.post(TOKEN_URL, async ({ request }) => {
      calls.count += 1;
      const basic = `Basic ${Buffer.from('om-client-id:om-client-secret').toString('base64')}`;
      if (request.headers.get('authorization') !== basic)
        return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      expect(request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
      expect(await request.text()).toBe('grant_type=client_credentials');
      return HttpResponse.json({ token_type: 'Bearer', access_token: `om-token-${calls.count}`, expires_in: 3600 });
    }),
  );
  return calls;
}

function webpayment(apiUrl = DEV) {
  const sent: { authorization: string | null; body: Record<string, unknown> }[] = [];
  server.use(
    http.post(`${apiUrl}/webpayment`, async ({ request }) => {
      sent.push({
        authorization: request.headers.get('authorization'),
        body: (await request.json()) as Record<string, unknown>,
      });
      return HttpResponse.json(
        {
          status: 201,
          message: 'OK',
          pay_token: PAY_TOKEN,
          payment_url: `https://mpayment.orange-money.com/mpayment-otp/login?pay_token=${PAY_TOKEN}`,
          notif_token: NOTIF_TOKEN,
        },
        { status: 201 },
      );
    }),
  );
  return sent;
}

describe('Orange Money: createCheckout', () => {
  it('gets a token with Basic auth, then starts a web payment in OUV on the dev sandbox', async () => {
    tokenEndpoint();
    const sent = webpayment();
    const checkout = await orange().createCheckout(
      checkoutRequest({ webhookUrl: 'https://coko.example.sn/functions/v1/api/v1/webhooks/orange_money' }),
    );
    expect(checkout).toEqual({
      providerReference: PAY_TOKEN,
      checkoutUrl: `https://mpayment.orange-money.com/mpayment-otp/login?pay_token=${PAY_TOKEN}`,
      secret: NOTIF_TOKEN,
    });
    expect(sent).toEqual([
      {
        authorization: 'Bearer om-token-1',
        body: {
          merchant_key: 'e9afd305',
          currency: 'OUV',
          order_id: ORDER_ID,
          amount: 1500,
          return_url: `https://lecteur.example.sn/achat/retour?order=${ORDER_ID}&status=paid`,
          cancel_url: `https://lecteur.example.sn/achat/retour?order=${ORDER_ID}&status=failed`,
          notif_url: `https://coko.example.sn/functions/v1/api/v1/webhooks/orange_money?order=${ORDER_ID}`,
          lang: 'fr',
          reference: 'Les Soleils des indépendances',
        },
      },
    ]);
  });

  it('sends XOF on a country API and reuses the token until shortly before it expires', async () => {
    const senegal = 'https://api.orange.com/orange-money-webpay/sn/v1';
    const tokens = tokenEndpoint();
    const sent = webpayment(senegal);
    const clock = { now: NOW };
    const provider = orange(senegal, clock);
    await provider.createCheckout(checkoutRequest());
    clock.now = new Date(NOW.getTime() + 3_500_000);
    await provider.createCheckout(checkoutRequest({ orderId: OTHER_ORDER_ID }));
    expect(tokens.count).toBe(1);
    clock.now = new Date(NOW.getTime() + 3_560_000);
    await provider.createCheckout(checkoutRequest({ orderId: OTHER_ORDER_ID }));
    expect(tokens.count).toBe(2);
    expect(sent.map((call) => [call.body.currency, call.authorization])).toEqual([
      ['XOF', 'Bearer om-token-1'],
      ['XOF', 'Bearer om-token-1'],
      ['XOF', 'Bearer om-token-2'],
    ]);
  });

  it('shares one token request between concurrent checkouts and does not cache a failure', async () => {
    const tokens = tokenEndpoint();
    webpayment();
    const provider = orange();
    await Promise.all([provider.createCheckout(checkoutRequest()), provider.createCheckout(checkoutRequest())]);
    expect(tokens.count).toBe(1);

    server.resetHandlers(http.post(TOKEN_URL, () => HttpResponse.json({ error: 'invalid_client' }, { status: 401 })));
    const fresh = orange();
    const error = await rejection(fresh.createCheckout(checkoutRequest()), 'ProviderAuthenticationError');
    expect(error).toMatchObject({ provider: 'orange_money', httpStatus: 401, providerCode: 'invalid_client' });
    server.resetHandlers();
    tokenEndpoint();
    webpayment();
    await expect(fresh.createCheckout(checkoutRequest())).resolves.toMatchObject({ secret: NOTIF_TOKEN });
  });

  it('retries once with a new token when Orange revokes the cached one, then gives up', async () => {
    const tokens = tokenEndpoint();
    const seen: (string | null)[] = [];
    let accepted = 'Bearer om-token-2';
    server.use(
      http.post(`${DEV}/webpayment`, ({ request }) => {
        seen.push(request.headers.get('authorization'));
        if (request.headers.get('authorization') !== accepted) {
          return HttpResponse.json({ code: 42, message: 'Expired credentials' }, { status: 401 });
        }
        return HttpResponse.json({
          pay_token: PAY_TOKEN,
          payment_url: 'https://mpayment.orange-money.com/p',
          notif_token: NOTIF_TOKEN,
        });
      }),
    );
    const provider = orange();
    await expect(provider.createCheckout(checkoutRequest())).resolves.toMatchObject({ providerReference: PAY_TOKEN });
    expect(seen).toEqual(['Bearer om-token-1', 'Bearer om-token-2']);
    expect(tokens.count).toBe(2);

    accepted = 'nobody';
    await rejection(provider.createCheckout(checkoutRequest()), 'ProviderAuthenticationError');
    expect(seen.slice(2)).toEqual(['Bearer om-token-2', 'Bearer om-token-3']);
  });

  it('maps a refused or failing web payment to typed errors', async () => {
    tokenEndpoint();
    server.use(
      http.post(`${DEV}/webpayment`, () => HttpResponse.json({ code: 1, message: 'Bad request' }, { status: 400 })),
    );
    await rejection(orange().createCheckout(checkoutRequest()), 'ProviderRejectedError');
    server.use(http.post(`${DEV}/webpayment`, () => new HttpResponse(null, { status: 503 })));
    await rejection(orange().createCheckout(checkoutRequest()), 'ProviderUnavailableError');
  });
});

describe('Orange Money: verifyWebhook', () => {
  const url = `https://coko.example.sn/functions/v1/api/v1/webhooks/orange_money?order=${ORDER_ID}`;
  const notification = (token: string, status = 'SUCCESS') =>
    JSON.stringify({ status, notif_token: token, txnid: 'MP150709.1341.A00073' });
  const lookups: unknown[] = [];
  const secretFor = async (reference: { orderId?: string }) => {
    lookups.push(reference);
    return reference.orderId === ORDER_ID ? NOTIF_TOKEN : null;
  };

  it('accepts the stored notif_token; its status is a hint the job confirms', async () => {
    const provider = orange();
    expect(provider.confirmsByPolling).toBe(true);
    const event = await provider.verifyWebhook(webhookInput(notification(NOTIF_TOKEN), {}, NOW, { url, secretFor }));
    expect(lookups).toContainEqual({ orderId: ORDER_ID });
    expect(event).toEqual({
      eventId: `${ORDER_ID}:SUCCESS:MP150709.1341.A00073`,
      type: 'SUCCESS',
      orderId: ORDER_ID,
      providerReference: null,
      status: 'paid',
      occurredAt: NOW,
      payload: JSON.parse(notification(NOTIF_TOKEN)),
    });
    const failed = await provider.verifyWebhook(
      webhookInput(notification(NOTIF_TOKEN, 'FAILED'), {}, NOW, { url, secretFor }),
    );
    expect(failed.status).toBe('failed');
  });

  it('refuses a wrong token, an order without a token, and a URL that names no order', async () => {
    const provider = orange();
    const wrong = await rejection(
      provider.verifyWebhook(webhookInput(notification(`${NOTIF_TOKEN.slice(0, -1)}1`), {}, NOW, { url, secretFor })),
      'WebhookVerificationError',
    );
    expect(wrong.message).toBe('The notif_token does not match');
    const otherOrder = url.replace(ORDER_ID, OTHER_ORDER_ID);
    await rejection(
      provider.verifyWebhook(webhookInput(notification(NOTIF_TOKEN), {}, NOW, { url: otherOrder, secretFor })),
      'WebhookVerificationError',
    );
    for (const bad of [undefined, url.split('?')[0], `${url.split('?')[0]}?order=not-a-uuid`]) {
      await rejection(
        provider.verifyWebhook(webhookInput(notification(NOTIF_TOKEN), {}, NOW, { url: bad, secretFor })),
        'WebhookVerificationError',
      );
    }
    await rejection(
      provider.verifyWebhook(webhookInput('status=SUCCESS', {}, NOW, { url, secretFor })),
      'WebhookVerificationError',
    );
  });
});

describe('Orange Money: fetchStatus', () => {
  const order = { orderId: ORDER_ID, providerReference: PAY_TOKEN, amount: 1500, currency: 'XOF' };

  it('asks transactionstatus with the order id, amount and pay_token', async () => {
    tokenEndpoint();
    const sent: unknown[] = [];
    let answer = 'SUCCESS';
    server.use(
      http.post(`${DEV}/transactionstatus`, async ({ request }) => {
        expect(request.headers.get('authorization')).toBe('Bearer om-token-1');
        sent.push(await request.json());
        return HttpResponse.json(
          { status: answer, order_id: ORDER_ID, txnid: 'MP150709.1341.A00073' },
          { status: 201 },
        );
      }),
    );
    const provider = orange();
    const expected: Record<string, string> = {
      SUCCESS: 'paid',
      FAILED: 'failed',
      EXPIRED: 'expired',
      INITIATED: 'pending',
      PENDING: 'pending',
    };
    for (const [status, mapped] of Object.entries(expected)) {
      answer = status;
      await expect(provider.fetchStatus(order)).resolves.toEqual({ status: mapped, providerReference: PAY_TOKEN });
    }
    expect(sent[0]).toEqual({ order_id: ORDER_ID, amount: 1500, pay_token: PAY_TOKEN });
  });

  it('cannot ask without a pay_token: the order stays pending, no call is made', async () => {
    await expect(orange().fetchStatus({ ...order, providerReference: null })).resolves.toEqual({ status: 'pending' });
  });
});
