// Timestamped HMAC-SHA256 signatures in the `t=<unix seconds>,v1=<hex>` header format that Stripe, Wave
// and the sandbox share (they differ only in what is signed). WebCrypto only: Node and Deno alike.
import { timingSafeEqual } from '../../identity/api-keys.ts';
import { type ProviderName, WebhookVerificationError } from './port.ts';

/** Webhooks older (or further in the future) than this are refused: a captured one cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

/** Lower-case hex HMAC-SHA256 of `message` keyed with `secret`. */
export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** True when two strings are equal; the time taken does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(encoder.encode(a), encoder.encode(b));
}

/** `t=…,v1=…[,v1=…]` → the timestamp and every `v1` signature (several while a secret rotates); null if malformed. */
export function parseSignatureHeader(value: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const key = part.slice(0, separator).trim();
    const item = part.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(item)) timestamp = Number(item);
    else if (key === 'v1' && item !== '') signatures.push(item);
  }
  return timestamp === undefined || signatures.length === 0 ? null : { timestamp, signatures };
}

export interface TimestampedSignatureCheck {
  provider: ProviderName;
  headerName: string;
  headers: Headers;
  secret: string;
  /** What the provider signs for timestamp `t` (Stripe: `${t}.${body}`, Wave: `${t}${body}`). */
  signedPayload: (timestamp: string) => string;
  now: Date;
  toleranceSeconds?: number;
}

/** Checks a `t=…,v1=…` header; throws {@link WebhookVerificationError} saying what failed. */
export async function verifyTimestampedSignature(check: TimestampedSignatureCheck): Promise<void> {
  const { provider, headerName } = check;
  const header = check.headers.get(headerName);
  if (!header) throw new WebhookVerificationError(provider, `Missing ${headerName} header`);
  const parsed = parseSignatureHeader(header);
  if (!parsed) throw new WebhookVerificationError(provider, `Malformed ${headerName} header`);
  const age = Math.abs(check.now.getTime() / 1000 - parsed.timestamp);
  if (age > (check.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) {
    throw new WebhookVerificationError(provider, `The ${headerName} timestamp is outside the tolerance`);
  }
  const expected = await hmacSha256Hex(check.secret, check.signedPayload(String(parsed.timestamp)));
  // Compare with every candidate (no early exit) so the time does not tell which one matched.
  let valid = false;
  for (const signature of parsed.signatures) valid = constantTimeEqual(signature.toLowerCase(), expected) || valid;
  if (!valid) throw new WebhookVerificationError(provider, `The ${headerName} signature does not match`);
}

/** Builds a `t=…,v1=…` header value for `now`. */
export async function signTimestamped(
  secret: string,
  signedPayload: (timestamp: string) => string,
  now: Date,
): Promise<string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return `t=${timestamp},v1=${await hmacSha256Hex(secret, signedPayload(timestamp))}`;
}
