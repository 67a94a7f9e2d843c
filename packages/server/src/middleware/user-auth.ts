import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { checkSession } from '../identity/sessions.ts';
import { TokenError, type TokenService, type UserClaims } from '../identity/tokens.ts';

/** The signed-in user of a request (what {@link userAuth} puts on the context). */
export interface AuthenticatedUser {
  id: string;
  /** The partner whose backend minted the session (`app_metadata.partner_id`), if any. */
  partnerId: string | undefined;
  claims: UserClaims;
  /** The bearer token, to forward to PostgREST on the user's behalf. */
  accessToken: string;
}

/** The context of routes behind {@link userAuth}: `c.var.user`. */
export interface UserEnv {
  Variables: AppEnv['Variables'] & { user: AuthenticatedUser };
}

export interface UserAuthOptions {
  tokens: TokenService;
  db: Queryable;
}

function unauthorized(message: string, reason: string): ApiError {
  const description = message.replace(/["\\]/g, '');
  return new ApiError(401, 'AUTHENTICATION_ERROR', message, {
    details: { reason },
    headers: { 'WWW-Authenticate': `Bearer realm="coko", error="invalid_token", error_description="${description}"` },
  });
}

/**
 * Authenticates a signed-in user by the access token in `Authorization: Bearer <jwt>` (a partner session or a
 * Supabase Auth session): signature by one of the project's keys (HS256 secret, ES256/RS256 by `kid`),
 * `aud: authenticated`, not expired; then the same checks as the database's PostgREST pre-request
 * (`private.check_request`): the account is not deleted, the token was issued after the user's sessions were
 * last revoked, and the partner that minted it is not suspended. Anything else is 401.
 *
 * @example
 * ```ts
 * const route = createRoute({ method: 'get', path: '/v1/me/export', middleware: [userAuth({ tokens, db })], … })
 * app.openapi(route, (c) => c.json({ id: c.var.user.id }))
 * ```
 */
export function userAuth(options: UserAuthOptions): MiddlewareHandler<UserEnv> {
  const { tokens, db } = options;
  return async function userAuth(c, next) {
    const token = c.req.header('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!token) throw unauthorized('Send the user access token as "Authorization: Bearer <token>"', 'missing');
    let claims: UserClaims;
    try {
      claims = await tokens.verify(token);
    } catch (error) {
      if (error instanceof TokenError) throw unauthorized(error.message, error.reason);
      throw error;
    }
    const partnerId = claims.app_metadata?.partner_id;
    if (partnerId !== undefined && typeof partnerId !== 'string') throw unauthorized('The token is invalid', 'claims');
    const refusal = await checkSession(db, { userId: claims.sub, issuedAt: claims.iat, partnerId });
    if (refusal) throw unauthorized(refusal.message, refusal.reason);
    c.set('user', { id: claims.sub, partnerId, claims, accessToken: token });
    await next();
  };
}
