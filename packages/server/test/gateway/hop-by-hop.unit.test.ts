// The proxy's one-pass header filters (src/gateway/hop-by-hop.ts) drop exactly what withoutHopByHop
// drops: the listed hop-by-hop headers, `proxy-…`, those a Connection header names, and the extras.
import { describe, expect, it } from 'vitest';
import { endToEndHeaders, forwardableHeaders, withoutHopByHop } from '../../src/gateway/hop-by-hop.ts';

const RAW = [
  'Host',
  'gateway.example',
  'Connection',
  'keep-alive, X-Hop',
  'Keep-Alive',
  'timeout=5',
  'X-Hop',
  'per-connection',
  'Proxy-Authorization',
  'Basic c2VjcmV0',
  'Proxy-Whatever',
  '1',
  'Transfer-Encoding',
  'chunked',
  'Content-Length',
  '12',
  'TE',
  'trailers',
  'Upgrade',
  'h2c',
  'Expect',
  '100-continue',
  'Accept',
  'application/json',
  'Accept-Encoding',
  'br',
  'Apikey',
  'sb_publishable_x',
  'Prefer',
  'count=estimated',
  'Set-Cookie',
  'a=1',
  'Set-Cookie',
  'b=2',
];

const asHeaders = (raw: string[]) => {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
};

describe('one-pass hop-by-hop filters', () => {
  it('forwardableHeaders keeps what withoutHopByHop keeps, as a record', () => {
    const headers = asHeaders(RAW.slice(0, -4));
    const expected = Object.fromEntries(withoutHopByHop(headers, ['accept-encoding', 'apikey']));
    expect(forwardableHeaders(headers, ['accept-encoding', 'apikey'])).toEqual(expected);
    expect(expected).toEqual({ accept: 'application/json', prefer: 'count=estimated' });
  });

  it("endToEndHeaders keeps what withoutHopByHop keeps from a response's raw headers, repeats included", () => {
    const kept = endToEndHeaders(RAW);
    const expected = withoutHopByHop(asHeaders(RAW));
    expect([...kept]).toEqual([...expected]);
    expect(kept.getSetCookie()).toEqual(['a=1', 'b=2']);
    for (const name of ['connection', 'x-hop', 'proxy-whatever', 'transfer-encoding', 'content-length', 'host']) {
      expect(kept.has(name), name).toBe(false);
    }
  });
});
