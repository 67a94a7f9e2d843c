// The one home of the claim sets of user access tokens: Supabase Auth's full set (docs/supabase-compat.md), which
// the dev stack's test and demo tokens imitate (mintUserToken), and the compact set of the API's partner sessions
// (TokenService), which keeps only what PostgREST, the database and the SDK read (docs/DECISIONS.md "Bytes per
// save"). Both share the claims policies read, so PostgREST's policies see one shape.

export const AUTHENTICATED_AUDIENCE = 'authenticated';

/** The claims of a Coko / Supabase user access token. */
export interface UserClaims {
  iss?: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  email?: string;
  phone?: string;
  role: string;
  app_metadata?: { provider?: string; partner_id?: string; [key: string]: unknown };
  user_metadata?: Record<string, unknown>;
  aal?: string;
  amr?: { method: string; timestamp: number }[];
  session_id?: string;
  is_anonymous?: boolean;
  [claim: string]: unknown;
}

/** The claims of a signed-in user's token, valid from `iat` to `exp` (seconds since the epoch). */
export function userClaims(input: {
  sub: string;
  iat: number;
  exp: number;
  issuer?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  appMetadata?: UserClaims['app_metadata'];
  userMetadata?: Record<string, unknown>;
  /** How the user signed in (`amr`): `coko-partner` for partner sessions. */
  method: string;
}): UserClaims {
  return {
    ...(input.issuer ? { iss: input.issuer } : {}),
    sub: input.sub,
    aud: AUTHENTICATED_AUDIENCE,
    exp: input.exp,
    iat: input.iat,
    email: input.email ?? '',
    phone: input.phone ?? '',
    role: 'authenticated',
    app_metadata: input.appMetadata ?? {},
    user_metadata: input.userMetadata ?? {},
    aal: 'aal1',
    amr: [{ method: input.method, timestamp: input.iat }],
    session_id: crypto.randomUUID(),
    is_anonymous: false,
  };
}

/**
 * The compact claims of a partner session: only what is read on Coko's paths, since the token rides on every
 * request (≈ 410 B instead of ≈ 765 B as ES256). PostgREST reads `role`, `aud` (`jwt-aud`) and `exp`; the
 * database reads `sub` (`auth.uid()`), `iat` (revocation in `private.check_request`) and
 * `app_metadata.partner_id` (partner binding and suspension); the SDK reads `exp`, `iat` and `sub`. Email,
 * phone and name live in `auth.users` and the profile (`GET /v1/me` reads them there); Supabase Auth's
 * `iss`, `email`, `phone`, `user_metadata`, `aal`, `amr`, `session_id`, `is_anonymous` and
 * `app_metadata.provider` are read by nothing on these paths and are left out.
 */
export function partnerSessionClaims(input: { sub: string; iat: number; exp: number; partnerId: string }): UserClaims {
  return {
    sub: input.sub,
    aud: AUTHENTICATED_AUDIENCE,
    role: 'authenticated',
    iat: input.iat,
    exp: input.exp,
    app_metadata: { partner_id: input.partnerId },
  };
}
