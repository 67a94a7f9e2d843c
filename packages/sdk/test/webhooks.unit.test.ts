// verifyWebhook(): the signature Coko's worker produces (packages/server/src/events/webhook-signature.ts)
// is accepted; a tampered body, a wrong secret, a stale timestamp or a malformed header is refused.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../src/server/index';

const SECRET = `whsec_${'ab'.repeat(32)}`;
const OTHER = `whsec_${'cd'.repeat(32)}`;
const NOW = Date.UTC(2026, 11, 8, 12, 0, 0);
const T = NOW / 1000;
const body = JSON.stringify({
  id: '42',
  type: 'reading.book_finished',
  createdAt: '2026-12-08T11:59:00.000Z',
  data: { userId: 'u', externalUserId: 'ext-1', bookId: 'b' },
});

const sign = (payload: string, secret: string, t = T) =>
  `v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;
const header = (payload = body, secrets = [SECRET], t = T) => [`t=${t}`, ...secrets.map((s) => sign(payload, s, t))].join(',');

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
}

describe('verifyWebhook', () => {
  it('returns the event of a valid webhook (string or bytes body)', async () => {
    const event = await verifyWebhook(body, header(), SECRET, { now: NOW });
    expect(event).toEqual(JSON.parse(body));
    const fromBytes = await verifyWebhook(new TextEncoder().encode(body), header(), SECRET, { now: new Date(NOW) });
    expect(fromBytes.type).toBe('reading.book_finished');
  });

  it('accepts any of several signatures and any of several secrets (rotation)', async () => {
    expect((await verifyWebhook(body, header(body, [OTHER, SECRET]), SECRET, { now: NOW })).id).toBe('42');
    expect((await verifyWebhook(body, header(body, [OTHER]), [SECRET, OTHER], { now: NOW })).id).toBe('42');
  });

  it('refuses a tampered body or another secret', async () => {
    expect(await reason(verifyWebhook(body.replace('ext-1', 'ext-2'), header(), SECRET, { now: NOW }))).toBe(
      'signature_mismatch',
    );
    expect(await reason(verifyWebhook(body, header(body, [OTHER]), SECRET, { now: NOW }))).toBe('signature_mismatch');
    // The timestamp is signed too: changing it breaks the signature.
    const moved = header().replace(`t=${T}`, `t=${T + 1}`);
    expect(await reason(verifyWebhook(body, moved, SECRET, { now: NOW }))).toBe('signature_mismatch');
  });

  it('refuses a stale or future timestamp beyond the tolerance', async () => {
    expect(await reason(verifyWebhook(body, header(body, [SECRET], T - 301), SECRET, { now: NOW }))).toBe('stale');
    expect(await reason(verifyWebhook(body, header(body, [SECRET], T + 301), SECRET, { now: NOW }))).toBe('stale');
    const old = header(body, [SECRET], T - 3000);
    expect((await verifyWebhook(body, old, SECRET, { now: NOW, toleranceSeconds: 3600 })).id).toBe('42');
  });

  it('refuses a missing or malformed header', async () => {
    for (const bad of [undefined, null, '', 'v1=abc', `t=${T}`, `t=abc,${sign(body, SECRET)}`, `t=${T},v1=zz`, 'garbage']) {
      expect(await reason(verifyWebhook(body, bad, SECRET, { now: NOW }))).toBe('malformed_header');
    }
  });

  it('refuses a correctly signed body that is not an event', async () => {
    const notEvent = JSON.stringify({ hello: 'world' });
    expect(await reason(verifyWebhook(notEvent, header(notEvent), SECRET, { now: NOW }))).toBe('malformed_body');
  });

  it('needs a secret', async () => {
    await expect(verifyWebhook(body, header(), '', { now: NOW })).rejects.toThrow(TypeError);
  });
});
