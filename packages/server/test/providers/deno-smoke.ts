// Run by deno.unit.test.ts under the real Deno binary: the payment adapters, their registry and the
// configuration use only Web-standard APIs (fetch, crypto.subtle), as Supabase Edge Functions require.
import { loadConfig } from '../../src/config/index.ts';
import { paymentProvidersFromConfig, sandboxEvent, signSandboxEvent } from '../../src/providers/payments/index.ts';

const orderId = '0b4f8f5e-6f1d-4c55-9a43-3c0f1f0e2a11';
const sent: { url: string; authorization: string | null; body: unknown }[] = [];
const fakeWave: typeof fetch = async (input, init) => {
  const headers = new Headers(init?.headers);
  sent.push({ url: String(input), authorization: headers.get('authorization'), body: JSON.parse(String(init?.body)) });
  return Response.json({
    id: 'cos-deno',
    amount: '1500',
    currency: 'XOF',
    client_reference: orderId,
    checkout_status: 'open',
    payment_status: 'processing',
    wave_launch_url: 'https://pay.wave.com/c/cos-deno',
    when_expires: '2026-12-07T10:30:00Z',
  });
};

const config = loadConfig({
  COKO_JWT_SECRET: 'a-very-long-secret-value-for-tests-0123456789',
  WAVE_API_KEY: 'wave_sn_prod_deno',
  WAVE_WEBHOOK_SECRET: 'wave_sn_WHS_deno',
});
const providers = paymentProvidersFromConfig(config, { fetch: fakeWave });
const now = new Date();
const body = JSON.stringify(sandboxEvent({ orderId, amount: 1500, currency: 'XOF' }, 'approved', now));
const header = await signSandboxEvent(config.payments.sandbox.webhookSecret, body, now);
const event = await providers.get('sandbox')?.verifyWebhook({
  rawBody: body,
  headers: new Headers({ 'sandbox-signature': header }),
  now,
  secretFor: async () => null,
});
const tampered = await providers
  .get('sandbox')
  ?.verifyWebhook({
    rawBody: `${body} `,
    headers: new Headers({ 'sandbox-signature': header }),
    now,
    secretFor: async () => null,
  })
  .then(
    () => 'accepted',
    (error: Error) => error.name,
  );
const checkout = await providers.get('wave')?.createCheckout({
  orderId,
  amount: 1500,
  currency: 'XOF',
  description: 'Deno',
  customer: {},
  returnUrl: 'https://reader.example.sn/done',
  webhookUrl: 'https://coko.example.sn/functions/v1/api/v1/webhooks/wave',
});
console.log(JSON.stringify({ status: providers.status(), event: event?.status, tampered, checkout, sent }));
