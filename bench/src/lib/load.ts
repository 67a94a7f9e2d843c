// The benches' closed-loop load generator (../load-worker.mjs) in a worker thread, warm-up left to
// the caller: the worker's own warm-up replays the first specs again in the measured phase, which a
// write bench must not do (a replayed write with the same device clock is skipped by the database).
import { Worker } from 'node:worker_threads';

export interface Spec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  tag?: string;
}

/** What the reading bench reads of load-worker.mjs's answer. */
export interface LoadResult {
  latencies: number[];
  tags: string[];
  sizes: number[];
  codes: number[];
  elapsedMs: number;
  statuses: Record<string, number>;
  errors: number;
  sent: number;
}

/**
 * Sends `requests` requests (default: each spec once, cycling through the specs when more), `concurrency`
 * at a time, for at most `seconds`.
 */
export function runLoad(
  origin: string,
  specs: Spec[],
  options: { concurrency: number; seconds: number; requests?: number },
) {
  return new Promise<LoadResult>((resolve, reject) => {
    const worker = new Worker(new URL('../load-worker.mjs', import.meta.url), {
      workerData: {
        origin,
        specs,
        concurrency: options.concurrency,
        requests: options.requests ?? specs.length,
        maxMs: options.seconds * 1000,
        warmup: 0,
        warmupMaxMs: 0,
      },
    });
    worker.once('message', (result: LoadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}
