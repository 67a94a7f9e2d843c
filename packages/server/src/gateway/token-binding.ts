import { unverifiedClaims } from './token-claims.ts';

/**
 * The `app_metadata.partner_id` claim of a user JWT, read without verifying the signature (PostgREST
 * verifies it next; a forged token fails there). `null`: the token names no partner; `undefined`: not
 * a readable JWT.
 */
export function tokenPartnerId(token: string): string | null | undefined {
  const claims = unverifiedClaims(token);
  if (!claims) return undefined;
  const partner = (claims.app_metadata as { partner_id?: unknown } | undefined)?.partner_id;
  return typeof partner === 'string' && partner !== '' ? partner : null;
}
