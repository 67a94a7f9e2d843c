/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) concern one connection and must not be forwarded, in either
 * direction. `expect` is among them here: Node's fetch refuses it (curl sends `Expect: 100-continue`
 * for bodies over 1 MB), and the gateway reads the body itself. `host` and `content-length` are set
 * anew by fetch.
 */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
  'content-length',
];

/** A copy of `headers` without hop-by-hop headers, those named in `Connection`, and `extra`. */
export function withoutHopByHop(headers: Headers, extra: readonly string[] = []): Headers {
  const copy = new Headers(headers);
  const named = (headers.get('connection') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name));
  for (const name of [...HOP_BY_HOP, ...named, ...extra]) copy.delete(name);
  for (const name of [...copy.keys()]) if (name.startsWith('proxy-')) copy.delete(name);
  return copy;
}
