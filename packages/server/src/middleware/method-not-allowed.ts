import type { Hono, MiddlewareHandler } from 'hono';
import { methodNotAllowed as honoMethodNotAllowed } from 'hono/method-not-allowed';
import type { AppEnv } from '../app/env.ts';
import { errorResponse } from '../app/errors.ts';

export interface MethodNotAllowedOptions {
  /** The app whose routes decide which methods a path allows. */
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its schema
  app: Hono<any, any, any>;
}

/**
 * Turns a 404 on a path that exists for other methods into 405 METHOD_NOT_ALLOWED with an `Allow` header.
 *
 * @example
 * ```ts
 * app.use(methodNotAllowed({ app }))
 * ```
 */
export function methodNotAllowed(options: MethodNotAllowedOptions): MiddlewareHandler<AppEnv> {
  return honoMethodNotAllowed({
    app: options.app,
    onMethodNotAllowed: (c, methods) =>
      errorResponse(c, 405, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here`, {
        details: { allow: methods },
        headers: { Allow: methods.join(', ') },
      }),
  });
}
