/** One finished HTTP request, as the metrics middleware reports it. */
export interface RequestSample {
  method: string;
  /** The matched route pattern (`/api/books/:id`), never the raw path, to keep label cardinality bounded. */
  route: string;
  status: number;
  durationMs: number;
}

export interface MetricsSnapshot {
  uptimeSeconds: number;
  total: number;
  /** Responses with a 5xx status. */
  errors: number;
  /** errors / total, 0 when there were no requests. */
  errorRate: number;
  inFlight: number;
}

export interface MetricsRegistry {
  requestStarted(): void;
  requestFinished(sample: RequestSample): void;
  snapshot(): MetricsSnapshot;
  /** Prometheus text exposition format 0.0.4. */
  render(): string;
}

export interface MetricsOptions {
  /** Histogram upper bounds in seconds. */
  buckets?: number[];
  /** Clock in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Prefix of every metric name (default `coko`). */
  prefix?: string;
}

/** Content-Type of {@link MetricsRegistry.render}'s output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  labels: string;
  count: number;
  sum: number;
  buckets: number[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}="${escapeLabel(value)}"`)
    .join(',');
}

function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

/**
 * In-memory request metrics shared by the metrics middleware, `/metrics` and `/health`.
 *
 * @example
 * ```ts
 * const metrics = createMetrics()
 * metrics.requestFinished({ method: 'GET', route: '/api/health', status: 200, durationMs: 3 })
 * metrics.render() // coko_http_requests_total{method="GET",route="/api/health",status="200"} 1 …
 * ```
 */
export function createMetrics(options: MetricsOptions = {}): MetricsRegistry {
  const { buckets, now, prefix } = { buckets: DEFAULT_BUCKETS, now: Date.now, prefix: 'coko', ...options };
  const bounds = [...buckets].sort((a, b) => a - b);
  const startedAt = now();
  const series = new Map<string, Series>();
  const errorsBySeries = new Map<string, number>();
  let total = 0;
  let errors = 0;
  let inFlight = 0;

  const uptimeSeconds = () => Math.max(0, (now() - startedAt) / 1000);

  return {
    requestStarted() {
      inFlight += 1;
    },
    requestFinished(sample) {
      inFlight = Math.max(0, inFlight - 1);
      total += 1;
      const labels = labelString({ method: sample.method, route: sample.route, status: String(sample.status) });
      const seconds = Math.max(0, sample.durationMs) / 1000;
      const entry = series.get(labels) ?? { labels, count: 0, sum: 0, buckets: bounds.map(() => 0) };
      series.set(labels, entry);
      entry.count += 1;
      entry.sum += seconds;
      bounds.forEach((bound, i) => {
        if (seconds <= bound) entry.buckets[i] = (entry.buckets[i] ?? 0) + 1;
      });
      if (sample.status >= 500) {
        errors += 1;
        errorsBySeries.set(labels, (errorsBySeries.get(labels) ?? 0) + 1);
      }
    },
    snapshot() {
      return { uptimeSeconds: uptimeSeconds(), total, errors, errorRate: total === 0 ? 0 : errors / total, inFlight };
    },
    render() {
      const lines: string[] = [];
      const header = (name: string, type: string, help: string) => {
        lines.push(`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} ${type}`);
      };
      header('http_requests_total', 'counter', 'HTTP requests handled, by method, route and status.');
      for (const entry of series.values()) lines.push(`${prefix}_http_requests_total{${entry.labels}} ${entry.count}`);

      header('http_request_duration_seconds', 'histogram', 'HTTP request duration in seconds.');
      for (const entry of series.values()) {
        bounds.forEach((bound, i) => {
          lines.push(
            `${prefix}_http_request_duration_seconds_bucket{${entry.labels},le="${formatNumber(bound)}"} ${entry.buckets[i] ?? 0}`,
          );
        });
        lines.push(`${prefix}_http_request_duration_seconds_bucket{${entry.labels},le="+Inf"} ${entry.count}`);
        lines.push(`${prefix}_http_request_duration_seconds_sum{${entry.labels}} ${formatNumber(entry.sum)}`);
        lines.push(`${prefix}_http_request_duration_seconds_count{${entry.labels}} ${entry.count}`);
      }

      header('http_errors_total', 'counter', 'HTTP responses with a 5xx status.');
      for (const [labels, count] of errorsBySeries) lines.push(`${prefix}_http_errors_total{${labels}} ${count}`);

      header('http_requests_in_flight', 'gauge', 'HTTP requests being handled now.');
      lines.push(`${prefix}_http_requests_in_flight ${inFlight}`);

      header('process_uptime_seconds', 'gauge', 'Seconds since the API started.');
      lines.push(`${prefix}_process_uptime_seconds ${formatNumber(uptimeSeconds())}`);

      header('process_start_time_seconds', 'gauge', 'Start time of the API since the Unix epoch, in seconds.');
      lines.push(`${prefix}_process_start_time_seconds ${formatNumber(startedAt / 1000)}`);
      return `${lines.join('\n')}\n`;
    },
  };
}
