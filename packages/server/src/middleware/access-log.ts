import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app/env.ts';
import type { Logger } from '../observability/logger.ts';

export interface AccessLogOptions {
  logger: Logger;
  /** Requests slower than this are logged at `warn` with `slow: true` (default 1000 ms). */
  slowMs?: number;
  /** Successful requests to these paths log at `debug` so probes do not flood the logs (default: health, ready, metrics). */
  quietPaths?: string[];
  /** Monotonic clock in ms (default `performance.now`). */
  now?: () => number;
}

const defaults = {
  slowMs: 1000,
  quietPaths: ['/api/health', '/api/ready', '/api/metrics'],
  now: () => performance.now(),
};

/**
 * One JSON line per request: time, level, requestId, method, path, status, durationMs.
 * Only the path is logged: no query string, headers (Authorization, apikey) or bodies.
 *
 * @example
 * ```ts
 * app.use(requestId(), accessLog({ logger }))
 * ```
 */
export function accessLog(options: AccessLogOptions): MiddlewareHandler<AppEnv> {
  const { logger, slowMs, quietPaths, now } = { ...defaults, ...options };
  const quiet = new Set(quietPaths);
  return async function accessLog(c, next) {
    const started = now();
    const requestId = c.get('requestId');
    c.set('logger', logger.child({ requestId }));
    try {
      await next();
    } finally {
      const durationMs = Math.round((now() - started) * 100) / 100;
      const status = c.res.status;
      const fields = { requestId, method: c.req.method, path: c.req.path, status, durationMs };
      if (status >= 500) logger.error('request', fields);
      else if (durationMs > slowMs) logger.warn('slow request', { ...fields, slow: true, thresholdMs: slowMs });
      else if (quiet.has(c.req.path) && status < 400) logger.debug('request', fields);
      else logger.info('request', fields);
    }
  };
}
