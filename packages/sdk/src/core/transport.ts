import { PostgrestClient } from '@supabase/postgrest-js';
import type { Database } from '../database.types';
import { isCokoError, networkError } from './errors';
import { RETRY_STATUSES, retryDelay, sleep } from './retry';
import { type AccessToken, createSession, type Session, sendWithSession } from './session';

/** Options of the HTTP layer, shared by `createCoko()` and `createCokoServer()`. */
export interface HttpOptions {
  /** Custom `fetch` (tests, instrumentation). Defaults to the global `fetch`, resolved at call time. */
  fetch?: typeof fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Per-attempt timeout in milliseconds. Default `10_000`. */
  timeout?: number;
  /** Retries for idempotent requests on network errors, 408, 429 and 5xx. Default `2`. */
  retries?: number;
}

/** Options of `createCoko()`. */
export interface CokoOptions extends HttpOptions {
  /** Base URL of the Coko project, e.g. `https://xyz.supabase.co` or `http://localhost:54321`. */
  url: string;
  /** The project's publishable (anon) key. Safe to ship to browsers. */
  publishableKey: string;
  /**
   * The signed-in reader's JWT: a function returning it (or `null` for guests), or a fixed token.
   * The SDK caches the token, calls the function again shortly before the token's `exp` (60 s,
   * or 10 % of its lifetime for short tokens) and once after a 401 (then re-sends the request
   * once); concurrent requests share one call. Without it, requests go out as guests.
   */
  accessToken?: AccessToken;
  /**
   * The reader's country (ISO 3166-1 alpha-2, e.g. `'SN'`), sent as `x-coko-country` on Coko's
   * requests: guests then see the books sold there as well as those sold worldwide (without it,
   * only the latter). A signed-in reader's profile country, when set, takes precedence. A function
   * is asked on every request (a country picker that changes it).
   */
  country?: string | (() => string | null | undefined) | null;
}

/** Per-call options, accepted as the last argument of every SDK method. */
export interface RequestOptions {
  /** Aborts the request (e.g. TanStack Query's `signal`). Aborting rejects with the `AbortError`. */
  signal?: AbortSignal;
}

/** Per-call options of methods that call the Coko API (stripe-node style): these override the client's. */
export interface ApiRequestOptions extends RequestOptions {
  /** Per-attempt timeout in ms. */
  timeout?: number;
  /** Retries of this call (idempotent calls only). */
  retries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** A call to the Coko API. */
export interface ApiInit extends ApiRequestOptions {
  method?: string;
  /** Query parameters (`undefined` values are left out). */
  query?: Record<string, string | undefined>;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (upload chunks), sent as is; set its `content-type` in `headers`. */
  body?: Blob | Uint8Array;
  /** Safe to retry (default: GET, HEAD, PUT, DELETE, OPTIONS). */
  idempotent?: boolean;
}

/** Sends one request through the HTTP layer: auth, timeout, retries, errors as `CokoError`s. */
export type Send = (
  url: string,
  init: RequestInit,
  options?: ApiRequestOptions & { idempotent?: boolean },
) => Promise<Response>;

/**
 * The one authenticated transport every namespace receives. `rest` is a typed PostgREST client
 * (always call `.throwOnError()` on it: its fetch throws `CokoError`s); `api` calls the Coko API.
 * Both go through the same `send`: one retry policy, one token cache.
 */
export interface Transport {
  /** The access-token cache (see `CokoOptions.accessToken`). */
  session: Session;
  /** Typed PostgREST client at `${url}/rest/v1` (internal: the database's generated types). */
  rest: PostgrestClient<Database>;
  /**
   * Calls the Coko API at `${url}/functions/v1/api/<path>` and resolves with the (2xx) response;
   * failures reject with `CokoError`s (the API's `{ error: { code, message, details, id } }` becomes
   * `code`/`details`/`requestId`).
   */
  api(path: string, init?: ApiInit): Promise<Response>;
}

/** Marker header set by `readOnly()`; stripped before the request leaves the client. */
const READ_ONLY_HEADER = 'x-coko-read-only';

/**
 * Marks a PostgREST RPC call as read-only so the transport retries it like a GET. RPCs are sent
 * as POST with a JSON body (a GET would put user text in the query string, where PostgREST reads
 * values such as `eq.1` as filters).
 */
export function readOnly<B extends { setHeader(name: string, value: string): B }>(builder: B): B {
  return builder.setHeader(READ_ONLY_HEADER, '1');
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const isIdempotent = (method = 'GET') => IDEMPOTENT.has(method.toUpperCase());

const isAbort = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';

/**
 * The SDK's one HTTP layer (PostgREST, the Coko API, `@coko/sdk/server`): `authorize` sets the
 * credentials for the session's current token, each attempt has its own timeout, idempotent
 * requests are retried with jittered backoff (and `Retry-After`), a user token refused with a 401
 * is refreshed once. Non-2xx responses reject with `CokoError`s.
 */
export function createSend(
  options: HttpOptions,
  session: Session,
  authorize: (headers: Headers, token: string | null) => void,
): Send {
  return async (url, init, call = {}) => {
    const timeout = call.timeout ?? options.timeout ?? 10_000;
    const retries = call.retries ?? options.retries ?? 2;
    const idempotent = call.idempotent ?? isIdempotent(init.method);
    const signal = call.signal ?? init.signal;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await sendWithSession(session, (token) => {
          const headers = new Headers(options.headers);
          new Headers(init.headers).forEach((value, name) => {
            headers.set(name, value);
          });
          for (const [name, value] of Object.entries(call.headers ?? {})) headers.set(name, value);
          authorize(headers, token);
          // Resolved at call time: SSR-safe, and test doubles installed later are honoured.
          return (options.fetch ?? globalThis.fetch)(url, { ...init, headers, signal: withTimeout(signal, timeout) });
        });
      } catch (error) {
        // accessToken() failures are not transient; the caller's abort is final.
        if (isCokoError(error) || (isAbort(error) && signal?.aborted)) throw error;
        if (idempotent && attempt < retries) {
          await sleep(retryDelay(attempt));
          continue;
        }
        throw networkError(error);
      }
      if (response.ok) return response;
      if (idempotent && attempt < retries && RETRY_STATUSES.has(response.status)) {
        void response.body?.cancel().catch(() => {});
        await sleep(retryDelay(attempt, response));
        continue;
      }
      const body = await response.text().catch(() => '');
      // The error mapping is loaded on the first error response, so pages that never fail never download it.
      throw (await import('./map-error')).errorFromResponse(response.status, body, response.headers);
    }
  };
}

