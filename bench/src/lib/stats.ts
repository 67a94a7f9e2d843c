// Percentiles and summaries shared by the reading bench (same definitions as catalog.ts and sessions.ts).

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export interface Figures {
  n: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** Latency figures of one closed-loop phase: n, errors, req/s (n ÷ wall time), p50/p95/p99 (nearest rank). */
export function figures(latencies: number[], elapsedMs: number, errors: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    n,
    errors,
    rps: round((n / elapsedMs) * 1000, 1),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, n)),
    max: round(sorted[n - 1] ?? Number.NaN),
  };
}
