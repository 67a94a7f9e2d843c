// Load generator, run in a worker thread so that it never shares an event loop with the gateway
// (which runs in the main thread of the bench process, like `coko dev` runs it).
//
// A closed loop: `concurrency` virtual clients, each sending its next request as soon as the
// previous answer has been read in full, over keep-alive sockets (node:http Agent, one socket per
// client). Bounded twice: it stops after `requests` requests or `maxMs` milliseconds, whichever
// comes first. node:http never decompresses, so `bytes` counts the body bytes on the wire.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * @typedef {{ method: string, path: string, headers: Record<string, string>, body?: string, origin?: string, tag?: string }} Spec
 * @typedef {{ origin: string, specs: Spec[], concurrency: number, requests: number, maxMs: number, warmup: number, warmupMaxMs: number }} Job
 */

/** @type {Job} */
const job = workerData;
/** One keep-alive Agent per origin (a spec may name its own origin, e.g. PostgREST directly). */
const agents = new Map();
function agentFor(origin) {
  let agent = agents.get(origin);
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency });
    agents.set(origin, agent);
  }
  return agent;
}

/** One request; resolves with its status and body size once the last byte has arrived. */
function send(spec) {
  return new Promise((resolve, reject) => {
    const origin = spec.origin ?? job.origin;
    const { hostname, port } = new URL(origin);
    const agent = agentFor(origin);
    const headers = { ...spec.headers };
    if (spec.body !== undefined) headers['content-length'] = String(Buffer.byteLength(spec.body));
    const req = http.request({ hostname, port, method: spec.method, path: spec.path, headers, agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => {
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (spec.body !== undefined) req.write(spec.body);
    req.end();
  });
}

/**
 * Runs `total` requests (or until `maxMs`) with `concurrency` clients. When recording, returns one
 * entry per request: latency (ms), the spec's tag, body bytes and status (0 = network error).
 */
async function run(total, maxMs, record) {
  const latencies = [];
  const tags = [];
  const sizes = [];
  const codes = [];
  const statuses = {};
  let next = 0;
  let bytes = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + maxMs;
  async function client() {
    while (next < total && performance.now() < deadline) {
      const spec = job.specs[next % job.specs.length];
      next += 1;
      const t0 = performance.now();
      try {
        const result = await send(spec);
        const ms = performance.now() - t0;
        statuses[result.status] = (statuses[result.status] ?? 0) + 1;
        if (result.status >= 400) errors += 1;
        if (record) {
          latencies.push(ms);
          tags.push(spec.tag ?? '');
          sizes.push(result.bytes);
          codes.push(result.status);
          bytes += result.bytes;
        }
      } catch {
        errors += 1;
        if (record) {
          latencies.push(performance.now() - t0);
          tags.push(spec.tag ?? '');
          sizes.push(0);
          codes.push(0);
        }
      }
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, () => client()));
  const elapsedMs = performance.now() - started;
  return { latencies, tags, sizes, codes, elapsedMs, statuses, bytes, errors, sent: next };
}

await run(job.warmup, job.warmupMaxMs, false);
const result = await run(job.requests, job.maxMs, true);
for (const agent of agents.values()) agent.destroy();
parentPort?.postMessage(result);
