// Builds the fuzz cases: every API route (from the OpenAPI document and the Hono router), every RPC of the exposed
// schema (from pg_proc) and the gateway's own surface, each with a fixed table of bad values (values.ts).
import type { Layer } from './check.ts';
import type { RawRequest } from './raw-http.ts';
import {
  BAD_STRINGS,
  BAD_VALUES,
  type BadValue,
  jsonOf,
  MALFORMED_BODIES,
  ODD_CONTENT_TYPES,
  ODD_HEADER_VALUES,
} from './values.ts';

export interface FuzzCase {
  layer: Layer;
  role: string;
  /** What is being tried, e.g. `body.name = string: NUL`. */
  name: string;
  method: string;
  /** Path and query, relative to the stack's origin. */
  path: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Sent over a raw socket instead of fetch (for what fetch refuses). */
  raw?: RawRequest | undefined;
  /** Besides the general rules, the status this case must get (e.g. 413 for an oversized body). */
  expectStatus?: number | undefined;
}

/** Percent-encodes UTF-8 bytes (lone surrogates become U+FFFD, as browsers do). */
export function encode(value: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Strings for query and path values: the bad strings short enough for a URL, plus broken percent-encodings. */
export const URL_VALUES: [string, string][] = [
  ...BAD_STRINGS.filter(([, value]) => value.length <= 4000).map(
    ([label, value]) => [label, encode(value)] as [string, string],
  ),
  ['lone percent', '%'],
  ['bad percent', '%zz'],
  ['invalid UTF-8', '%FF%FE'],
  ['overlong slash', '%C0%AF'],
  ['encoded slash', '..%2F..%2F'],
];

// ---------------------------------------------------------------------------------------------------------------
// API routes
// ---------------------------------------------------------------------------------------------------------------

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { example?: unknown };
  example?: unknown;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  example?: unknown;
  enum?: unknown[];
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema | { $ref: string } }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface ApiRoute {
  method: string;
  /** OpenAPI-style path (`/api/v1/books/{id}/notes.md`). */
  path: string;
  operation: OpenApiOperation | undefined;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Every route of the API: the operations of its OpenAPI document under `/api` plus whatever the Hono router has
 * that the document does not describe (e.g. `/api/openapi.json`).
 */
export function apiRoutes(doc: OpenApiDocument, router: { method: string; path: string }[]): ApiRoute[] {
  const routes = new Map<string, ApiRoute>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api')) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) continue;
      routes.set(`${method.toUpperCase()} ${path}`, { method: method.toUpperCase(), path, operation });
    }
  }
  for (const route of router) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const key = `${route.method} ${path}`;
    if (!routes.has(key)) routes.set(key, { method: route.method, path, operation: undefined });
  }
  return [...routes.values()].sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

function resolve(doc: OpenApiDocument, schema: JsonSchema | { $ref: string } | undefined): JsonSchema | undefined {
  if (schema && '$ref' in schema) return doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''];
  return schema;
}

function sampleOf(schema: JsonSchema | undefined): unknown {
  if (!schema) return 'x';
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return true;
  if (type === 'array') return [];
  if (type === 'object') return {};
  return 'x';
}

export interface ApiCaseOptions {
  /** Baseline values of path and query parameters by name (default: the parameter's example). */
  params: Record<string, string>;
  /** Authorization per role (undefined: none). */
  roles: Record<string, () => string | undefined>;
  /** Per-case unique value for body properties named here (avoids races on one row), e.g. externalUserId. */
  uniqueBodyFields: Record<string, (n: number) => string>;
  /** Roles that make only the baseline and authorization cases of a route (their inputs never reach a handler). */
  shallowRoles?: (route: ApiRoute, role: string) => boolean;
  /**
   * Odd headers are read by middleware every route shares, so each route sends only every `of`-th of them (from
   * `index`, e.g. the route's position), for its first full role: across routes every one is still sent.
   */
  headerShare: { index: number; of: number };
}

/** Odd Accept, Origin and x-request-id values: what the shared middleware of every route must survive. */
const HEADER_CASES: [string, Record<string, string>][] = [
  ...ODD_HEADER_VALUES.flatMap(([label, value]): [string, Record<string, string>][] => [
    [`x-request-id ${label}`, { 'x-request-id': value }],
    [`accept ${label}`, { accept: value }],
    [`origin ${label}`, { origin: value }],
  ]),
  ...['null', 'https://evil.example', 'file://'].map((origin): [string, Record<string, string>] => [
    `origin ${origin}`,
    { origin },
  ]),
];

