// The gateway's request bodies on Node: read straight from node:http's IncomingMessage (readIncoming),
// limited while reading, and forwarded to the upstream byte for byte with their length; the web path
// (app.fetch, as Deno and edge runtimes run it) still does the same. No database: a stub upstream.
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, postgrestUpstream } from '../../src/gateway/index.ts';
import { serveGateway } from '../../src/gateway/processes.ts';
import { type BodyRead, readIncoming } from '../../src/gateway/request-body.ts';

const LIMIT = 1024;
const keys = { publishableKey: 'sb_publishable_body', secretKey: 'sb_secret_body' };

interface Seen {
  method: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Listens on a free loopback port; resolves with the server and its origin. */
function listen(server: Server): Promise<string> {
  return new Promise((ready) =>
    server.listen(0, '127.0.0.1', () => ready(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((closed) => server.close(() => closed()));
}

/** A server whose every request is read by readIncoming; `reads` resolves them in order. */
function readerServer() {
  const results: BodyRead[] = [];
  const waiting: ((read: BodyRead) => void)[] = [];
  const server = createServer(async (incoming, response) => {
    const read = await readIncoming(incoming, LIMIT);
    const next = waiting.shift();
    if (next) next(read);
    else results.push(read);
    response.writeHead(read.kind === 'too-large' ? 413 : 200).end();
  });
  const nextRead = () =>
    new Promise<BodyRead>((resolveRead) => {
      const ready = results.shift();
      if (ready) resolveRead(ready);
      else waiting.push(resolveRead);
    });
  return { server, nextRead };
}

describe('readIncoming', () => {
  const { server, nextRead } = readerServer();
  let origin: string;
  beforeAll(async () => {
    origin = await listen(server);
  });
  afterAll(() => close(server));

  it('reads an empty body as zero bytes', async () => {
    const answer = await fetch(`${origin}/rpc/x`, { method: 'POST', body: '' });
    expect(answer.status).toBe(200);
    expect(await nextRead()).toEqual({ kind: 'whole', body: Buffer.alloc(0) });
  });

  it('reads a chunked body whole, its chunks in order', async () => {
    const chunks = ['{"query":', '"xylophonique",', '"page":1}'];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    // @ts-expect-error Node's fetch needs duplex for streamed request bodies
    const answer = await fetch(`${origin}/rpc/x`, { method: 'POST', body: stream, duplex: 'half' });
    expect(answer.status).toBe(200);
    const read = await nextRead();
    expect(read.kind).toBe('whole');
    if (read.kind === 'whole') expect(read.body.toString()).toBe(chunks.join(''));
  });

  it('refuses a body whose Content-Length passes the limit without holding it', async () => {
    const answer = await fetch(`${origin}/rpc/x`, { method: 'POST', body: 'x'.repeat(LIMIT + 1) });
    expect(answer.status).toBe(413);
    expect(await nextRead()).toEqual({ kind: 'too-large' });
  });

  it('says aborted when the client goes away mid-body', async () => {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((connected) => socket.once('connect', connected));
    // readIncoming is listening once the request reached the handler (registered first): then the client vanishes.
    server.once('request', () => setImmediate(() => socket.destroy()));
    socket.write('POST /rpc/x HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"query":');
    const read = nextRead();
    expect(await read).toEqual({ kind: 'aborted' });
  });
});

describe('the gateway with request bodies', () => {
  const seen: Seen[] = [];
  const upstream = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      seen.push({ method: incoming.method ?? '', headers: incoming.headers, body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      // A search answer of ~3 kB when asked for "savane", as search_books' jsonb; a small one otherwise.
      const hits = Buffer.concat(chunks).includes('savane') ? 30 : 0;
      const items = Array.from({ length: hits }, (_, i) => ({ id: i, title: `Contes de la savane, tome ${i}` }));
      response.write(JSON.stringify({ items, total: hits }));
      response.end();
    });
  });
  let upstreamOrigin: string;
  let gatewayServer: Awaited<ReturnType<typeof serveGateway>>;
  let gateway: ReturnType<typeof createGateway>;
  let origin: string;
  const headers = { apikey: keys.publishableKey, 'content-type': 'application/json' };

  beforeAll(async () => {
    upstreamOrigin = await listen(upstream);
    gateway = createGateway({
      rest: postgrestUpstream({ url: upstreamOrigin, anonJwt: 'anon.jwt', serviceRoleJwt: 'service.jwt' }),
      keys,
      functions: { fetch: () => new Response(null, { status: 404 }) },
      bodyLimitBytes: LIMIT,
    });
    gatewayServer = await serveGateway(gateway.fetch, 0, '127.0.0.1');
    origin = `http://127.0.0.1:${(gatewayServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    (gatewayServer as Server).closeAllConnections();
    await new Promise<void>((closed) => gatewayServer.close(() => closed()));
    await close(upstream);
  });

  it('forwards a POST body byte for byte, with its length (Node path)', async () => {
    const body = JSON.stringify({ query: 'écoute du xylophone', page: 1 });
    const answer = await fetch(`${origin}/rest/v1/rpc/search_books`, { method: 'POST', headers, body });
    expect(answer.status).toBe(200);
    const last = seen.at(-1) as Seen;
    expect(last.method).toBe('POST');
    expect(last.body.toString()).toBe(body);
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(last.headers['transfer-encoding']).toBeUndefined();
  });

  it('forwards a chunked POST body whole, with its length (Node path)', async () => {
    const sent = await new Promise<{ status: number; body: string }>((answered, failed) => {
      const outgoing = request(`${origin}/rest/v1/rpc/search_books`, { method: 'POST', headers }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => answered({ status: response.statusCode ?? 0, body: text }));
      });
      outgoing.on('error', failed);
      outgoing.write('{"query":');
      outgoing.write('"contes",');
      outgoing.end('"page":2}');
    });
    expect(sent.status).toBe(200);
    const last = seen.at(-1) as Seen;
    expect(last.body.toString()).toBe('{"query":"contes","page":2}');
    expect(last.headers['content-length']).toBe('27');
  });

  it('answers 413 in the error format to a chunked body passing the limit mid-stream, then closes the socket', async () => {
    const before = seen.length;
    const socket = connect((gatewayServer.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((connected) => socket.once('connect', connected));
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    const closed = new Promise((gone) => socket.once('close', gone));
    socket.on('error', () => {});
    const chunk = 'x'.repeat(600);
    socket.write(
      `POST /rest/v1/rpc/search_books HTTP/1.1\r\nhost: x\r\napikey: ${keys.publishableKey}\r\n` +
        'content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n',
    );
    // Two chunks pass the 1 KiB limit; the client never sends the terminating chunk.
    socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    const json = received.slice(received.indexOf('\r\n\r\n') + 4);
    expect(JSON.parse(json)).toMatchObject({
      error: { code: 'PAYLOAD_TOO_LARGE', details: { limit: LIMIT }, id: expect.any(String) },
    });
    expect(seen.length).toBe(before);
  });

  it('answers 413 at once to a Content-Length over the limit and never asks upstream', async () => {
    const before = seen.length;
    const answer = await fetch(`${origin}/rest/v1/rpc/search_books`, {
      method: 'POST',
      headers,
      body: `"${'x'.repeat(LIMIT)}"`,
    });
    expect(answer.status).toBe(413);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(seen.length).toBe(before);
  });

  it('a client gone mid-body never reaches the upstream', async () => {
    const before = seen.length;
    const socket = connect((gatewayServer.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((connected) => socket.once('connect', connected));
    socket.on('error', () => {});
    socket.write(
      `POST /rest/v1/rpc/search_books HTTP/1.1\r\nhost: x\r\napikey: ${keys.publishableKey}\r\n` +
        'content-type: application/json\r\ncontent-length: 100\r\n\r\n{"query":',
    );
    socket.destroy();
    // A full request after it is answered (one event loop, in order): the aborted one was not forwarded.
    const answer = await fetch(`${origin}/rest/v1/rpc/search_books`, { method: 'POST', headers, body: '{}' });
    expect(answer.status).toBe(200);
    expect(seen.slice(before).map((request) => request.body.toString())).toEqual(['{}']);
  });

  it('does the same through app.fetch (the web path: Deno, edge runtimes)', async () => {
    const body = JSON.stringify({ query: 'baobab' });
    const answer = await gateway.fetch(
      new Request('http://gateway/rest/v1/rpc/search_books', { method: 'POST', headers, body }),
    );
    expect(answer.status).toBe(200);
    const last = seen.at(-1) as Seen;
    expect(last.body.toString()).toBe(body);
    expect(last.headers['content-length']).toBe(String(body.length));
    const tooLarge = await gateway.fetch(
      new Request('http://gateway/rest/v1/rpc/search_books', { method: 'POST', headers, body: 'x'.repeat(LIMIT + 1) }),
    );
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('compresses a search answer in the proxy: the same bytes again, with their length', async () => {
    const ask = () =>
      new Promise<{ headers: IncomingMessage['headers']; body: Buffer }>((answered, failed) => {
        const outgoing = request(
          `${origin}/rest/v1/rpc/search_books`,
          { method: 'POST', headers: { ...headers, 'accept-encoding': 'br' } },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => answered({ headers: response.headers, body: Buffer.concat(chunks) }));
          },
        );
        outgoing.on('error', failed);
        outgoing.end(JSON.stringify({ query: 'savane' }));
      });
    const first = await ask();
    const second = await ask();
    expect(first.headers['content-encoding']).toBe('br');
    expect(first.headers.vary).toMatch(/accept-encoding/i);
    expect(first.headers['content-length']).toBe(String(first.body.byteLength));
    expect(JSON.parse(brotliDecompressSync(first.body).toString())).toMatchObject({ total: 30 });
    expect(second.body.equals(first.body)).toBe(true);
  });
});
