// The one home of the claim set of a user access token, as Supabase Auth issues it (docs/supabase-compat.md):
// the API's partner sessions (TokenService) and the dev stack's test and demo tokens (mintUserToken)
// both build their claims here, so PostgREST's policies see one shape.

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
