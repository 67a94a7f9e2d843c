import { describe, expect, it } from 'vitest';
import { isConfigError, loadConfig, loadNotificationsConfig } from '../../../src/config/index.ts';
import {
  memoryOutbox,
  notificationChannelsFromConfig,
  notificationChannelsReadiness,
} from '../../../src/providers/notifications/index.ts';
import { message, rejection, serviceAccount } from './helpers.ts';

const PRODUCTION = {
  COKO_ENV: 'production',
  DATABASE_URL: 'postgres://coko@db.internal:5432/coko',
  COKO_JWT_SECRET: 'a-very-long-secret-value-for-tests-0123456789',
  COKO_PUBLIC_URL: 'https://coko.example.sn',
};
const TWILIO = {
  TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  TWILIO_AUTH_TOKEN: 'twilio-auth-token',
  TWILIO_FROM: '+15017122661',
};
const AFRICASTALKING = { AFRICASTALKING_USERNAME: 'coko', AFRICASTALKING_API_KEY: 'atsk_key' };

function channels(env: Record<string, string>) {
  return notificationChannelsFromConfig(loadConfig(env), { fetch: async () => new Response(null, { status: 500 }) });
}

function configIssues(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (isConfigError(error)) return [...error.issues];
    throw error;
  }
  return [];
}

describe('notificationChannelsFromConfig', () => {
  it('outside production every channel is local (nothing reaches a real reader)', () => {
    const dev = channels({ SENDGRID_API_KEY: 'SG.key', EMAIL_FROM: 'lire@clairafrique.sn', ...TWILIO });
    expect(dev.status()).toEqual({
      email: 'on: local (in memory)',
      push: 'on: local (in memory)',
      sms: 'on: local (in memory)',
    });
    expect([dev.email?.name, dev.push?.name, dev.sms?.name]).toEqual(['local', 'local', 'local']);
  });

  it('in production, a channel without credentials is off and says which variables to set', () => {
    const prod = channels(PRODUCTION);
    expect(prod.email).toBeNull();
    expect(prod.push).toBeNull();
    expect(prod.sms).toBeNull();
    expect(prod.status()).toEqual({
      email: 'off: set EMAIL_PROVIDER (sendgrid or smtp) and its credentials',
      push: 'off: FCM_SERVICE_ACCOUNT not set',
      sms: 'off: set SMS_PROVIDER (twilio or africastalking) and its credentials',
    });
  });

  it('in production the provider whose credentials are set is chosen; a named one lacking them is off', () => {
    const { account } = serviceAccount();
    const prod = channels({
      ...PRODUCTION,
      SENDGRID_API_KEY: 'SG.key',
      EMAIL_FROM: 'Coko <no-reply@coko.example.sn>',
      FCM_SERVICE_ACCOUNT: JSON.stringify({ type: 'service_account', ...account }),
      ...AFRICASTALKING,
    });
    expect(prod.status()).toEqual({ email: 'on: sendgrid', push: 'on: fcm (coko-lecteur)', sms: 'on: africastalking' });
    expect([prod.email?.name, prod.push?.name, prod.sms?.name]).toEqual(['sendgrid', 'fcm', 'africastalking']);

    expect(channels({ ...PRODUCTION, SENDGRID_API_KEY: 'SG.key' }).status().email).toBe('off: EMAIL_FROM not set');
    expect(channels({ ...PRODUCTION, EMAIL_PROVIDER: 'smtp' }).status().email).toBe(
      'off: SMTP_URL, EMAIL_FROM not set',
    );
    expect(channels({ ...PRODUCTION, SMS_PROVIDER: 'twilio', TWILIO_FROM: '+15017122661' }).status().sms).toBe(
      'off: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN not set',
    );
    // Two SMS providers configured and none named: Coko does not guess which one bills the partner.
    expect(channels({ ...PRODUCTION, ...TWILIO, ...AFRICASTALKING }).sms).toBeNull();
    expect(channels({ ...PRODUCTION, ...TWILIO, ...AFRICASTALKING, SMS_PROVIDER: 'twilio' }).status().sms).toBe(
      'on: twilio',
    );
    expect(
      channels({ ...AFRICASTALKING, AFRICASTALKING_USERNAME: 'sandbox', SMS_PROVIDER: 'africastalking' }).status().sms,
    ).toBe('on: africastalking (sandbox)');
  });

  it('the local adapters write to the given outbox, once per (channel, idempotency key)', async () => {
    const outbox = memoryOutbox(() => new Date('2026-12-07T10:00:00Z'));
    const dev = notificationChannelsFromConfig(loadConfig({}), { local: outbox });
    expect(dev.status().email).toBe('on: local');
    const first = await dev.email?.send(message());
    const again = await dev.email?.send(message());
    await dev.sms?.send(message({ to: '+221771234567', subject: undefined }));
    await dev.push?.send(message({ to: 'device-token', data: { kind: 'welcome' } }));
    expect(again).toEqual(first);
    expect(outbox.entries().map((entry) => [entry.channel, entry.to, entry.id])).toEqual([
      ['email', 'awa.diop@example.sn', first?.providerMessageId],
      ['sms', '+221771234567', 'local-sms-2'],
      ['push', 'device-token', 'local-push-3'],
    ]);
    expect(outbox.entries()[2]).toMatchObject({
      data: { kind: 'welcome' },
      createdAt: new Date('2026-12-07T10:00:00Z'),
    });
    // The local SMS adapter checks E.164 like the real ones.
    await rejection(dev.sms?.send(message({ to: '771234567' })) ?? Promise.resolve(), 'PermanentSendError', {
      reason: 'invalid_recipient',
    });
  });

  it('/ready lists every channel; none on is "skipped", never an error', async () => {
    expect(await notificationChannelsReadiness(channels({}))()).toEqual({
      status: 'ok',
      channels: { email: 'on: local (in memory)', push: 'on: local (in memory)', sms: 'on: local (in memory)' },
    });
    expect(await notificationChannelsReadiness(channels(PRODUCTION))()).toMatchObject({
      status: 'skipped',
      reason: 'no notification channel is configured',
    });
  });
});

