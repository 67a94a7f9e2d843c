import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { DRAIN_IDLE_MS, DRAIN_MAX_BYTES } from '../http/limit-body.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** A `/rest/v1` request's body, read whole by the gateway's body limit (absent for GET and HEAD). */
    requestBody: Uint8Array;
  }
}

/** How reading a request body ended. */
export type BodyRead =
  | { kind: 'whole'; body: Buffer }
  /** Over the limit: what kept arriving was read and dropped (up to 16 MiB, while it kept coming). */
  | { kind: 'too-large' }
  /** The client went away (or the stream failed) before the body's end. */
  | { kind: 'aborted' };

/**
 * Reads a request body from node:http's `IncomingMessage` into one buffer, refusing it as soon as it
 * passes `maxBytes` (at once when `Content-Length` says so, else when the chunks read pass it, so at
 * most `maxBytes` are ever held). Nothing of WHATWG streams is involved: no `Request`, no
 * `ReadableStream`, no `AbortController`, which @hono/node-server builds as soon as a handler asks for
 * `c.req.raw.body` and which cost a POST about as much CPU as the rest of the gateway.
 *
 * A refused body is drained before the 413 goes out (see limitRequestBody: a server that closes with
 * unread bytes resets the connection, and the client, still writing, loses the answer).
 */
export function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = incoming.headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    const length = Number(declared);
    return (length <= DRAIN_MAX_BYTES ? drain(incoming, DRAIN_MAX_BYTES) : Promise.resolve()).then(() => ({
      kind: 'too-large',
    }));
  }
  if (incoming.readableEnded) return Promise.resolve({ kind: 'whole', body: Buffer.alloc(0) });
  // Gone before we listened: its 'close' has been emitted already.
  if (incoming.destroyed) return Promise.resolve({ kind: 'aborted' });
  return new Promise((settle) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        stop();
        chunks.length = 0;
        void drain(incoming, DRAIN_MAX_BYTES - size).then(() => settle({ kind: 'too-large' }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      settle({ kind: 'whole', body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    };
    // 'close' before 'end': the connection went away mid-body ('error' too, when Node reports it).
    const onGone = () => {
      stop();
      settle({ kind: 'aborted' });
    };
    incoming.on('data', onData).once('end', onEnd).once('error', onGone).once('close', onGone);
    incoming.resume();
  });
}

/**
 * Reads and drops up to `maxBytes` while data keeps arriving; a pause of {@link DRAIN_IDLE_MS}, the
 * body's end or the connection's ends it (a client that waits for the answer before sending more gets
 * it at once). Whatever is left is @hono/node-server's to drain or close once the answer is sent.
 */
function drain(incoming: IncomingMessage, maxBytes: number): Promise<void> {
  if (incoming.readableEnded || incoming.destroyed) return Promise.resolve();
  return new Promise((done) => {
    let left = maxBytes;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      clearTimeout(timer);
      incoming.off('data', onData).off('end', finish).off('error', finish).off('close', finish);
      incoming.pause();
      done();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(finish, DRAIN_IDLE_MS);
    };
    const onData = (chunk: Buffer) => {
      left -= chunk.byteLength;
      if (left <= 0) finish();
      else arm();
    };
    incoming.on('data', onData).once('end', finish).once('error', finish).once('close', finish);
    arm();
    incoming.resume();
  });
}

/** node:http's request behind `c`, when @hono/node-server serves it (`c.env.incoming`). */
export function incomingOf(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming && typeof incoming.on === 'function' ? incoming : undefined;
}
