// The gateway's own surface: methods, framing and hop-by-hop headers, Content-Type, apikey and Authorization shapes,
// huge headers, x-request-id, oversized bodies. Most go over a raw socket (fetch refuses TRACE, Expect, control bytes).
import type { FuzzCase } from './cases.ts';
import { ODD_HEADER_VALUES, oddAuthorizations } from './values.ts';

export interface GatewayCaseOptions {
  /** apikey header per role (anon: the project's publishable key; partner: a partner's pk_). */
  apikeys: Record<string, string>;
  /** A user token for the reader role. */
  readerToken: string;
  /** The project's secret key (refused from browsers). */
  secretKey: string;
  jwts: Parameters<typeof oddAuthorizations>[0];
}

const PATHS = [
  '/',
  '/rest/v1/',
  '/rest/v1',
  '/rest/v1/books?select=id&limit=1',
  '/rest/v1/rpc/search_books',
  '/functions/v1/api/health',
  '/functions/v1/api/v1/sessions',
  '/functions/v1',
  '/auth/v1/token',
  '/auth/v1/.well-known/jwks.json',
  '/nope',
  '//rest/v1/books',
  '/rest/v1/../functions/v1/api/health',
  '/rest/v1/%00',
  '/rest/v1/books?select=id&id=eq.%FF',
];

const layerOf = (path: string) => (path.startsWith('/rest/v1') ? 'rest' : 'gateway');

