// The gateway in front of the test stack's real PostgREST, attacked the ways a hostile or clumsy client
// would: odd methods and headers, huge bodies, forged request ids, the OpenAPI root, tokens of another
// partner. Every refusal must be a 4xx in Coko's error format, never a 500.
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createGateway, postgrestUpstream } from '../../src/gateway/index.ts';
import { mintUserToken } from '../../src/stack/keys.ts';
import { errorOf, externalId, newPartner, rest, session, stack } from '../identity/helpers.ts';

const SEARCH = '/rest/v1/rpc/search_books';

/** A raw HTTP/1.1 exchange (fetch refuses TRACE and `Expect`). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolveResponse, reject) => {
    const req = httpRequest(`${stack.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (headers.expect === '100-continue') {
      // The body goes only once the server said 100 Continue, as curl does for large bodies.
      req.on('continue', () => req.end(body));
      req.flushHeaders();
    } else {
      req.end(body);
    }
  });
}

describe('gateway: methods and hop-by-hop headers', () => {
  it('forwards a body sent with Expect: 100-continue (it used to be a 500)', async () => {
    const body = JSON.stringify({ query: 'abc', page_size: 2 });
    const response = await raw(
      'POST',
      SEARCH,
      {
        apikey: stack.publishableKey,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        expect: '100-continue',
      },
      body,
    );
    expect(response.status, response.text).toBe(200);
    expect(JSON.parse(response.text)).toEqual(expect.any(Object));
  });

  it('answers TRACE with 405, Allow and the error format (it used to be a 500)', async () => {
    const response = await raw('TRACE', '/rest/v1/books', { apikey: stack.publishableKey });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
    expect(JSON.parse(response.text).error).toMatchObject({ code: 'METHOD_NOT_ALLOWED', id: expect.any(String) });
  });

  it('answers CONNECT with 405 and the error format, not a dropped connection', async () => {
    const { port } = new URL(stack.url);
    const answer = await new Promise<string>((resolveAnswer, reject) => {
      let text = '';
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write('CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n'),
      );
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('end', () => resolveAnswer(text));
      socket.on('error', reject);
    });
    const [head = '', json = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 405 /);
    expect(head.toLowerCase()).toContain('allow: get, head, post, put, patch, delete, options');
    expect(JSON.parse(json).error).toMatchObject({ code: 'METHOD_NOT_ALLOWED', id: expect.any(String) });
  });

  it('drops hop-by-hop headers both ways (those named in Connection, proxy-*, TE, Expect)', async () => {
    let seen: IncomingHttpHeaders = {};
    const upstream = createHttpServer((request, response) => {
      seen = request.headers;
      response.writeHead(200, {
        'content-type': 'application/json',
        connection: 'x-upstream-hop',
        'x-upstream-hop': '1',
        'proxy-authenticate': 'Basic',
        'x-kept': '1',
      });
      response.end('[]');
    });
    const port = await new Promise<number>((resolveListen) =>
      upstream.listen(0, '127.0.0.1', () => resolveListen((upstream.address() as AddressInfo).port)),
    );
    try {
      const gateway = createGateway({
        rest: postgrestUpstream({ url: `http://127.0.0.1:${port}`, anonJwt: 'anon', serviceRoleJwt: 'service' }),
        keys: { publishableKey: stack.publishableKey, secretKey: stack.secretKey },
        functions: { fetch: () => new Response(null, { status: 204 }) },
      });
      const response = await gateway.request('/rest/v1/books', {
        headers: {
          apikey: stack.publishableKey,
          connection: 'x-drop-me',
          'x-drop-me': '1',
          'proxy-authorization': 'Basic eA==',
          te: 'trailers',
          expect: '100-continue',
          'x-kept': '1',
        },
      });
      expect(response.status).toBe(200);
      expect(seen['x-kept']).toBe('1');
      for (const name of ['x-drop-me', 'proxy-authorization', 'te', 'expect']) expect(seen[name], name).toBeUndefined();
      expect(response.headers.get('x-kept')).toBe('1');
      for (const name of ['x-upstream-hop', 'proxy-authenticate']) expect(response.headers.get(name), name).toBeNull();
    } finally {
      await new Promise<void>((resolveClose) => upstream.close(() => resolveClose()));
    }
  });
});

describe('gateway: body limit on /rest/v1', () => {
  it('refuses a declared 100 MB body at once with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await raw('POST', SEARCH, {
      apikey: stack.publishableKey,
      'content-type': 'application/json',
      'content-length': String(100 * 1024 * 1024),
      expect: '100-continue',
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 1048576 } });
  });

  it('refuses a streamed (chunked) 100 MB body once past the limit, without waiting for the rest', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const total = 100 * 1024 * 1024;
    let pulled = 0;
    let answered!: () => void;
    const answer = new Promise<void>((resolveAnswer) => {
      answered = resolveAnswer;
    });
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        // Past 2 MiB this client waits for the answer before sending more (a slow uplink): the
        // gateway must answer from what it has, not wait for the whole body.
        if (pulled >= 2 * 1024 * 1024) await answer;
        if (pulled >= total) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${stack.url}${SEARCH}`, {
      method: 'POST',
      headers: { apikey: stack.publishableKey, 'content-type': 'application/json' },
      body,
      // @ts-expect-error Node's fetch needs duplex for streamed request bodies
      duplex: 'half',
    });
    const sentBeforeAnswer = pulled;
    answered();
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('PAYLOAD_TOO_LARGE');
    // Answered from the first 2 MiB of 100 MB; the gateway held at most 1 MiB and forwarded nothing.
    expect(sentBeforeAnswer).toBeLessThanOrEqual(2 * 1024 * 1024 + chunk.length);
  });

  it('still forwards bodies under the limit', async () => {
    const response = await rest('/rpc/search_books', {
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // 900 kB: JSON allows the padding, and the limit is 1 MiB.
        body: `${JSON.stringify({ query: 'roman', page_size: 1 })}${' '.repeat(900_000)}`,
      },
    });
    expect(response.status).toBe(200);
  });
});

describe('gateway: request ids', () => {
  it('keeps a sane x-request-id and replaces anything else', async () => {
    const sane = await rest('/books?select=id&limit=1', { init: { headers: { 'x-request-id': 'req-42.a:b_c' } } });
    expect(sane.headers.get('x-request-id')).toBe('req-42.a:b_c');
    for (const bad of ['<script>alert(1)</script>', 'x'.repeat(129), 'a b', '"quoted"']) {
      const response = await fetch(`${stack.url}/rest/v1/books`, { headers: { 'x-request-id': bad } });
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect((await errorOf(response)).id).toBe(id);
    }
  });
});

describe('gateway: the OpenAPI root', () => {
  it('refuses GET /rest/v1/ to anonymous callers and never reveals where PostgREST listens', async () => {
    const postgrestAddress = new URL(stack.postgrestUrl).host;
    for (const path of ['/rest/v1/', '/rest/v1']) {
      const anon = await fetch(`${stack.url}${path}`, { headers: { apikey: stack.publishableKey } });
      expect(anon.status).toBe(404);
      expect((await errorOf(anon)).code).toBe('NOT_FOUND');
    }
    const service = await fetch(`${stack.url}/rest/v1/`, { headers: { apikey: stack.secretKey } });
    expect(service.status).toBe(200);
    const text = await service.text();
    expect(text).toContain('"swagger"');
    expect(text).not.toContain(postgrestAddress);
    expect(text).toContain(new URL(stack.url).host);
  });
});

describe("gateway: a user token is bound to its partner's publishable key", () => {
  const BOOKS = '/profiles?select=id';
  const ORIGIN = 'https://reader.partner.example';

  it("refuses another partner's user, and a Coko reader, with a partner key", async () => {
    const [a, b] = [await newPartner(), await newPartner()];
    const user = await session(b.secretKey, { externalUserId: externalId() });
    const own = await rest(BOOKS, { apikey: b.publishableKey, token: user.accessToken, origin: ORIGIN });
    expect(own.status).toBe(200);
    const foreign = await rest(BOOKS, { apikey: a.publishableKey, token: user.accessToken, origin: ORIGIN });
    expect(foreign.status).toBe(403);
    expect((await errorOf(foreign)).code).toBe('PERMISSION_DENIED');
    // A token without a partner (a first-party reader) is no partner's user either.
    const reader = await mintUserToken(
      stack.keys,
      { id: '00000000-0000-4000-8000-000000000001' },
      { expiresInSeconds: 60 },
    );
    const coko = await rest(BOOKS, { apikey: a.publishableKey, token: reader, origin: ORIGIN });
    expect(coko.status).toBe(403);
    expect((await errorOf(coko)).code).toBe('PERMISSION_DENIED');
    const garbage = await rest(BOOKS, { apikey: a.publishableKey, token: 'not-a-jwt', origin: ORIGIN });
    expect(garbage.status).toBe(401);
    expect((await errorOf(garbage)).code).toBe('AUTHENTICATION_ERROR');
  });

  it("refuses a partner user's token with the project's publishable key from a browser, not from a server", async () => {
    const partner = await newPartner();
    const user = await session(partner.secretKey, { externalUserId: externalId() });
    const browser = await rest(BOOKS, { apikey: stack.publishableKey, token: user.accessToken, origin: ORIGIN });
    expect(browser.status).toBe(403);
    expect((await errorOf(browser)).code).toBe('PERMISSION_DENIED');
    const native = await rest(BOOKS, { apikey: stack.publishableKey, token: user.accessToken });
    expect(native.status).toBe(200);
  });
});
