/**
 * A new device id: 12 random bytes in base64url, 16 characters (96 bits: ample for telling one
 * reader's devices apart). It was a UUID (36 characters) — 20 bytes more in every progress save and
 * every synced change. Ids already stored (UUIDs) keep working: the column is text of 1–64 characters.
 */
export const newDeviceId = (): string =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(12))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
