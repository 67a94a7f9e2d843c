// Partner API keys: `pk_<keyId>_<secret>` (publishable, browser-safe, maps to anon at the gateway) and
// `sk_<keyId>_<secret>` (secret, server-side only, mints user sessions). `keyId` (16 base62 chars) is the
// public lookup part stored in clear; the whole key is stored only as its SHA-256 and compared in
// constant time. Web Crypto only (no `node:crypto`), so the same code runs on Node and on Deno (Supabase
// Edge Functions) and type-checks there without @types/node.

export type ApiKeyKind = 'publishable' | 'secret';

const PREFIX: Record<ApiKeyKind, 'pk' | 'sk'> = { publishable: 'pk', secret: 'sk' };
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_ID_LENGTH = 16;
export const KEY_SECRET_LENGTH = 32;
const KEY_PATTERN = /^(pk|sk)_([0-9A-Za-z]{16})_([0-9A-Za-z]{32})$/;

export interface GeneratedApiKey {
  kind: ApiKeyKind;
  /** The whole key: show it once, never store it. */
  key: string;
  /** The public lookup part (`partner_keys.key_id`). */
  keyId: string;
  /** Hex SHA-256 of the whole key (`partner_keys.key_hash`). */
  hash: string;
}

export interface ParsedApiKey {
  kind: ApiKeyKind;
  keyId: string;
}

/** `length` uniformly random base62 characters (rejection sampling: no modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    // getRandomValues gives at most 65 536 bytes per call.
    const bytes = crypto.getRandomValues(new Uint8Array(Math.min(65_536, (length - out.length) * 2)));
    for (const byte of bytes) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/**
 * A new partner key (190 bits of secret randomness) with its id and hash.
 *
 * @example
 * ```ts
 * const { key, keyId, hash } = await generateApiKey('secret') // key = 'sk_3kTMd8Qx1LpZ0aVe_…'
 * ```
 */
export async function generateApiKey(kind: ApiKeyKind): Promise<GeneratedApiKey> {
  const keyId = randomBase62(KEY_ID_LENGTH);
  const key = `${PREFIX[kind]}_${keyId}_${randomBase62(KEY_SECRET_LENGTH)}`;
  return { kind, key, keyId, hash: await hashApiKey(key) };
}

/** The kind and key id of a well-formed partner key, or `undefined` (never throws, never echoes the key). */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  return { kind: match[1] === 'pk' ? 'publishable' : 'secret', keyId: match[2] as string };
}

async function sha256(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)));
}

/** Hex SHA-256 of the whole key, as stored in `partner_keys.key_hash`. */
export async function hashApiKey(key: string): Promise<string> {
  return Array.from(await sha256(key), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * `crypto.timingSafeEqual` without `node:crypto`: looks at every byte (no early exit), so the time taken
 * does not depend on where the inputs differ. Inputs of different lengths are unequal.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** True when `key` hashes to `storedHash`; the comparison takes the same time wherever the hashes differ. */
export async function verifyApiKey(key: string, storedHash: string): Promise<boolean> {
  const presented = await sha256(key);
  const wellFormed = /^[0-9a-f]{64}$/i.test(storedHash);
  const stored = new Uint8Array(32);
  if (wellFormed) for (let i = 0; i < 32; i++) stored[i] = Number.parseInt(storedHash.slice(i * 2, i * 2 + 2), 16);
  // A malformed stored hash still costs one comparison, then fails.
  return timingSafeEqual(presented, stored) && wellFormed;
}
