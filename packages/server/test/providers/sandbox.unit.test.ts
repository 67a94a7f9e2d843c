import { describe, expect, it } from 'vitest';
import {
  sandboxEvent,
  sandboxProvider,
  signSandboxEvent,
  verifySandboxCheckoutToken,
} from '../../src/providers/payments/index.ts';
import { checkoutRequest, nodeSignature, ORDER_ID, OTHER_ORDER_ID, rejection, webhookInput } from './helpers.ts';

const SECRET = 'sandbox-secret-for-tests-0123456789abcdef';
const NOW = new Date('2026-12-07T10:00:00Z');
const sandbox = sandboxProvider({ secret: SECRET });

async function signed(outcome: 'approved' | 'declined', signedAt = NOW) {
  const body = JSON.stringify(sandboxEvent({ orderId: ORDER_ID, amount: 1500, currency: 'XOF' }, outcome, signedAt));
  return { body, header: await signSandboxEvent(SECRET, body, signedAt) };
}

describe('sandbox provider', () => {
  it('checks out on the API next to the webhook route, with a token that opens only that order', async () => {
    const session = await sandbox.createCheckout(
      checkoutRequest({ webhookUrl: 'https://coko.example.sn/functions/v1/api/v1/webhooks/sandbox' }),
    );
    const url = new URL(session.checkoutUrl);
    expect(`${url.origin}${url.pathname}`).toBe(
      `https://coko.example.sn/functions/v1/api/v1/sandbox/checkout/${ORDER_ID}`,
    );
    const token = url.searchParams.get('token') ?? '';
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(session.providerReference).toBe(`sbx_${ORDER_ID}`);
    expect(await verifySandboxCheckoutToken(SECRET, ORDER_ID, token)).toBe(true);
    expect(await verifySandboxCheckoutToken(SECRET, OTHER_ORDER_ID, token)).toBe(false);
    expect(await verifySandboxCheckoutToken('another-secret-0123456789abcdef0123', ORDER_ID, token)).toBe(false);
  });

  it('signs like Wave with a dot: t=…,v1=HMAC-SHA256(secret, t + "." + body)', async () => {
    const { body, header } = await signed('approved');
    const t = String(NOW.getTime() / 1000);
    expect(header).toBe(`t=${t},v1=${nodeSignature(SECRET, `${t}.${body}`)}`);
  });

  it('turns an approval into paid and a decline into failed', async () => {
    const approved = await signed('approved');
    const event = await sandbox.verifyWebhook(
      webhookInput(approved.body, { 'sandbox-signature': approved.header }, NOW),
    );
    expect(event).toMatchObject({
      eventId: `evt_${ORDER_ID}_approved`,
      type: 'checkout.approved',
      orderId: ORDER_ID,
      providerReference: `sbx_${ORDER_ID}`,
      status: 'paid',
      amount: 1500,
      currency: 'XOF',
      occurredAt: NOW,
    });
    expect(event.payload).toEqual(JSON.parse(approved.body));
    const declined = await signed('declined');
    const failed = await sandbox.verifyWebhook(
      webhookInput(declined.body, { 'sandbox-signature': declined.header }, NOW),
    );
    expect(failed).toMatchObject({ status: 'failed', eventId: `evt_${ORDER_ID}_declined` });
  });

  it('accepts a signature 299 s old and refuses one 301 s old, or from the future', async () => {
    const { body, header } = await signed('approved');
    const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    await expect(
      sandbox.verifyWebhook(webhookInput(body, { 'sandbox-signature': header }, later(299))),
    ).resolves.toMatchObject({
      status: 'paid',
    });
    const stale = await rejection(
      sandbox.verifyWebhook(webhookInput(body, { 'sandbox-signature': header }, later(301))),
      'WebhookVerificationError',
    );
    expect(stale.message).toContain('tolerance');
    await rejection(
      sandbox.verifyWebhook(webhookInput(body, { 'sandbox-signature': header }, later(-301))),
      'WebhookVerificationError',
    );
  });

  it('refuses a tampered body, another secret, a missing or malformed header', async () => {
    const { body, header } = await signed('declined');
    const tampered = body.replace('checkout.declined', 'checkout.approved');
    await rejection(
      sandbox.verifyWebhook(webhookInput(tampered, { 'sandbox-signature': header }, NOW)),
      'WebhookVerificationError',
    );
    const forged = await signSandboxEvent('guessed-secret-0123456789abcdef012345', body, NOW);
    await rejection(
      sandbox.verifyWebhook(webhookInput(body, { 'sandbox-signature': forged }, NOW)),
      'WebhookVerificationError',
    );
    const missing = await rejection(sandbox.verifyWebhook(webhookInput(body, {}, NOW)), 'WebhookVerificationError');
    expect(missing.message).toBe('Missing Sandbox-Signature header');
    await rejection(
      sandbox.verifyWebhook(webhookInput(body, { 'sandbox-signature': 'v1=abc' }, NOW)),
      'WebhookVerificationError',
    );
  });

  it('refuses a correctly signed body that is not a sandbox event', async () => {
    for (const body of ['not json', JSON.stringify({ id: 'x', type: 'checkout.refunded', orderId: ORDER_ID })]) {
      const header = await signSandboxEvent(SECRET, body, NOW);
      await rejection(
        sandbox.verifyWebhook(webhookInput(body, { 'sandbox-signature': header }, NOW)),
        'WebhookVerificationError',
      );
    }
  });

  it('reports an order nobody approved or declined as pending', async () => {
    await expect(
      sandbox.fetchStatus({ orderId: ORDER_ID, providerReference: `sbx_${ORDER_ID}`, amount: 1500, currency: 'XOF' }),
    ).resolves.toEqual({ status: 'pending' });
  });
});
