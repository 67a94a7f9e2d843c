import type { MiddlewareHandler } from 'hono';
import { gatewayError } from './errors.ts';

/** Methods the gateway answers for; TRACE and CONNECT (and anything else) get 405. */
export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Refuses TRACE, CONNECT and unknown methods with 405 `METHOD_NOT_ALLOWED` before anything else runs
 * (Node's fetch throws on TRACE/CONNECT, which used to surface as a 500).
 */
export function allowedMethods(): MiddlewareHandler {
  const allowed = new Set<string>(ALLOWED_METHODS);
  return async (c, next) => {
    if (allowed.has(c.req.method.toUpperCase())) return next();
    return gatewayError(c, 'METHOD_NOT_ALLOWED', `Method ${c.req.method.slice(0, 32)} is not allowed.`, {
      headers: { allow: ALLOWED_METHODS.join(', ') },
    });
  };
}
