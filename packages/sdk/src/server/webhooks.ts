// Verification of Coko's partner webhooks (`Coko-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`).
// WebCrypto only (browsers, Deno, Node ≥ 18, workers); the HMAC is checked by crypto.subtle.verify, which
// compares in constant time.

/** A webhook as Coko sends it (the verified, parsed body). */
export interface WebhookEvent<Data extends Record<string, unknown> = Record<string, unknown>> {
  /** The event id: the same across retries; drop events you already handled. */
  id: string;
  /** `reading.book_finished`, `order.paid`, `user.registered`… (README "Events and partner webhooks"). */
  type: string;
  /** When it happened (ISO 8601). */
  createdAt: string;
  /** The facts, with `userId` (Coko's) and `externalUserId` (yours, when the reader came through you). */
  data: Data;
}

export type WebhookVerificationFailure =
  /** The header is missing or not `t=…,v1=…`. */
  | 'malformed_header'
  /** The timestamp is further than `toleranceSeconds` from now (a replay, or a clock off). */
  | 'stale'
  /** No signature matches the body with this secret (wrong secret, or the body was changed: verify the raw bytes). */
  | 'signature_mismatch'
  /** Signed correctly but not an event (should not happen). */
  | 'malformed_body';

/** Why a webhook was refused; answer it with HTTP 400. */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationFailure;
  constructor(reason: WebhookVerificationFailure, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

export interface VerifyWebhookOptions {
  /** Largest accepted distance between the signature's timestamp and now (default 300 s). */
  toleranceSeconds?: number;
  /** The current time (default: the clock), for tests. */
  now?: Date | number;
}

const encoder = new TextEncoder();

/**
 * Checks that a webhook comes from Coko and is fresh, then returns its event. Pass the body exactly as
 * received (before any JSON parsing) and the `Coko-Signature` header. `secret` may be a list while you
 * move to a new secret.
 *
 * @throws `WebhookVerificationError` with a `reason`.
 *
 * @example
 * ```ts
 * app.post('/coko/webhooks', express.raw({ type: 'application/json' }), async (req, res) => {
 *   try {
 *     const event = await verifyWebhook(req.body, req.get('coko-signature'), process.env.COKO_WEBHOOK_SECRET!)
 *     await handle(event) // idempotent by event.id
 *     res.sendStatus(204)
 *   } catch (error) {
 *     if (error instanceof WebhookVerificationError) res.status(400).send(error.reason)
 *     else throw error
 *   }
 * })
 * ```
 */
export async function verifyWebhook<Data extends Record<string, unknown> = Record<string, unknown>>(
  rawBody: string | Uint8Array | ArrayBuffer,
  signatureHeader: string | null | undefined,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent<Data>> {
  const { timestamp, signatures } = parseHeader(signatureHeader);
  const tolerance = options.toleranceSeconds ?? 300;
  const now = Math.floor((options.now === undefined ? Date.now() : Number(options.now)) / 1000);
  if (Math.abs(now - timestamp) > tolerance) {
    throw new WebhookVerificationError('stale', `Webhook timestamp is more than ${tolerance} s away from now`);
  }
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : new Uint8Array(rawBody);
  const signed = concat(encoder.encode(`${timestamp}.`), body);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (!secrets.length || secrets.some((s) => typeof s !== 'string' || s === '')) {
    throw new TypeError('verifyWebhook needs the webhook secret (whsec_…)');
  }
  let matched = false;
  for (const key of secrets) {
    const cryptoKey = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    for (const signature of signatures) {
      // Every candidate is checked (no early exit on the first miss): timing says nothing about which matched.
      if (await crypto.subtle.verify('HMAC', cryptoKey, signature, signed)) matched = true;
    }
  }
  if (!matched) throw new WebhookVerificationError('signature_mismatch', 'No webhook signature matches this secret');
  return parseEvent<Data>(body);
}

function parseHeader(header: string | null | undefined): { timestamp: number; signatures: Uint8Array<ArrayBuffer>[] } {
  if (typeof header !== 'string' || header.length > 4096) {
    throw new WebhookVerificationError('malformed_header', 'Missing Coko-Signature header');
  }
  let timestamp: number | undefined;
  const signatures: Uint8Array<ArrayBuffer>[] = [];
  for (const part of header.split(',')) {
    const index = part.indexOf('=');
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (index < 0) continue;
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(hexToBytes(value));
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError('malformed_header', 'Coko-Signature must be t=<unix seconds>,v1=<hex>');
  }
  return { timestamp, signatures };
}

function parseEvent<Data extends Record<string, unknown>>(body: Uint8Array): WebhookEvent<Data> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new WebhookVerificationError('malformed_body', 'Webhook body is not JSON');
  }
  const event = value as Partial<WebhookEvent<Data>> | null;
  if (
    !event ||
    typeof event !== 'object' ||
    typeof event.id !== 'string' ||
    typeof event.type !== 'string' ||
    typeof event.createdAt !== 'string' ||
    !event.data ||
    typeof event.data !== 'object' ||
    Array.isArray(event.data)
  ) {
    throw new WebhookVerificationError('malformed_body', 'Webhook body is not a Coko event');
  }
  return { id: event.id, type: event.type, createdAt: event.createdAt, data: event.data };
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