/** The cases of one API route for every role. */
export function apiCases(doc: OpenApiDocument, route: ApiRoute, options: ApiCaseOptions): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const parameters = route.operation?.parameters ?? [];
  const pathParams = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
  const queryParams = parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const baseParam = (name: string) => {
    const declared = parameters.find((p) => p.name === name);
    return options.params[name] ?? String(declared?.example ?? declared?.schema?.example ?? 'x');
  };
  const bodySchema = resolve(doc, route.operation?.requestBody?.content?.['application/json']?.schema);
  let counter = 0;
  const baseBody = () => {
    if (!bodySchema) return undefined;
    const n = counter++;
    const body: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(bodySchema.properties ?? {})) {
      body[name] = options.uniqueBodyFields[name]?.(n) ?? sampleOf(schema);
    }
    return body;
  };
  const url = (pathValues: Record<string, string> = {}, query?: string) => {
    const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => pathValues[name] ?? encode(baseParam(name)));
    const search = query ?? queryParams.map((name) => `${name}=${encode(baseParam(name))}`).join('&');
    return `/functions/v1${path}${search ? `?${search}` : ''}`;
  };
  const jsonHeaders = { 'content-type': 'application/json' };

  const fullRoles = Object.keys(options.roles).filter((role) => !options.shallowRoles?.(route, role));
  for (const [role, authorization] of Object.entries(options.roles)) {
    const add = (name: string, init: Partial<FuzzCase> & { path: string }) => {
      const token = authorization();
      cases.push({
        layer: 'api',
        role,
        name,
        method: route.method,
        ...init,
        headers: { ...(token ? { authorization: token } : {}), ...init.headers },
      });
    };
    const body = baseBody();
    add('baseline', { path: url(), body: body ? JSON.stringify(body) : undefined, headers: body ? jsonHeaders : {} });
    if (options.shallowRoles?.(route, role)) continue;

    for (const name of pathParams) {
      for (const [label, value] of URL_VALUES)
        add(`path.${name} = ${label}`, { path: url({ [name]: value }), headers: {} });
    }
    for (const name of queryParams) {
      const others = queryParams
        .filter((other) => other !== name)
        .map((other) => `${other}=${encode(baseParam(other))}`);
      for (const [label, value] of URL_VALUES) {
        add(`query.${name} = ${label}`, { path: url({}, [...others, `${name}=${value}`].join('&')), headers: {} });
      }
      add(`query.${name} repeated`, { path: url({}, [...others, `${name}=a`, `${name}=b`].join('&')), headers: {} });
      add(`query.${name} without value`, { path: url({}, [...others, name].join('&')), headers: {} });
    }
    add('unknown query parameters', { path: url({}, 'select=*&__proto__=1&a[b]=c&&&='), headers: {} });

    if (bodySchema) {
      for (const [label, raw] of MALFORMED_BODIES)
        add(`body: ${label}`, { path: url(), body: raw, headers: jsonHeaders });
      for (const property of Object.keys(bodySchema.properties ?? {})) {
        for (const bad of BAD_VALUES) {
          add(`body.${property} = ${bad.label}`, {
            path: url(),
            body: withProperty(baseBody() ?? {}, property, bad),
            headers: jsonHeaders,
          });
        }
      }
      for (const required of bodySchema.required ?? []) {
        const missing = baseBody() ?? {};
        delete missing[required];
        add(`body without ${required}`, { path: url(), body: JSON.stringify(missing), headers: jsonHeaders });
      }
      add('body with an unknown property', {
        path: url(),
        body: JSON.stringify({ ...baseBody(), unknownProperty: 1 }),
        headers: jsonHeaders,
      });
      for (const type of ODD_CONTENT_TYPES) {
        add(`content-type ${JSON.stringify(type)}`, {
          path: url(),
          body: JSON.stringify(baseBody()),
          headers: type === null ? {} : { 'content-type': type },
        });
      }
      // On its own connection: a server may answer 413 before reading the body and close the socket, which a
      // pooled fetch connection would carry into the next case as a spurious "fetch failed".
      const token = authorization();
      add('body of 2 MiB', {
        path: url(),
        headers: jsonHeaders,
        raw: {
          method: route.method,
          path: url(),
          headers: [
            ['Content-Type', 'application/json'],
            ...(token ? [['Authorization', token] as [string, string]] : []),
          ],
          body: JSON.stringify({ ...baseBody(), padding: 'x'.repeat(2 * 1024 * 1024) }),
        },
        expectStatus: 413,
      });
    }

    if (role === fullRoles[0]) {
      HEADER_CASES.forEach(([label, headers], i) => {
        if ((i + options.headerShare.index) % options.headerShare.of !== 0) return;
        const withBody = baseBody();
        add(label, {
          path: url(),
          headers: { ...(withBody ? jsonHeaders : {}), ...headers },
          body: withBody ? JSON.stringify(withBody) : undefined,
        });
      });
    }
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']) {
      if (method === route.method) continue;
      add(`method ${method}`, { path: url(), method, headers: {} });
    }
  }
  return cases;
}