/** The cases of the gateway. */
export function gatewayCases(options: GatewayCaseOptions): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const roleHeaders: Record<string, [string, string][]> = {
    anon: [['apikey', options.apikeys.anon ?? '']],
    reader: [
      ['apikey', options.apikeys.reader ?? ''],
      ['Authorization', `Bearer ${options.readerToken}`],
    ],
    partner: [['apikey', options.apikeys.partner ?? '']],
  };
  const raw = (
    role: string,
    name: string,
    method: string,
    path: string,
    headers: [string, string][],
    body?: string | Buffer,
    expectStatus?: number,
  ) => {
    cases.push({
      layer: layerOf(path),
      role,
      name,
      method,
      path,
      headers: {},
      raw: { method, path, headers: [...(roleHeaders[role] ?? []), ...headers], body },
      expectStatus,
    });
  };
  const json: [string, string] = ['Content-Type', 'application/json'];

  for (const role of Object.keys(roleHeaders)) {
    for (const path of PATHS) {
      for (const method of ['TRACE', 'PROPFIND', 'FOO', 'OPTIONS', 'HEAD', 'PATCH', 'DELETE']) {
        raw(role, `method ${method}`, method, path, []);
      }
      raw(role, 'OPTIONS preflight', 'OPTIONS', path, [
        ['Origin', 'https://reader.partner.example'],
        ['Access-Control-Request-Method', 'POST'],
        ['Access-Control-Request-Headers', 'apikey, authorization, content-type, x-evil'],
      ]);
      raw(role, 'Expect: 100-continue', 'POST', path, [json, ['Expect', '100-continue']], '{"query":"x"}');
      raw(role, 'Expect: something else', 'POST', path, [json, ['Expect', 'teapot']], '{}');
    }
    raw(role, 'CONNECT', 'CONNECT', '127.0.0.1:5432', []);
    const rpc = '/rest/v1/rpc/search_books';
    const sessions = '/functions/v1/api/v1/sessions';
    for (const path of [rpc, sessions]) {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'application/json; charset=utf-16',
        'x',
        '',
      ]) {
        raw(role, `content-type ${JSON.stringify(type)}`, 'POST', path, [['Content-Type', type]], '{"query":"x"}');
      }
      raw(
        role,
        'Content-Length and Transfer-Encoding',
        'POST',
        path,
        [json, ['Content-Length', '4'], ['Transfer-Encoding', 'chunked']],
        '0\r\n\r\n',
      );
      raw(role, 'bad Content-Length', 'POST', path, [json, ['Content-Length', 'abc']], '{}');
      raw(role, 'Content-Length shorter than the body', 'POST', path, [json, ['Content-Length', '2']], '{"query":"x"}');
      raw(
        role,
        'malformed chunked body',
        'POST',
        path,
        [json, ['Transfer-Encoding', 'chunked']],
        'zz\r\n{}\r\n0\r\n\r\n',
      );
      if (role === 'anon') {
        const big = `{"query":"${'x'.repeat(4 * 1024 * 1024)}"}`;
        raw(role, 'body of 4 MiB', 'POST', path, [json], big, 413);
        raw(role, 'chunked body of 4 MiB', 'POST', path, [json, ['Transfer-Encoding', 'chunked']], chunked(big), 413);
      }
    }
    for (const path of ['/rest/v1/books?select=id&limit=1', '/functions/v1/api/health']) {
      raw(role, 'header of 20 KiB', 'GET', path, [['X-Big', 'x'.repeat(20 * 1024)]]);
      raw(
        role,
        '300 headers',
        'GET',
        path,
        Array.from({ length: 300 }, (_, i) => [`X-H${i}`, 'v'] as [string, string]),
      );
      raw(role, 'URL of 20 KiB', 'GET', `${path}${path.includes('?') ? '&' : '?'}x=${'a'.repeat(20 * 1024)}`, []);
      raw(role, 'control byte in a header', 'GET', path, [['X-Odd', 'a\u0001b']]);
      raw(role, 'latin1 byte in a header', 'GET', path, [['X-Odd', 'caf\u00e9']]);
      raw(role, 'header without a value', 'GET', path, [['X-Empty', '']]);
      for (const [label, value] of [
        ...ODD_HEADER_VALUES,
        ['200 characters', 'a'.repeat(200)],
        ['script', '<script>alert(1)</script>'],
        ['control byte', 'id\u0001x'],
        ['space inside', 'a b'],
      ] as [string, string][]) {
        raw(role, `x-request-id ${label}`, 'GET', path, [['X-Request-Id', value]]);
      }
    }
  }

  // Keys and credentials (no role: these ARE the credentials).
  const books = '/rest/v1/books?select=id&limit=1';
  const apikeys: [string, string][] = [
    ['empty apikey', ''],
    ['sb_ prefix only', 'sb_'],
    ['sb_publishable unknown', 'sb_publishable_nope'],
    ['pk_ prefix only', 'pk_'],
    ['pk_ short', 'pk_a_b'],
    ['pk_ right shape, unknown', `pk_${'A'.repeat(16)}_${'b'.repeat(32)}`],
    ['pk_ non-base62', `pk_${'-'.repeat(16)}_${'/'.repeat(32)}`],
    ['pk_ 8k', `pk_${'A'.repeat(8000)}`],
    ['sk_ unknown', `sk_${'A'.repeat(16)}_${'b'.repeat(32)}`],
    ['a JWT as apikey', options.jwts.expired],
    ['latin1 bytes', 'pk_caf\u00e9'],
    ['spaces', ' pk_ x '],
    ['comma list', `${options.apikeys.anon}, ${options.apikeys.partner}`],
  ];
  for (const [label, apikey] of apikeys) {
    for (const path of [books, '/rest/v1/rpc/search_books', '/functions/v1/api/health']) {
      cases.push({
        layer: layerOf(path),
        role: 'credentials',
        name: label,
        method: 'GET',
        path,
        headers: {},
        raw: { method: 'GET', path, headers: [['apikey', apikey]] },
      });
    }
  }
  // The gateway's own refusals (no apikey) echo x-request-id: odd ids must not come back as they are.
  for (const [label, value] of [
    ...ODD_HEADER_VALUES,
    ['script', '<script>alert(1)</script>'],
    ['space inside', 'a b'],
  ]) {
    cases.push({
      layer: 'gateway',
      role: 'credentials',
      name: `no apikey, x-request-id ${label}`,
      method: 'GET',
      path: books,
      headers: {},
      raw: { method: 'GET', path: books, headers: [['X-Request-Id', value as string]] },
    });
  }
  cases.push({
    layer: 'gateway',
    role: 'credentials',
    name: 'two apikey headers',
    method: 'GET',
    path: books,
    headers: {},
    raw: {
      method: 'GET',
      path: books,
      headers: [
        ['apikey', options.apikeys.anon ?? ''],
        ['apikey', 'pk_x'],
      ],
    },
  });
  for (const path of [books, '/functions/v1/api/v1/me']) {
    const headers: [string, string][] = [
      ['apikey', options.apikeys.anon ?? ''],
      ['Authorization', `Bearer ${options.readerToken}`],
      ['Authorization', `Bearer ${options.jwts.wrongKey}`],
    ];
    cases.push({
      layer: layerOf(path),
      role: 'credentials',
      name: 'two Authorization headers',
      method: 'GET',
      path,
      headers: {},
      raw: { method: 'GET', path, headers },
    });
  }
  cases.push({
    layer: 'gateway',
    role: 'credentials',
    name: 'secret key from a browser',
    method: 'GET',
    path: books,
    headers: {},
    raw: {
      method: 'GET',
      path: books,
      headers: [
        ['apikey', options.secretKey],
        ['Origin', 'https://evil.example'],
      ],
    },
  });
  for (const [label, authorization] of oddAuthorizations(options.jwts)) {
    for (const apikey of [options.apikeys.anon ?? '', options.apikeys.partner ?? '', '']) {
      for (const path of [books, '/functions/v1/api/v1/me']) {
        cases.push({
          layer: layerOf(path),
          role: 'credentials',
          name: `authorization ${label}${apikey ? '' : ' (no apikey)'}`,
          method: 'GET',
          path,
          headers: {},
          raw: {
            method: 'GET',
            path,
            headers: [...(apikey ? [['apikey', apikey] as [string, string]] : []), ['Authorization', authorization]],
          },
        });
      }
    }
  }
  return cases;
}

function chunked(body: string): string {
  const size = 64 * 1024;
  let out = '';
  for (let i = 0; i < body.length; i += size) {
    const part = body.slice(i, i + size);
    out += `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`;
  }
  return `${out}0\r\n\r\n`;
}
