// Node-only: imported by src/app/node.ts, never by the runtime-agnostic app. @sentry/node itself
// is loaded only when a DSN is configured: importing it costs ~0.5–2 s of start-up.
import type * as SentryTypes from '@sentry/node';
import type { CaptureException } from './index.ts';

export interface SentryOptions {
  dsn: string;
  environment?: string | undefined;
  release?: string | undefined;
  /** Replace the HTTP transport, e.g. with a fake that records envelopes in tests. */
  transport?: SentryTypes.NodeOptions['transport'] | undefined;
  /** Fraction of errors sent (default 1). */
  sampleRate?: number | undefined;
}

export interface SentryReporter {
  /** Sends `error` tagged with `error_id` and `request_id`, the same id the client and the logs show. */
  captureException: CaptureException;
  flush(timeoutMs?: number): Promise<boolean>;
  close(timeoutMs?: number): Promise<boolean>;
}

/**
 * Initialises @sentry/node (errors only: no tracing, no PII) and returns a reporter for `createApp`.
 *
 * @example
 * ```ts
 * const sentry = config.sentryDsn ? await initSentry({ dsn: config.sentryDsn, environment: config.env }) : undefined
 * const app = createApp({ config, db, captureException: sentry?.captureException })
 * ```
 */
export async function initSentry(options: SentryOptions): Promise<SentryReporter> {
  const Sentry = await import('@sentry/node');
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    sampleRate: options.sampleRate ?? 1,
    sendDefaultPii: false,
    ...(options.transport ? { transport: options.transport } : {}),
  });
  return {
    captureException(error, context) {
      Sentry.withScope((scope) => {
        scope.setTag('error_id', context.errorId);
        scope.setTag('request_id', context.requestId);
        if (context.route) scope.setTag('route', context.route);
        scope.setContext('request', {
          method: context.method,
          path: context.path,
          status: context.status,
        });
        Sentry.captureException(error);
      });
    },
    flush: (timeoutMs = 2000) => Sentry.flush(timeoutMs),
    close: (timeoutMs = 2000) => Sentry.close(timeoutMs),
  };
}
