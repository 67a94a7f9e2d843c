import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody, ErrorCode } from '../errors/codes.ts';
import { ALLOWED_METHODS } from './methods.ts';
import { newRequestId } from './request-id.ts';

/** What `@hono/node-server` returns: an `http.Server` and its events. */
interface NodeServerEvents {
  on(event: 'connect', listener: (request: unknown, socket: Duplex) => void): unknown;
  on(event: 'clientError', listener: (error: Error & { code?: string }, socket: Duplex) => void): unknown;
  on(event: 'checkExpectation', listener: (request: IncomingMessage, response: ServerResponse) => void): unknown;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
};

/** Writes one error-format response straight to a socket and closes it. */
function answerOnSocket(socket: Duplex, status: number, code: ErrorCode, message: string, headers: string[] = []) {
  const id = newRequestId();
  const body: ErrorBody = { error: { code, message, id } };
  const json = JSON.stringify(body);
  socket.on('error', () => {});
  socket.end(
    [
      `HTTP/1.1 ${status} ${REASONS[status]}`,
      ...headers,
      'content-type: application/json',
      `content-length: ${Buffer.byteLength(json)}`,
      `x-request-id: ${id}`,
      'cache-control: no-store',
      'connection: close',
      '',
      json,
    ].join('\r\n'),
  );
}

/** How a request Node's HTTP parser refused is answered (llhttp error codes). */
function parserRefusal(code: string | undefined): [number, ErrorCode, string, string[]] {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return [431, 'HEADERS_TOO_LARGE', 'The request line or headers are too large.', []];
  }
  if (code === 'HPE_INVALID_METHOD') {
    return [405, 'METHOD_NOT_ALLOWED', 'Unknown method.', [`allow: ${ALLOWED_METHODS.join(', ')}`]];
  }
  return [400, 'VALIDATION_ERROR', 'Malformed HTTP request.', []];
}

/**
 * Answers, in the error format, what Node handles before any request handler runs:
 * - CONNECT goes to the server's `connect` event (no listener: the connection is dropped without a
 *   word); the gateway tunnels nothing, so 405 as for TRACE ({@link ALLOWED_METHODS});
 * - requests its parser refuses (unknown methods, bad framing, oversized headers) get an empty 400
 *   from Node by default;
 * - `Expect` other than `100-continue` gets an empty 417.
 */
export function answerNodeRefusals(server: NodeServerEvents): void {
  server.on('connect', (_request, socket) =>
    answerOnSocket(socket, 405, 'METHOD_NOT_ALLOWED', 'Method CONNECT is not allowed.', [
      `allow: ${ALLOWED_METHODS.join(', ')}`,
    ]),
  );
  server.on('clientError', (error, socket) => {
    // A reset or timed-out connection has nobody to answer.
    if (error.code === 'ECONNRESET' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message, headers] = parserRefusal(error.code);
    answerOnSocket(socket, status, code, message, headers);
  });
  server.on('checkExpectation', (_request, response) => {
    const id = newRequestId();
    const body: ErrorBody = {
      error: { code: 'EXPECTATION_FAILED', message: 'Only Expect: 100-continue is supported.', id },
    };
    response.writeHead(417, { 'content-type': 'application/json', 'x-request-id': id, connection: 'close' });
    response.end(JSON.stringify(body));
  });
}
