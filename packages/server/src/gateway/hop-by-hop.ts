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

const HOP_BY_HOP_NAMES: ReadonlySet<string> = new Set(HOP_BY_HOP);

/** The header names a `Connection` header lists (lower case): hop-by-hop too. */
function connectionNamed(connection: string | null | undefined): string[] {
  if (!connection) return [];
  return connection
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name));
}

/** Whether `name` (lower case) is hop-by-hop: listed, `proxy-…`, named in `Connection`, or in `extra`. */
function isHopByHop(name: string, named: readonly string[], extra: readonly string[]): boolean {
  return HOP_BY_HOP_NAMES.has(name) || name.startsWith('proxy-') || named.includes(name) || extra.includes(name);
}

/** A copy of `headers` without hop-by-hop headers, those named in `Connection`, and `extra`. */
export function withoutHopByHop(headers: Headers, extra: readonly string[] = []): Headers {
  const copy = new Headers(headers);
  const named = connectionNamed(headers.get('connection'));
  for (const name of [...HOP_BY_HOP, ...named, ...extra]) copy.delete(name);
  for (const name of [...copy.keys()]) if (name.startsWith('proxy-')) copy.delete(name);
  return copy;
}

/**
 * {@link withoutHopByHop} as a plain record, node:http's form for a request it sends: one pass over
 * `headers`, without the intermediate `Headers` copy (the proxy does this on every request).
 */
export function forwardableHeaders(headers: Headers, extra: readonly string[] = []): Record<string, string> {
  const named = connectionNamed(headers.get('connection'));
  const kept: Record<string, string> = {};
  for (const [name, value] of headers) if (!isHopByHop(name, named, extra)) kept[name] = value;
  return kept;
}

/**
 * The end-to-end headers of a response node:http received (`rawHeaders`: name, value, name, value…),
 * repeated ones kept: {@link withoutHopByHop} built in one pass from what came off the socket.
 */
export function endToEndHeaders(rawHeaders: readonly string[]): Headers {
  let named: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === 'connection') {
      named = named.concat(connectionNamed(rawHeaders[i + 1]));
    }
  }
  const headers = new Headers();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (!isHopByHop(name.toLowerCase(), named, [])) headers.append(name, rawHeaders[i + 1] as string);
  }
  return headers;
}
