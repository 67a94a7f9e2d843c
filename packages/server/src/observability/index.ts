// Runtime-agnostic observability. The Node-only Sentry adapter lives in ./sentry-node.ts and is imported by node.ts only.
export {
  createLogger,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogSink,
  serializeError,
  silentLogger,
} from './logger.ts';
export {
  createMetrics,
  type MetricsOptions,
  type MetricsRegistry,
  type MetricsSnapshot,
  PROMETHEUS_CONTENT_TYPE,
  type RequestSample,
} from './metrics.ts';

/** Reports an unexpected error to an error tracker; `errorId` is the id the client sees in the 500 response. */
export type CaptureException = (error: unknown, context: ErrorContext) => void;

export interface ErrorContext {
  errorId: string;
  requestId: string;
  method?: string;
  path?: string;
  route?: string;
  status?: number;
}
