// The `Coko-Signature` header of partner webhooks: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`,
// one v1 per valid secret (two during a rotation's overlap). @coko/sdk/server's verifyWebhook() checks it.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Coko-Signature';

/** The header value for `body` sent at `timestamp` (unix seconds), signed with each of `secrets`. */
export function signWebhook(body: string, secrets: readonly string[], timestamp: number): string {
  const signed = `${timestamp}.${body}`;
  const v1 = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(signed).digest('hex')}`);
  return [`t=${timestamp}`, ...v1].join(',');
}
