import { PostgrestClient } from '@supabase/postgrest-js';
import type { KyInstance, Options as KyOptions } from 'ky';
import type { Database } from '../database.types';
import { isCokoError } from './errors';
import { errorFromResponse, networkError } from './map-error';
import { type AccessToken, createSession, type Session, sendWithSession } from './session';

/** Options of `createCoko()`. */
export interface CokoOptions {
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
  /** Custom `fetch` (tests, Node < 18, instrumentation). Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Per-attempt timeout in milliseconds. Default `10_000`. */
  timeout?: number;
  /** Retries for idempotent requests on network errors, 408, 429 and 5xx. Default `2`. */
  retries?: number;
}

/** Per-call options, accepted as the last argument of every SDK method. */
export interface RequestOptions {
  /** Aborts the request (e.g. TanStack Query's `signal`). Aborting rejects with the `AbortError`. */
  signal?: AbortSignal;
}

/**
 * The one authenticated transport every namespace receives. `rest` is a typed PostgREST client
 * (always call `.throwOnError()` on it: its fetch throws `CokoError`s); `request` calls the Coko API.
 */
export interface Transport {
  /** The access-token cache (see `CokoOptions.accessToken`). */
  session: Session;
  /** Typed PostgREST client at `${url}/rest/v1`. */
  rest: PostgrestClient<Database>;
  /**
   * The `ky` instance at `${url}/functions/v1/api` (auth, timeout, retries). ky is loaded on first
   * use, so apps that only browse and read never download it.
   */
  api(): Promise<KyInstance>;
  /**
   * Calls the Coko API and returns its parsed JSON body; failures reject with `CokoError`s
   * (the API's `{ error: { code, message, details, id } }` becomes `code`/`details`/`requestId`).
   */
  request<T>(path: string, init?: KyOptions): Promise<T>;
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

const DEFAULT_TIMEOUT = 10_000;
const DEFAULT_RETRIES = 2;

const isAbort = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';

/** Converts whatever ky threw (HTTPError, TimeoutError, TypeError from fetch) into a `CokoError`. */
async function toCokoError(error: unknown): Promise<unknown> {
  if (isCokoError(error) || isAbort(error)) return error;
  // Duck-typed: the Response may come from another realm (custom fetch, test environments).
  const response = (error as { response?: Response } | null)?.response;
  if (response && typeof response.status === 'number' && typeof response.text === 'function') {
    const body = await response.text().catch(() => '');
    return errorFromResponse(response.status, body, response.headers);
  }
  return networkError(error);
}

/**
 * Builds the shared transport. PostgREST calls (the catalog and reading hot path) go through a
 * small fetch wrapper — auth headers, per-attempt timeout, retries with backoff — because ky alone
 * would take a third of the 15 kB brotli budget of the core; the Coko API uses ky, imported lazily.
 */
export function createTransport(options: CokoOptions): Transport {
  const base = options.url.replace(/\/+$/, '');
  const { publishableKey } = options;
  const session = createSession(options.accessToken);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const retries = options.retries ?? DEFAULT_RETRIES;
  // Resolved at call time: SSR-safe, and test doubles installed later are honoured.
  const fetchImpl: typeof fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);

  const authorize = (headers: Headers, token: string | null): void => {
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    headers.set('apikey', publishableKey);
    headers.set('Authorization', `Bearer ${token || publishableKey}`);
  };

  // postgrest-js gives us (url, init); errors are thrown as CokoErrors, which postgrest-js
  // rethrows untouched when the query uses `.throwOnError()`.
  const restFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    // A read-only RPC (see `readOnly`) is a POST that is safe to retry.
    const idempotent = headers.has(READ_ONLY_HEADER) || IDEMPOTENT.has((init?.method ?? 'GET').toUpperCase());
    headers.delete(READ_ONLY_HEADER);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await sendWithSession(session, (token) => {
          authorize(headers, token);
          return fetchImpl(input, { ...init, headers, signal: withTimeout(init?.signal, timeout) });
        });
      } catch (error) {
        // accessToken() failures are not transient.
        if (isCokoError(error) || (isAbort(error) && init?.signal?.aborted)) throw error;
        if (idempotent && attempt < retries) {
          await sleep(backoff(attempt));
          continue;
        }
        throw networkError(error);
      }
      if (response.ok) return response;
      if (idempotent && attempt < retries && RETRY_STATUSES.has(response.status)) {
        await sleep(retryDelay(response, attempt));
        continue;
      }
      throw errorFromResponse(response.status, await response.text().catch(() => ''), response.headers);
    }
  };

  let kyInstance: Promise<KyInstance> | undefined;
  const api = () => {
    kyInstance ??= import('ky').then(({ default: ky }) =>
      ky.create({
        prefixUrl: `${base}/functions/v1/api`,
        // Auth lives in the fetch, so a 401 can refresh the token and re-send once, retries or not.
        fetch: (input, init) => {
          const request = new Request(input, init);
          let spare: Request | undefined;
          return sendWithSession(session, (token, retry) => {
            const next = retry && spare ? spare : request;
            if (token && !retry) spare = request.clone();
            authorize(next.headers, token);
            return fetchImpl(next);
          });
        },
        timeout,
        retry: {
          limit: retries,
          statusCodes: [...RETRY_STATUSES],
          afterStatusCodes: [429, 503],
          maxRetryAfter: MAX_RETRY_AFTER,
          backoffLimit: MAX_BACKOFF,
          jitter: true,
          // Errors we raise ourselves before sending (e.g. accessToken() failed) are not transient.
          shouldRetry: ({ error }) => (isCokoError(error) ? false : undefined),
        },
      }),
    );
    return kyInstance;
  };

  return {
    session,
    // postgrest-js's own retries are off: restFetch retries (with jitter, Retry-After and read-only RPCs).
    rest: new PostgrestClient<Database>(`${base}/rest/v1`, { fetch: restFetch, retry: false }),
    api,
    async request<T>(path: string, init?: KyOptions): Promise<T> {
      try {
        return await (await api())(path.replace(/^\/+/, ''), init).json<T>();
      } catch (error) {
        throw await toCokoError(error);
      }
    },
  };
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const MAX_BACKOFF = 5_000;
const MAX_RETRY_AFTER = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter: 0–300 ms, 0–600 ms, … capped at 5 s. */
const backoff = (attempt: number) => Math.random() * Math.min(MAX_BACKOFF, 300 * 2 ** attempt);

/** Honours `Retry-After` on 429/503 (capped), else backs off. */
function retryDelay(response: Response, attempt: number): number {
  const header = response.headers.get('retry-after');
  const seconds = header === null ? Number.NaN : Number(header);
  if ((response.status === 429 || response.status === 503) && Number.isFinite(seconds)) {
    return Math.min(seconds * 1000, MAX_RETRY_AFTER);
  }
  return backoff(attempt);
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
