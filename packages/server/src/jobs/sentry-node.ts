// Node-only: Sentry for `coko worker`. @sentry/node is imported only when SENTRY_DSN is set, as in
// the API's Node entry (importing it costs ~0.5–2 s of start-up).
import type { SentryOptions } from '../observability/sentry-node.ts';
import type { CaptureJobFailure } from './worker.ts';

export interface WorkerSentry {
  /** For `startWorker({ captureException })`: tags queue, job id, attempt and whether it is final. */
  captureJobFailure: CaptureJobFailure;
  /** Anything else (a failed start, a failed stop). */
  captureException(error: unknown, tags?: Record<string, string>): void;
  flush(timeoutMs?: number): Promise<boolean>;
  close(timeoutMs?: number): Promise<boolean>;
}

/**
 * Initialises @sentry/node for the worker (errors only, no PII).
 *
 * @example
 * ```ts
 * const sentry = config.sentryDsn ? await initWorkerSentry({ dsn: config.sentryDsn, environment: config.env }) : undefined
 * await startWorker({ databaseUrl, captureException: sentry?.captureJobFailure })
 * ```
 */
export async function initWorkerSentry(options: SentryOptions): Promise<WorkerSentry> {
  const Sentry = await import('@sentry/node');
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    sampleRate: options.sampleRate ?? 1,
    sendDefaultPii: false,
    // The worker handles its own signals and errors; no tracing.
    defaultIntegrations: false,
    integrations: [Sentry.linkedErrorsIntegration(), Sentry.dedupeIntegration()],
    ...(options.transport ? { transport: options.transport } : {}),
  });
  const capture = (error: unknown, tags: Record<string, string>, level: 'error' | 'warning' = 'error') =>
    Sentry.withScope((scope) => {
      scope.setTag('service', 'coko-worker');
      for (const [key, value] of Object.entries(tags)) scope.setTag(key, value);
      scope.setLevel(level);
      Sentry.captureException(error);
    });
  return {
    captureJobFailure(error, context) {
      const tags: Record<string, string> = { source: context.source, final: String(context.final) };
      if (context.queue) tags.queue = context.queue;
      if (context.jobId) tags.job_id = context.jobId;
      if (context.attempt !== undefined) tags.attempt = String(context.attempt);
      // A failure that will be retried is a warning; one that will not (dead letter) is an error.
      capture(error, tags, context.final || context.source === 'pg-boss' ? 'error' : 'warning');
    },
    captureException: (error, tags = {}) => capture(error, tags),
    flush: (timeoutMs = 2000) => Sentry.flush(timeoutMs),
    close: (timeoutMs = 2000) => Sentry.close(timeoutMs),
  };
}