describe('notification variables', () => {
  it('refuse malformed values, naming the variable and never echoing the value', () => {
    const issues = configIssues({
      EMAIL_PROVIDER: 'mailgun',
      SENDGRID_API_KEY: 'secret-without-prefix',
      SMTP_URL: 'https://mail.example.sn',
      FCM_SERVICE_ACCOUNT: '{"project_id": "coko", "private_key": "secret-value"',
      SMS_PROVIDER: 'orange',
      TWILIO_ACCOUNT_SID: 'SK0123',
    });
    expect(Object.fromEntries(issues.map((issue) => [issue.variable, issue.message]))).toEqual({
      EMAIL_PROVIDER: 'must be one of sendgrid, smtp, local',
      SENDGRID_API_KEY: 'must start with SG.',
      SMTP_URL: 'must be an smtp:// or smtps:// URL',
      FCM_SERVICE_ACCOUNT: 'must be the service account key file as JSON',
      SMS_PROVIDER: 'must be one of twilio, africastalking, local',
      TWILIO_ACCOUNT_SID: 'must start with AC',
    });
    expect(JSON.stringify(issues)).not.toContain('secret');
  });

  it('a service account missing fields names them', () => {
    const issues = configIssues({ FCM_SERVICE_ACCOUNT: JSON.stringify({ project_id: 'coko', private_key: 'x' }) });
    expect(issues).toEqual([
      { variable: 'FCM_SERVICE_ACCOUNT', message: 'must be a service account key (check client_email, private_key)' },
    ]);
  });

  it('loadNotificationsConfig reads the channels alone (the worker has no public URL to require)', () => {
    const env = { COKO_ENV: 'production', ...AFRICASTALKING };
    expect(() => loadConfig(env)).toThrow(/DATABASE_URL: required in production/);
    expect(loadNotificationsConfig(env)).toEqual(loadConfig({ ...PRODUCTION, ...AFRICASTALKING }).notifications);
    expect(() => loadNotificationsConfig({ SMS_PROVIDER: 'orange', DATABASE_URL: 'mysql://x' })).toThrow(
      /SMS_PROVIDER: must be one of/,
    );
  });
});
