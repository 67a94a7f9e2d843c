import type { Duplex } from 'node:stream';
import type { ErrorBody } from '../errors/codes.ts';
import { ALLOWED_METHODS } from './methods.ts';

/** Anything that emits Node's `connect` event (an `http.Server`, what `@hono/node-server` returns). */
interface ConnectEmitter {
  on(event: 'connect', listener: (request: unknown, socket: Duplex) => void): unknown;
}

/**
 * Answers CONNECT with 405 in the error format. Node hands CONNECT to the server's `connect` event,
 * never to the request handler, and without a listener it drops the connection without a word; the
 * gateway tunnels nothing, so it says so like for TRACE ({@link allowedMethods}).
 */
export function refuseConnect(server: ConnectEmitter): void {
  server.on('connect', (_request, socket) => {
    const id = crypto.randomUUID();
    const body: ErrorBody = { error: { code: 'METHOD_NOT_ALLOWED', message: 'Method CONNECT is not allowed.', id } };
    const json = JSON.stringify(body);
    socket.on('error', () => {});
    socket.end(
      [
        'HTTP/1.1 405 Method Not Allowed',
        `allow: ${ALLOWED_METHODS.join(', ')}`,
        'content-type: application/json',
        `content-length: ${Buffer.byteLength(json)}`,
        `x-request-id: ${id}`,
        'cache-control: no-store',
        'connection: close',
        '',
        json,
      ].join('\r\n'),
    );
  });
}