function withProperty(base: Record<string, unknown>, property: string, bad: BadValue): string {
  const others = Object.entries(base)
    .filter(([name]) => name !== property)
    .map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`);
  return `{${[...others, `${JSON.stringify(property)}:${jsonOf(bad)}`].join(',')}}`;
}

// ---------------------------------------------------------------------------------------------------------------
// RPCs
// ---------------------------------------------------------------------------------------------------------------

export interface RpcFunction {
  name: string;
  /** `i` immutable, `s` stable, `v` volatile (GET works only for the first two). */
  volatility: string;
  args: { name: string; type: string }[];
}

/**
 * The SQL that lists the RPCs PostgREST exposes: the functions of the exposed schemas (`$1`, a text[]) that anon or
 * authenticated may execute, extensions' functions excepted.
 */
export const RPC_QUERY = `
  select p.proname as name, p.provolatile as volatility,
         coalesce(json_agg(json_build_object('name', a.name, 'type', format_type(a.type, null)) order by a.n)
                  filter (where a.name is not null), '[]') as args
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    left join lateral unnest(p.proargnames[1:p.pronargs], p.proargtypes::oid[]) with ordinality as a(name, type, n) on true
   where n.nspname = any($1::text[]) and p.prokind = 'f'
     and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))
     and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
   group by p.oid, p.proname, p.provolatile
   order by p.proname`;

const SAMPLE_BY_NAME: Record<string, unknown> = {
  from_date: '2026-01-01',
  to_date: '2026-01-31',
  tz: 'Africa/Dakar',
  sort: 'relevance',
  page: 1,
  page_size: 20,
  changes: [],
  since: 0,
  permission: 'books:read',
  ids: [],
};

function sampleForType(type: string): unknown {
  if (type.endsWith('[]')) return [];
  if (/^(integer|bigint|smallint|numeric|real|double precision)$/.test(type)) return 1;
  if (type === 'boolean') return true;
  if (type === 'uuid') return '00000000-0000-4000-8000-000000000001';
  if (type === 'json' || type === 'jsonb') return {};
  if (type === 'date') return '2026-01-01';
  if (type.startsWith('timestamp')) return '2026-01-01T00:00:00Z';
  return 'x';
}

/** Above this many arguments, the full role sends each bad value to every other argument only. */
const MANY_ARGUMENTS = 4;

export interface RpcCaseOptions {
  /** Request headers per role: apikey and Authorization. */
  roles: Record<string, () => Record<string, string>>;
  /**
   * The role that gets every bad value and every odd header; each other role gets the baseline and every
   * `share`-th bad value and malformed body (a different slice per role).
   */
  fullRole: string;
  share: number;
}

/** The cases of one RPC for every role. */
export function rpcCases(fn: RpcFunction, options: RpcCaseOptions): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const base = () =>
    Object.fromEntries(fn.args.map((arg) => [arg.name, SAMPLE_BY_NAME[arg.name] ?? sampleForType(arg.type)]));
  const path = `/rest/v1/rpc/${fn.name}`;
  const readOnly = fn.volatility !== 'v';
  const query = (values: Record<string, string>) =>
    Object.entries(values)
      .map(([name, value]) => `${name}=${value}`)
      .join('&');
  const baseQuery = () =>
    Object.fromEntries(
      Object.entries(base()).map(([name, value]) => [
        name,
        encode(typeof value === 'string' ? value : JSON.stringify(value).replace(/^\[(.*)\]$/, '{$1}')),
      ]),
    );

  Object.entries(options.roles).forEach(([role, headersOf], roleIndex) => {
    const full = role === options.fullRole;
    const add = (name: string, init: Partial<FuzzCase>) => {
      cases.push({
        layer: 'rest',
        role,
        name,
        method: 'POST',
        path,
        ...init,
        headers: { ...headersOf(), ...init.headers },
      });
    };
    const json = { 'content-type': 'application/json' };
    add('baseline', { body: JSON.stringify(base()), headers: json });
    add('no arguments', { body: '{}', headers: json });
    add('unknown argument', { body: JSON.stringify({ ...base(), unknown_arg: 1 }), headers: json });
    const mine = (i: number) => full || (i + roleIndex) % options.share === 0;
    MALFORMED_BODIES.forEach(([label, raw], i) => {
      if (mine(i)) add(`body: ${label}`, { body: raw, headers: json });
    });
    // Many-argument functions (search filters) get each value on every other argument, alternating.
    const spread = fn.args.length > MANY_ARGUMENTS;
    fn.args.forEach((arg, argIndex) => {
      BAD_VALUES.forEach((bad, i) => {
        if (!mine(i) || (full && spread && (i + argIndex) % 2 !== 0)) return;
        add(`${arg.name} = ${bad.label}`, { body: withProperty(base(), arg.name, bad), headers: json });
      });
    });
    if (!full) return;
    for (const type of ODD_CONTENT_TYPES) {
      add(`content-type ${JSON.stringify(type)}`, {
        body: JSON.stringify(base()),
        headers: type === null ? {} : { 'content-type': type },
      });
    }
    add('single-object params', { body: JSON.stringify(base()), headers: { ...json, prefer: 'params=single-object' } });
    for (const prefer of [
      'tx=rollback',
      'count=exact',
      'return=representation',
      'handling=strict, garbage=1',
      'x'.repeat(2000),
    ]) {
      add(`prefer ${prefer.slice(0, 40)}`, { body: JSON.stringify(base()), headers: { ...json, prefer } });
    }
    for (const accept of [
      'application/octet-stream',
      'text/csv',
      'application/vnd.pgrst.object+json',
      'application/geo+json',
      'garbage',
    ]) {
      add(`accept ${accept}`, { body: JSON.stringify(base()), headers: { ...json, accept } });
    }
    for (const range of ['0-', 'abc', '10-1', '-5', `0-${'9'.repeat(30)}`]) {
      add(`range ${range.slice(0, 20)}`, { body: JSON.stringify(base()), headers: { ...json, range } });
    }
    add('accept-profile private', { body: JSON.stringify(base()), headers: { ...json, 'accept-profile': 'private' } });
    add('content-profile auth', { body: JSON.stringify(base()), headers: { ...json, 'content-profile': 'auth' } });
    add('GET baseline', { method: 'GET', path: `${path}?${query(baseQuery())}` });
    add('HEAD baseline', { method: 'HEAD', path: `${path}?${query(baseQuery())}` });
    if (readOnly) {
      // The query string goes through one parser for every argument: each value is tried on every `share`-th
      // argument only (all of them when there are fewer arguments than that).
      fn.args.forEach((arg, argIndex) => {
        URL_VALUES.forEach(([label, value], i) => {
          if (fn.args.length > options.share && (i + argIndex) % options.share !== 0) return;
          add(`GET ${arg.name} = ${label}`, {
            method: 'GET',
            path: `${path}?${query({ ...baseQuery(), [arg.name]: value })}`,
          });
        });
      });
      add('GET with a filter on the result', {
        method: 'GET',
        path: `${path}?${query(baseQuery())}&select=nope&order=nope.desc&limit=-1&offset=x`,
      });
    }
    for (const method of ['PUT', 'PATCH', 'DELETE'])
      add(`method ${method}`, { method, body: JSON.stringify(base()), headers: json });
  });
  return cases;
}
