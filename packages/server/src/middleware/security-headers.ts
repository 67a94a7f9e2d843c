import type { MiddlewareHandler } from 'hono';
import { secureHeaders as honoSecureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../app/env.ts';

/** Options of `hono/secure-headers`. */
export type SecureHeadersOptions = NonNullable<Parameters<typeof honoSecureHeaders>[0]>;

export interface SecurityHeadersOptions {
  /** Options for `hono/secure-headers`, merged over Coko's defaults. */
  headers?: SecureHeadersOptions;
  /** CSP for responses that set none themselves (default: nothing may load, nothing may frame). */
  contentSecurityPolicy?: string;
}

const defaults = {
  headers: {
    xFrameOptions: 'DENY',
    referrerPolicy: 'strict-origin-when-cross-origin',
    // Covers and files are embedded by partner sites; CORS and auth, not CORP, decide who reads the API.
    crossOriginResourcePolicy: 'cross-origin',
  } satisfies SecureHeadersOptions,
  contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
};

/**
 * Security headers on every response (nosniff, frame denial, HSTS, referrer policy…) via `hono/secure-headers`,
 * plus a locked-down Content-Security-Policy unless the route set its own (the `/reference` page does).
 *
 * @example
 * ```ts
 * app.use(securityHeaders())
 * ```
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler<AppEnv> {
  const { headers, contentSecurityPolicy } = { ...defaults, ...options };
  const secure = honoSecureHeaders({ ...defaults.headers, ...headers });
  return async function securityHeaders(c, next) {
    await secure(c, next);
    if (contentSecurityPolicy && !c.res.headers.has('Content-Security-Policy')) {
      c.res.headers.set('Content-Security-Policy', contentSecurityPolicy);
    }
  };
}
