import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { type AuthenticatedPartner, authenticatePartnerKey, PartnerKeyError } from '../identity/partners.ts';

/** The context of routes behind {@link partnerAuth}: `c.var.partner`. */
export interface PartnerEnv {
  Variables: AppEnv['Variables'] & { partner: AuthenticatedPartner };
}

export interface PartnerAuthOptions {
  db: Queryable;
  /** Refuse requests that carry an `Origin` header (browsers): secret keys are for servers. Default true. */
  refuseBrowsers?: boolean;
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="coko"' };

function unauthorized(message: string, reason: string): ApiError {
  return new ApiError(401, 'AUTHENTICATION_ERROR', message, { details: { reason }, headers: CHALLENGE });
}

/**
 * Authenticates a partner's backend by its secret key (`Authorization: Bearer sk_…`) and sets `c.var.partner`.
 * Unknown, revoked or expired keys and suspended partners get 401 in the error format. The key is never logged
 * or echoed; only its public key id (`c.var.partner.keyId`) is.
 *
 * @example
 * ```ts
 * const route = createRoute({ method: 'post', path: '/v1/sessions', middleware: [partnerAuth({ db })], … })
 * app.openapi(route, (c) => c.json({ partner: c.var.partner.slug }))
 * ```
 */
export function partnerAuth(options: PartnerAuthOptions): MiddlewareHandler<PartnerEnv> {
  const { db, refuseBrowsers } = { refuseBrowsers: true, ...options };
  return async function partnerAuth(c, next) {
    const header = c.req.header('authorization');
    const key = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!key) throw unauthorized('Send your secret key as "Authorization: Bearer sk_…"', 'missing');
    if (refuseBrowsers && c.req.header('origin') !== undefined) {
      throw unauthorized('Secret keys cannot be used from a browser; call this endpoint from your backend', 'browser');
    }
    let partner: AuthenticatedPartner;
    try {
      partner = await authenticatePartnerKey(db, key, { kind: 'secret' });
    } catch (error) {
      if (error instanceof PartnerKeyError) throw unauthorized(error.message, error.reason);
      throw error;
    }
    c.set('partner', partner);
    c.get('logger')?.debug('partner authenticated', { partnerId: partner.id, keyId: partner.keyId });
    await next();
  };
}
