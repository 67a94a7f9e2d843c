// Signed URLs of the local adapter: HMAC-SHA256 over bucket, path and expiry, with WebCrypto so the
// API verifies them the same way on Node and on Deno.

const encoder = new TextEncoder();

/** Signs and verifies `(bucket, path, exp)` triples; `exp` is a Unix time in seconds. */
export interface UrlSigner {
  sign(bucket: string, path: string, exp: number): Promise<string>;
  verify(bucket: string, path: string, exp: number, signature: string): Promise<boolean>;
}

function message(bucket: string, path: string, exp: number): Uint8Array<ArrayBuffer> {
  // Newlines cannot occur in a checked bucket or path, so no two triples share a message.
  return encoder.encode(`${bucket}\n${path}\n${exp}`);
}

function toBase64Url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function hmacKey(secret: string | Uint8Array<ArrayBuffer>, usages: KeyUsage[]): Promise<CryptoKey> {
  const raw = typeof secret === 'string' ? encoder.encode(secret) : secret;
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, usages);
}

/**
 * The signing secret every process derives from the project's JWT secret, so the API that signs and the
 * one that serves agree without another variable; the JWT key itself never signs a URL.
 */
export async function deriveSigningSecret(jwtSecret: string): Promise<Uint8Array<ArrayBuffer>> {
  const key = await hmacKey(jwtSecret, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode('coko storage signed urls v1')));
}

/**
 * A {@link UrlSigner} with `secret` (a string or derived bytes). Verification uses `subtle.verify`, which
 * compares in constant time.
 *
 * @example
 * ```ts
 * const signer = createUrlSigner(await deriveSigningSecret(config.jwtSecret))
 * const sig = await signer.sign('books', 'B/book.epub', 1_900_000_000)
 * ```
 */
export function createUrlSigner(
  secret: string | Uint8Array<ArrayBuffer> | Promise<string | Uint8Array<ArrayBuffer>>,
): UrlSigner {
  const key = Promise.resolve(secret).then((value) => hmacKey(value, ['sign', 'verify']));
  return {
    async sign(bucket, path, exp) {
      return toBase64Url(await crypto.subtle.sign('HMAC', await key, message(bucket, path, exp)));
    },
    async verify(bucket, path, exp, signature) {
      const bytes = fromBase64Url(signature);
      if (!bytes) return false;
      return crypto.subtle.verify('HMAC', await key, bytes, message(bucket, path, exp));
    },
  };
}