/** Builds the shared transport of `createCoko()`. */
export function createTransport(options: CokoOptions): Transport {
  const base = options.url.replace(/\/+$/, '');
  const { publishableKey } = options;
  const session = createSession(options.accessToken);
  const { country } = options;
  const send = createSend(options, session, (headers, token) => {
    headers.set('apikey', publishableKey);
    headers.set('Authorization', `Bearer ${token || publishableKey}`);
    // createCoko checks a fixed country; the gateway refuses a malformed one with a 400.
    const code = typeof country === 'function' ? country() : country;
    if (code) headers.set('x-coko-country', code.toUpperCase());
  });

  // postgrest-js gives us (url, init); errors are thrown as CokoErrors, which postgrest-js
  // rethrows untouched when the query uses `.throwOnError()`.
  const restFetch: typeof fetch = (input, init = {}) => {
    const headers = new Headers(init.headers);
    // A read-only RPC (see `readOnly`) is a POST that is safe to retry.
    const idempotent = headers.has(READ_ONLY_HEADER) || isIdempotent(init.method);
    headers.delete(READ_ONLY_HEADER);
    return send(String(input instanceof Request ? input.url : input), { ...init, headers }, { idempotent });
  };

  return {
    session,
    // postgrest-js's own retries are off: `send` retries (with jitter, Retry-After and read-only RPCs).
    rest: new PostgrestClient<Database>(`${base}/rest/v1`, { fetch: restFetch, retry: false }),
    api: (path, init = {}) => apiCall(send, `${base}/functions/v1/api`, path, init),
  };
}

/** A Coko API call through `send`: the URL with its query, the JSON body. */
export function apiCall(send: Send, prefix: string, path: string, init: ApiInit): Promise<Response> {
  const url = new URL(`${prefix}/${path.replace(/^\/+/, '')}`);
  for (const [name, value] of Object.entries(init.query ?? {}))
    if (value !== undefined) url.searchParams.set(name, value);
  const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5' };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  return send(
    url.href,
    {
      method: init.method ?? 'GET',
      headers,
      body: (init.body as BodyInit | undefined) ?? (init.json === undefined ? null : JSON.stringify(init.json)),
    },
    init,
  );
}

/** The caller's signal combined with a per-attempt timeout (AbortSignal.any where available). */
function withTimeout(signal: AbortSignal | null | undefined, ms: number): AbortSignal {
  const timer = AbortSignal.timeout(ms);
  if (!signal) return timer;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([signal, timer]);
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  timer.addEventListener('abort', abort, { once: true });
  return controller.signal;
}
