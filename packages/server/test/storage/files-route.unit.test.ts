import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalFiles, localFiles } from './helpers.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('GET /v1/files/{bucket}/{path} (local signed URLs)', () => {
  let files: LocalFiles;
  const body = new TextEncoder().encode('0123456789abcdefghij');
  let url: string;

  async function setUp(path = 'b1/book.epub') {
    files = localFiles();
    await files.storage.put('books', path, body, { contentType: 'application/epub+zip' });
    url = await files.storage.signedUrl('books', path, { expiresIn: 600 });
  }
  afterEach(() => files.close());

  const get = (headers: Record<string, string> = {}, method = 'GET', at = url) =>
    Promise.resolve(files.app.request(at, { method, headers }));

  it('serves the whole file with its validators and a cache lifetime ending at the expiry', async () => {
    await setUp();
    const response = await get();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('0123456789abcdefghij');
    expect(response.headers.get('content-length')).toBe('20');
    expect(response.headers.get('content-type')).toBe('application/epub+zip');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(response.headers.get('last-modified')).toMatch(/GMT$/);
    expect(response.headers.get('cache-control')).toBe('private, max-age=600');
    files.clock.now += 100_000;
    expect((await get()).headers.get('cache-control')).toBe('private, max-age=500');
  });

  it.each([
    ['bytes=2-5', '2345', 'bytes 2-5/20'],
    ['bytes=15-', 'fghij', 'bytes 15-19/20'],
    ['bytes=-3', 'hij', 'bytes 17-19/20'],
    ['bytes=18-1000', 'ij', 'bytes 18-19/20'],
    ['bytes=-50', '0123456789abcdefghij', 'bytes 0-19/20'],
  ])('answers Range %s with 206', async (range, text, contentRange) => {
    await setUp();
    const response = await get({ range });
    expect(response.status).toBe(206);
    expect(await response.text()).toBe(text);
    expect(response.headers.get('content-range')).toBe(contentRange);
    expect(response.headers.get('content-length')).toBe(String(text.length));
  });

  it.each(['bytes=20-', 'bytes=100-200', 'bytes=-0'])('answers %s with 416 RANGE_NOT_SATISFIABLE', async (range) => {
    await setUp();
    const response = await get({ range });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */20');
    const error = (await response.json()) as { error: { code: string; id: string } };
    expect(error.error.code).toBe('RANGE_NOT_SATISFIABLE');
    expect(error.error.id).toBeTruthy();
  });

  it.each(['bytes=0-1,5-6', 'items=0-5', 'bytes=5-2', 'bytes=abc'])(
    'answers the whole file to a Range it does not serve (%s)',
    async (range) => {
      await setUp();
      const response = await get({ range });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('0123456789abcdefghij');
    },
  );

  it('revalidates with If-None-Match and resumes only the same version with If-Range', async () => {
    await setUp();
    const etag = (await get()).headers.get('etag')!;
    const notModified = await get({ 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect((await get({ 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await get({ 'if-none-match': '"other"' })).status).toBe(200);

    expect((await get({ range: 'bytes=10-', 'if-range': etag })).status).toBe(206);
    const lastModified = (await get()).headers.get('last-modified')!;
    expect((await get({ range: 'bytes=10-', 'if-range': lastModified })).status).toBe(206);
    const earlier = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    expect((await get({ range: 'bytes=10-', 'if-range': earlier })).status).toBe(200);
    expect((await get({ range: 'bytes=10-', 'if-range': `W/${etag}` })).status).toBe(200);
    const changed = await get({ range: 'bytes=10-', 'if-range': '"an-older-version"' });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe('0123456789abcdefghij');
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    await setUp();
    const head = await get({}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('20');
    expect(await head.text()).toBe('');
    const ranged = await get({ range: 'bytes=0-9' }, 'HEAD');
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 0-9/20');
  });

  it('refuses a tampered, moved, unsigned or expired link with 403 PERMISSION_DENIED', async () => {
    await setUp();
    const signed = new URL(url, 'http://localhost');
    const sig = signed.searchParams.get('sig')!;
    const exp = signed.searchParams.get('exp')!;
    const tamperedSig = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    const cases = [
      `${signed.pathname}?exp=${exp}&sig=${tamperedSig}`,
      `${signed.pathname}?exp=${Number(exp) + 3600}&sig=${sig}`,
      `${signed.pathname.replace('b1/book.epub', 'b2/book.epub')}?exp=${exp}&sig=${sig}`,
      `${signed.pathname.replace('/books/', '/covers/')}?exp=${exp}&sig=${sig}`,
      signed.pathname,
      `${signed.pathname}?exp=soon&sig=${sig}`,
    ];
    for (const at of cases) {
      const response = await get({}, 'GET', at);
      expect(response.status, at).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PERMISSION_DENIED');
    }
    files.clock.now += 601_000;
    const expired = await get();
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe('expired');
  });

  it('answers 404 when the signed file is gone', async () => {
    await setUp();
    await files.storage.remove('books', ['b1/book.epub']);
    const response = await get();
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('serves paths with spaces and accents as signed', async () => {
    await setUp('b1/epub/OEBPS/Chapitre 1 — été.xhtml');
    const response = await get();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('0123456789abcdefghij');
  });
});

describe('a download cut mid-file and resumed with Range', () => {
  let files: LocalFiles | undefined;
  let server: ServerType | undefined;
  afterEach(async () => {
    await new Promise<void>((resolveClose) => (server ? server.close(() => resolveClose()) : resolveClose()));
    files?.close();
  });

  it('gives the same bytes as the original file', async () => {
    files = localFiles();
    const original = new Uint8Array(randomBytes(4 * 1024 * 1024));
    await files.storage.put('books', 'b/book.pdf', original, { contentType: 'application/pdf' });
    const signed = await files.storage.signedUrl('books', 'b/book.pdf', { expiresIn: 600 });
    const app = files.app;
    server = await new Promise<ServerType>((resolveListen) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolveListen(started));
    });
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // The link drops after about a third of the file: the reader keeps what arrived.
    const controller = new AbortController();
    const first = await fetch(`${origin}${signed}`, { signal: controller.signal });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const received: Uint8Array[] = [];
    let length = 0;
    const reader = first.body!.getReader();
    while (length < original.byteLength / 3) {
      const { done, value } = await reader.read();
      if (done) break;
      received.push(value);
      length += value.byteLength;
    }
    controller.abort();
    await reader.cancel().catch(() => {});
    expect(length).toBeLessThan(original.byteLength);

    const rest = await fetch(`${origin}${signed}`, { headers: { range: `bytes=${length}-`, 'if-range': etag } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes ${length}-${original.byteLength - 1}/${original.byteLength}`);
    const tail = new Uint8Array(await rest.arrayBuffer());

    const resumed = new Uint8Array(length + tail.byteLength);
    let offset = 0;
    for (const chunk of [...received, tail]) {
      resumed.set(chunk, offset);
      offset += chunk.byteLength;
    }
    expect(resumed.byteLength).toBe(original.byteLength);
    expect(sha256(resumed)).toBe(sha256(original));
  });
});
