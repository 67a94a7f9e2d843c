// HTTP/2 bytes on the wire, measured rather than estimated: an h2c (cleartext HTTP/2) front for the
// gateway, a node:http2 client (nghttp2's HPACK encoder), and the capture proxy between them, so
// every frame a request and its response cost is counted.
import http from 'node:http';
import http2 from 'node:http2';
import type net from 'node:net';
import type { CaptureProxy } from './capture-proxy.ts';

/** Headers HTTP/2 forbids (connection-specific) or that the front sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'host']);

/**
 * An h2c server on 127.0.0.1 that forwards each stream to `targetOrigin` over HTTP/1.1 and answers
 * with the target's status, headers (minus hop-by-hop ones) and body. `renames` maps request header
 * names back before forwarding (e.g. a header renamed by the client to change how HPACK treats it).
 */
export async function startH2cFront(targetOrigin: string, renames: Record<string, string> = {}) {
  const target = new URL(targetOrigin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const forwarded: Record<string, string> = { host: target.host };
      for (const [name, value] of Object.entries(headers)) {
        if (name.startsWith(':') || value === undefined) continue;
        forwarded[renames[name] ?? name] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      const request = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          method: String(headers[':method']),
          path: String(headers[':path']),
          headers: forwarded,
          agent,
        },
        (response) => {
          const body: Buffer[] = [];
          response.on('data', (chunk: Buffer) => body.push(chunk));
          response.on('end', () => {
            const out: http2.OutgoingHttpHeaders = { ':status': response.statusCode ?? 502 };
            for (const [name, value] of Object.entries(response.headers)) {
              if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
            }
            const payload = Buffer.concat(body);
            // An empty answer ends with its HEADERS frame, as HTTP/2 servers send it.
            if (payload.length === 0) stream.respond(out, { endStream: true });
            else {
              stream.respond(out);
              stream.end(payload);
            }
          });
        },
      );
      request.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
      request.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

const FRAME_TYPES = [
  'DATA',
  'HEADERS',
  'PRIORITY',
  'RST_STREAM',
  'SETTINGS',
  'PUSH_PROMISE',
  'PING',
  'GOAWAY',
  'WINDOW_UPDATE',
  'CONTINUATION',
];
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Bytes per frame type (9-byte frame headers included), plus the client preface if present. */
export function frameBytes(buffer: Buffer): Record<string, number> {
  const out: Record<string, number> = {};
  let offset = 0;
  if (buffer.subarray(0, PREFACE.length).equals(PREFACE)) {
    out.preface = PREFACE.length;
    offset = PREFACE.length;
  }
  while (offset + 9 <= buffer.length) {
    const length = buffer.readUIntBE(offset, 3);
    const type = FRAME_TYPES[buffer[offset + 3] as number] ?? `type${buffer[offset + 3]}`;
    out[type] = (out[type] ?? 0) + 9 + length;
    offset += 9 + length;
  }
  if (offset < buffer.length) out.partial = buffer.length - offset;
  return out;
}

export interface H2Exchange {
  status: number;
  up: number;
  down: number;
  upFrames: Record<string, number>;
  downFrames: Record<string, number>;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens one HTTP/2 connection through `capture` (a capture proxy in front of an h2c server) and
 * sends `requests` one after the other, as one reader's device would; returns the connection
 * set-up bytes and each exchange's bytes (both directions), frame by frame.
 */
export async function measureH2(
  capture: CaptureProxy,
  requests: { method: string; path: string; headers: Record<string, string>; body?: string }[],
): Promise<{ setup: { up: number; down: number }; exchanges: H2Exchange[] }> {
  capture.take();
  const session = http2.connect(capture.url);
  session.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  await settle(50);
  const opening = capture.take();
  const exchanges: H2Exchange[] = [];
  try {
    for (const spec of requests) {
      const status = await new Promise<number>((resolve, reject) => {
        const stream = session.request({ ':method': spec.method, ':path': spec.path, ...spec.headers });
        let code = 0;
        stream.on('response', (headers) => {
          code = Number(headers[':status']);
        });
        stream.on('data', () => {});
        stream.on('end', () => resolve(code));
        stream.on('error', reject);
        stream.end(spec.body);
      });
      await settle(15); // stragglers (WINDOW_UPDATE, SETTINGS ACK) belong to this exchange
      const bytes = capture.take();
      exchanges.push({
        status,
        up: bytes.up.length,
        down: bytes.down.length,
        upFrames: frameBytes(bytes.up),
        downFrames: frameBytes(bytes.down),
      });
    }
  } finally {
    // Its GOAWAY frames must not count towards the next connection's set-up.
    await new Promise<void>((resolve) => session.close(() => resolve()));
    await settle(20);
    capture.take();
  }
  return { setup: { up: opening.up.length, down: opening.down.length }, exchanges };
}
