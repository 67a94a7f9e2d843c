// The Node server's empty answers (`serveGateway` → writeEmptyAnswersBare): no default content type
// where there is no body, everything else as @hono/node-server sends it.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serveGateway } from '../../src/gateway/processes.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function answerOf(
  handler: (request: Request) => Response,
  method = 'POST',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const server = await serveGateway(handler, 0, '127.0.0.1');
  close = () => new Promise((resolveClose) => server.close(() => resolveClose()));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolveAnswer, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveGateway: empty answers', () => {
  it('sends an answer without a body and without a content type as it is (no text/plain)', async () => {
    const answer = await answerOf(
      () =>
        new Response(null, {
          status: 201,
          headers: [
            ['content-length', '0'],
            ['x-request-id', 'abc'],
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
          ],
        }),
    );
    expect(answer.status).toBe(201);
    expect(answer.body).toBe('');
    expect(answer.headers['content-type']).toBeUndefined();
    expect(answer.headers['content-length']).toBe('0');
    expect(answer.headers['x-request-id']).toBe('abc');
    expect(answer.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('leaves answers with a body, or with their own content type, to the adapter', async () => {
    const text = await answerOf(() => new Response('bonjour', { status: 200 }));
    expect(text.body).toBe('bonjour');
    expect(text.headers['content-type']).toMatch(/^text\/plain; ?charset=UTF-8$/);
    const typed = await answerOf(
      () => new Response(null, { status: 200, headers: { 'content-type': 'application/json' } }),
    );
    expect(typed.headers['content-type']).toBe('application/json');
  });
});
