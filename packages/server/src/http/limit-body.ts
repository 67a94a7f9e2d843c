import type { Context, MiddlewareHandler } from 'hono';

/** What the gateway reads and throws away of a refused body before answering (see {@link drain}). */
export const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
/** A pause in what a refused body's client sends that ends the draining. */
export const DRAIN_IDLE_MS = 500;

/**
 * Request bodies over `maxBytes` get `tooLarge`'s answer (a 413): at once when `Content-Length` says
 * so, else as soon as a chunked body passes the limit (holding at most `maxBytes` in memory, like
 * Hono's bodyLimit). Before answering, what the client is still sending is read and dropped, up to
 * 16 MiB and while it keeps coming: a server that closes with unread bytes resets the connection, and
 * the client, still writing, loses the 413 (curl sends 4 MiB uploads this way). Used by the gateway
 * and the API alike.
 */
export function limitRequestBody(
  maxBytes: number,
  tooLarge: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler {
  return async (c, next) => {
    // A GET or HEAD never carries a body on to a handler (@hono/node-server gives them none), and asking
    // for `body` would make Node build the full WHATWG Request the lightweight one stands in for.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && /^\d+$/.test(declared)) {
      const length = Number(declared);
      if (length <= maxBytes) return next();
      if (length <= DRAIN_MAX_BYTES) await drain(body.getReader(), DRAIN_MAX_BYTES);
      return tooLarge(c);
    }
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await drain(reader, DRAIN_MAX_BYTES - size);
        return tooLarge(c);
      }
      chunks.push(value);
    }
    const held = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      held.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body: held });
    return next();
  };
}

/**
 * Reads and drops up to `maxBytes` while data keeps arriving (a pause of {@link DRAIN_IDLE_MS} ends
 * it: a client that waits for the answer before sending more gets it at once).
 */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number): Promise<void> {
  let left = maxBytes;
  while (left > 0) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<'idle'>((resolveIdle) => {
      timer = setTimeout(() => resolveIdle('idle'), DRAIN_IDLE_MS);
    });
    const read = await Promise.race([reader.read().catch(() => ({ done: true as const, value: undefined })), idle]);
    clearTimeout(timer);
    if (read === 'idle' || read.done) return;
    left -= read.value.byteLength;
  }
}
