// Compressed answers through the gateway, read off the wire (node:http: no automatic decoding), against
// the test stack's real PostgREST: a page or an RPC's answer asked again is the same compressed bytes
// (the gateway keeps what it compressed, keyed by the body's hash: see src/gateway/compressed-cache.ts),
// each client gets the encoding it accepts, and every answer says it varies with Accept-Encoding.
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { stack } from '../identity/helpers.ts';

interface WireAnswer {
  status: number;
  encoding: string | undefined;
  vary: string;
  etag: string | undefined;
  bytes: Buffer;
}

/** One request to the gateway's /rest/v1, its body as it came over the wire. */
function onWire(path: string, headers: Record<string, string>, body?: string): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${stack.url}/rest/v1${path}`);
    const request = httpRequest(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          apikey: stack.publishableKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            encoding: response.headers['content-encoding'],
            vary: String(response.headers.vary ?? '').toLowerCase(),
            etag: response.headers.etag,
            bytes: Buffer.concat(chunks),
          }),
        );
        response.once('error', reject);
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

function decoded(answer: WireAnswer): string {
  if (answer.encoding === 'br') return brotliDecompressSync(answer.bytes).toString();
  if (answer.encoding === 'gzip') return gunzipSync(answer.bytes).toString();
  return answer.bytes.toString();
}

// A page over the 1 KiB compression threshold.
const PAGE = '/books?select=id,title,description&order=id&limit=20';

describe('compressed answers asked again', () => {
  it('a page: the same brotli bytes twice, gzip for a gzip client, identity for one that accepts none', async () => {
    const identity = await onWire(PAGE, {});
    expect(identity.status).toBe(200);
    expect(identity.encoding).toBeUndefined();
    expect(identity.bytes.byteLength).toBeGreaterThan(1024);
    const first = await onWire(PAGE, { 'accept-encoding': 'gzip, br' });
    const again = await onWire(PAGE, { 'accept-encoding': 'br;q=1, gzip;q=0.5' });
    const gzip = await onWire(PAGE, { 'accept-encoding': 'gzip' });
    const refused = await onWire(PAGE, { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect([first.encoding, again.encoding, gzip.encoding, refused.encoding]).toEqual(['br', 'br', 'gzip', undefined]);
    expect(again.bytes.equals(first.bytes)).toBe(true);
    for (const answer of [identity, first, again, gzip, refused]) {
      expect(decoded(answer)).toBe(identity.bytes.toString());
      expect(answer.vary).toContain('accept-encoding');
      expect(answer.etag).toBe(identity.etag);
    }
  });

  it("an RPC's answer by POST: compressed, the same bytes twice, decoding to what identity clients get", async () => {
    const body = JSON.stringify({ query: 'roman', page_size: 10 });
    const identity = await onWire('/rpc/search_books', {}, body);
    expect(identity.status).toBe(200);
    const first = await onWire('/rpc/search_books', { 'accept-encoding': 'br' }, body);
    const again = await onWire('/rpc/search_books', { 'accept-encoding': 'br' }, body);
    const gzip = await onWire('/rpc/search_books', { 'accept-encoding': 'gzip' }, body);
    expect(first.etag).toBeUndefined();
    expect(again.bytes.equals(first.bytes)).toBe(true);
    for (const answer of [first, again, gzip]) {
      expect(answer.vary).toContain('accept-encoding');
      expect(JSON.parse(decoded(answer))).toEqual(JSON.parse(identity.bytes.toString()));
    }
    // Over the 1 KiB threshold (facets and rows): compressed, which is what a reader on a slow link saves.
    expect(identity.bytes.byteLength).toBeGreaterThan(1024);
    expect([first.encoding, gzip.encoding]).toEqual(['br', 'gzip']);
    expect(first.bytes.byteLength).toBeLessThan(identity.bytes.byteLength);
  });
});
