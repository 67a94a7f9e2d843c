// Signed unsubscribe links: `GET /v1/notifications/unsubscribe?token=…` turns one kind of email off for one reader,
// without a session (mail clients and List-Unsubscribe fetch the link as is). The token is
// base64url(JSON {u, k}) + "." + base64url(HMAC-SHA256). It does not expire: an unsubscribe link must keep working
// in an old email (RFC 8058 asks links to work "for a reasonable time"; nothing is gained by breaking them).
// WebCrypto, so the same code runs on Node and Deno.
import { z } from 'zod';
import { isNotificationKind, type NotificationKind } from './kinds.ts';

const encoder = new TextEncoder();

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const Payload = z.object({ u: z.uuid(), k: z.string() });

export interface UnsubscribeTokens {
  sign(userId: string, kind: NotificationKind): Promise<string>;
  /** The reader and kind, or null for a token that is malformed or not ours. */
  verify(token: string): Promise<{ userId: string; kind: NotificationKind } | null>;
}

/**
 * @example
 * ```ts
 * const tokens = unsubscribeTokens(secretBytes)
 * const url = `${apiBase}/v1/notifications/unsubscribe?token=${await tokens.sign(userId, 'badge_earned')}`
 * ```
 */
export function unsubscribeTokens(secret: Uint8Array): UnsubscribeTokens {
  const key = crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  return {
    async sign(userId, kind) {
      const payload = toBase64Url(encoder.encode(JSON.stringify({ u: userId, k: kind })));
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(`unsubscribe.${payload}`)));
      return `${payload}.${toBase64Url(mac)}`;
    },
    async verify(token) {
      const [payload, mac, extra] = token.split('.');
      if (!payload || !mac || extra !== undefined || token.length > 1000) return null;
      const macBytes = fromBase64Url(mac);
      const payloadBytes = fromBase64Url(payload);
      if (!macBytes || !payloadBytes) return null;
      const ok = await crypto.subtle.verify(
        'HMAC',
        await key,
        macBytes as BufferSource,
        encoder.encode(`unsubscribe.${payload}`),
      );
      if (!ok) return null;
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(payloadBytes));
      } catch {
        return null;
      }
      const parsed = Payload.safeParse(json);
      if (!parsed.success || !isNotificationKind(parsed.data.k)) return null;
      return { userId: parsed.data.u, kind: parsed.data.k };
    },
  };
}

/** The signing key from the JWT secret (its own purpose, so a leaked link key forges no token), else random. */
export async function unsubscribeSecret(jwtSecret: string | undefined): Promise<Uint8Array> {
  if (!jwtSecret) return crypto.getRandomValues(new Uint8Array(32));
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`coko-unsubscribe-v1:${jwtSecret}`));
  return new Uint8Array(digest);
}
