import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import {
  PAYPAL_LIVE_API_URL,
  paymentProvidersFromConfig,
  paymentsReadiness,
  signSandboxEvent,
} from '../../src/providers/payments/index.ts';
import { webhookInput } from './helpers.ts';

const JWT_SECRET = 'a-very-long-secret-value-for-tests-0123456789';
const production = {
  COKO_ENV: 'production',
  DATABASE_URL: 'postgresql://api:pa55word@db.internal:5432/coko',
  COKO_JWT_SECRET: JWT_SECRET,
  COKO_PUBLIC_URL: 'https://coko.example.com',
};
const credentials = {
  WAVE_API_KEY: 'wave_sn_prod_key',
  WAVE_WEBHOOK_SECRET: 'wave_sn_WHS_secret',
  ORANGE_MONEY_CLIENT_ID: 'om-id',
  ORANGE_MONEY_CLIENT_SECRET: 'om-secret',
  ORANGE_MONEY_MERCHANT_KEY: 'om-merchant',
  ORANGE_MONEY_API_URL: 'https://api.orange.com/orange-money-webpay/sn/v1',
  STRIPE_SECRET_KEY: 'sk_live_key',
  STRIPE_WEBHOOK_SECRET: 'whsec_secret',
  PAYPAL_CLIENT_ID: 'pp-id',
  PAYPAL_CLIENT_SECRET: 'pp-secret',
  PAYPAL_WEBHOOK_ID: 'WH1',
};

describe('paymentProvidersFromConfig', () => {
  it('in development: the sandbox is on, every provider without credentials is off and says which are missing', () => {
    const providers = paymentProvidersFromConfig(loadConfig({}));
    expect(providers.status()).toEqual({
      sandbox: 'on',
      wave: 'off: WAVE_API_KEY, WAVE_WEBHOOK_SECRET not set',
      orange_money: 'off: ORANGE_MONEY_CLIENT_ID, ORANGE_MONEY_CLIENT_SECRET, ORANGE_MONEY_MERCHANT_KEY not set',
      stripe: 'off: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET not set',
      paypal: 'off: PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET, PAYPAL_WEBHOOK_ID not set',
    });
    expect(providers.get('sandbox')?.name).toBe('sandbox');
    expect(providers.get('wave')).toBeUndefined();
    expect(providers.get('bitcoin')).toBeUndefined();
    expect(providers.get('__proto__')).toBeUndefined();
  });

  it('in production: the sandbox is off unless asked for; configured providers are on', () => {
    const providers = paymentProvidersFromConfig(loadConfig({ ...production, ...credentials }));
    expect(providers.status()).toEqual({
      sandbox: 'off: PAYMENTS_SANDBOX is off',
      wave: 'on',
      orange_money: 'on',
      stripe: 'on',
      paypal: 'on',
    });
    for (const name of ['wave', 'orange_money', 'stripe', 'paypal']) expect(providers.get(name)?.name).toBe(name);
    const demo = paymentProvidersFromConfig(loadConfig({ ...production, PAYMENTS_SANDBOX: 'on' }));
    expect(demo.status().sandbox).toBe('on');
  });

  it('a partly configured provider is off, naming only what is missing; Orange Money needs its country URL in production', () => {
    const { WAVE_WEBHOOK_SECRET: _, ORANGE_MONEY_API_URL: __, ...partial } = credentials;
    const status = paymentProvidersFromConfig(loadConfig({ ...production, ...partial })).status();
    expect(status.wave).toBe('off: WAVE_WEBHOOK_SECRET not set');
    expect(status.orange_money).toBe('off: ORANGE_MONEY_API_URL not set');
    expect(JSON.stringify(status)).not.toContain('wave_sn_prod_key');
  });

  it('reports each state in /ready without ever failing it', async () => {
    await expect(paymentsReadiness(paymentProvidersFromConfig(loadConfig({})))()).resolves.toMatchObject({
      status: 'ok',
      providers: { sandbox: 'on' },
    });
    await expect(paymentsReadiness(paymentProvidersFromConfig(loadConfig(production)))()).resolves.toMatchObject({
      status: 'skipped',
      reason: 'no payment provider is configured',
    });
  });

  it('signs sandbox webhooks with one secret that every process derives from the JWT secret', async () => {
    const first = paymentProvidersFromConfig(loadConfig({ COKO_JWT_SECRET: JWT_SECRET }));
    const second = loadConfig({ COKO_JWT_SECRET: JWT_SECRET });
    const body = JSON.stringify({
      id: 'evt_1',
      type: 'checkout.approved',
      orderId: '0b4f8f5e-6f1d-4c55-9a43-3c0f1f0e2a11',
      amount: 1500,
      currency: 'XOF',
      createdAt: '2026-12-07T10:00:00.000Z',
    });
    const now = new Date('2026-12-07T10:00:00Z');
    const header = await signSandboxEvent(second.payments.sandbox.webhookSecret, body, now);
    await expect(
      first.get('sandbox')?.verifyWebhook(webhookInput(body, { 'sandbox-signature': header }, now)),
    ).resolves.toMatchObject({ status: 'paid' });
    expect(second.payments.sandbox.webhookSecret).not.toBe(JWT_SECRET);
  });

  it('uses the live PayPal API in production and the sandbox elsewhere', () => {
    expect(loadConfig(production).payments.paypal.apiUrl).toBe(PAYPAL_LIVE_API_URL);
    expect(loadConfig({}).payments.paypal.apiUrl).toBe('https://api-m.sandbox.paypal.com');
  });
});
