/**
 * The `app_metadata.partner_id` claim of a user JWT, read without verifying the signature (PostgREST
 * verifies it next; a forged token fails there). `null`: the token names no partner; `undefined`: not
 * a readable JWT.
 */
export function tokenPartnerId(token: string): string | null | undefined {
  const payload = token.split('.')[1];
  if (!payload || token.split('.').length !== 3) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (typeof claims !== 'object' || claims === null) return undefined;
    const partner = (claims as { app_metadata?: { partner_id?: unknown } }).app_metadata?.partner_id;
    return typeof partner === 'string' && partner !== '' ? partner : null;
  } catch {
    return undefined;
  }
}
