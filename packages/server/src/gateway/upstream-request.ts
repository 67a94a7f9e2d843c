import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { endToEndHeaders } from './hop-by-hop.ts';

/**
 * Keep-alive sockets to the upstream, shared by every request of the process. node:http costs a
 * fraction of Node's fetch per request (no WHATWG Request/Headers/stream objects on the way out or
 * back), which is most of what the gateway adds to a PostgREST call.
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxFreeSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxFreeSockets: 64 }),
};

export interface UpstreamAnswer {
  status: number;
  statusText: string;
  /** The response's end-to-end headers (hop-by-hop ones left out). */
  headers: Headers;
  /** The upstream's `Content-Length`, when it sent one. */
  declaredLength: number | undefined;
  /** Null when the upstream said there is none (204, 304, `Content-Length: 0`). */
  body: IncomingMessage | null;
}

/**
 * Sends one request to `target` with `headers` (end-to-end ones only; `Content-Length` is set here) and resolves once its response headers arrived (the body may still be
 * streaming). Rejects with `TimeoutError` after `timeoutMs` without headers, with the socket's error
 * when the upstream cannot be reached.
 */
export function requestUpstream(
  target: string,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array | undefined,
  timeoutMs: number,
): Promise<UpstreamAnswer> {
  const url = new URL(target);
  const client = url.protocol === 'https:' ? https : http;
  const outgoing = headers;
  if (body) outgoing['content-length'] = String(body.byteLength);
  return new Promise((resolveAnswer, reject) => {
    const request = client.request(url, {
      method,
      headers: outgoing,
      agent: agents[url.protocol === 'https:' ? 'https:' : 'http:'],
    });
    const timer = setTimeout(() => {
      const error = new Error(`no response headers within ${timeoutMs} ms`);
      error.name = 'TimeoutError';
      request.destroy(error);
    }, timeoutMs);
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.once('response', (response) => {
      clearTimeout(timer);
      resolveAnswer(answerOf(response));
    });
    request.end(body);
  });
}

function answerOf(response: IncomingMessage): UpstreamAnswer {
  const headers = endToEndHeaders(response.rawHeaders);
  const status = response.statusCode ?? 502;
  const declared = Number(response.headers['content-length'] ?? Number.NaN);
  const empty = status === 204 || status === 304 || declared === 0;
  if (empty) response.resume();
  return {
    status,
    statusText: response.statusMessage ?? '',
    headers,
    declaredLength: Number.isFinite(declared) ? declared : undefined,
    body: empty ? null : response,
  };
}

/** All of `body` in one buffer (for bodies whose length was declared and is bounded). */
export function readWhole(body: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => resolveBody(Buffer.concat(chunks)));
    body.once('error', reject);
  });
}

/** What {@link readUpTo} got: the whole body, or the first chunks of a longer one and the rest still streaming. */
export type Prefix = { whole: Uint8Array<ArrayBuffer> } | { head: Buffer[]; rest: IncomingMessage };

/**
 * Reads `body` until it ends or passes `maxBytes`: a page of rows (PostgREST sends them chunked, without
 * a length) comes back whole; a longer body comes back as what was read so far and the paused rest.
 */
export function readUpTo(body: IncomingMessage, maxBytes: number): Promise<Prefix> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size <= maxBytes) return;
      body.pause();
      body.off('data', onData).off('end', onEnd).off('error', reject);
      resolveBody({ head: chunks, rest: body });
    };
    const onEnd = () => resolveBody({ whole: Buffer.concat(chunks) });
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', reject);
  });
}

/** `body` as it arrives, paused while the reader is behind (backpressure to the upstream). */
export function streamOf(body: IncomingMessage, head: readonly Buffer[] = []): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
      // A body read to its end by readUpTo (the head was its last chunk) has emitted 'end' already.
      if (body.readableEnded) {
        controller.close();
        return;
      }
      body.on('data', (chunk: Buffer) => {
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 1) <= 0) body.pause();
      });
      body.once('end', () => controller.close());
      body.once('error', (error) => controller.error(error));
    },
    pull() {
      body.resume();
    },
    cancel() {
      body.destroy();
    },
  });
}
