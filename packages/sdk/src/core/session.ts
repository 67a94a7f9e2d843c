import { AuthenticationError } from './errors';

/**
 * A function returning the reader's JWT, or `null` for a guest. Called when the SDK needs a token:
 * on first use, shortly before the cached one expires, and with `{ forceRefresh: true }` after the
 * server rejected it (a source that caches tokens itself should then fetch a new one).
 * It may carry `subscribe`: the SDK calls it once and drops its cached token whenever the listener
 * fires (sign-in, sign-out, token refreshed elsewhere). `@coko/sdk/auth`'s `accessToken` has one.
 */
export type AccessTokenFunction = ((context: { forceRefresh: boolean }) => Promise<string | null> | string | null) & {
  subscribe?: (onChange: () => void) => unknown;
};

/** Where the reader's JWT comes from: a function (see `AccessTokenFunction`), a fixed token, or nothing (guests). */
export type AccessToken = string | null | AccessTokenFunction;

/** The token cache shared by every request of one client. */
export interface Session {
  /** The token to send now (`null`: guest). Cached; refreshed shortly before it expires. */
  get(): Promise<string | null>;
  /**
   * `rejected` got a 401: returns a fresh token, or `null` when there is none to try (guest, fixed
   * token, or the source handed back the same one). Concurrent callers share one refresh.
   */
  refresh(rejected: string): Promise<string | null>;
  /** Forgets the cached token; the next request asks the source again. */
  reset(): void;
}

interface Cached {
  token: string;
  /** Local time (ms) from which the token is refreshed before use; `Infinity`: only after a 401. */
  refreshAt: number;
  /** Local time (ms) at which it expires, as far as we can tell. */
  expiresAt: number;
}

/**
 * The payload of a JWT (base64url JSON, no signature check): `exp`/`iat` to schedule refreshes,
 * `sub` to keep readers' queued writes apart. The SDK's one JWT decoder.
 */
export function jwtClaims(token: string | null | undefined): { exp?: unknown; iat?: unknown; sub?: unknown } {
  try {
    return JSON.parse(atob(((token as string).split('.')[1] as string).replace(/-/g, '+').replace(/_/g, '/'))) ?? {};
  } catch {
    return {};
  }
}

/**
 * Caches the token from `source` and refreshes it 60 s before `exp` (or with 10 % of its lifetime
 * left, for tokens shorter than 10 minutes). One refresh at a time: concurrent requests await the
 * same call. A token that already looks expired on arrival (a skewed local clock) is used until the
 * server rejects it. The token is never logged nor put into an error. `now` is read at each call, so
 * a faked clock (tests) is honoured.
 */
export function createSession(source: AccessToken | undefined, now: () => number = () => Date.now()): Session {
  let cached: Cached | undefined;
  let pending: Promise<string | null> | undefined;
  let generation = 0;
  let subscribed = false;

  const reset = () => {
    generation++;
    cached = pending = undefined;
  };

  const load = (forceRefresh = false): Promise<string | null> => {
    if (pending) return pending;
    const gen = generation;
    const promise: Promise<string | null> = (async () => {
      let token: unknown;
      try {
        token = await (source as AccessTokenFunction)({ forceRefresh });
      } catch (cause) {
        throw new AuthenticationError('accessToken() failed', { cause });
      }
      if (token != null && typeof token !== 'string') {
        throw new AuthenticationError('accessToken() must return a string or null');
      }
      if (!token) return null;
      if (gen === generation) {
        const at = now();
        const { exp, iat } = jwtClaims(token);
        let expiresAt = Number.POSITIVE_INFINITY;
        let refreshAt = expiresAt;
        if (typeof exp === 'number' && exp * 1000 > at) {
          expiresAt = exp * 1000;
          const lifetime = expiresAt - (typeof iat === 'number' && iat * 1000 < at ? iat * 1000 : at);
          refreshAt = expiresAt - Math.min(60_000, lifetime / 10);
          // Handed a token already inside the margin: use it until it expires rather than re-asking per request.
          if (refreshAt <= at) refreshAt = expiresAt;
        }
        cached = { token, refreshAt, expiresAt };
      }
      return token;
    })().finally(() => {
      if (pending === promise) pending = undefined;
    });
    pending = promise;
    return promise;
  };

  return {
    async get() {
      if (typeof source !== 'function') return source || null;
      if (!subscribed) {
        subscribed = true;
        source.subscribe?.(reset);
      }
      const current = cached;
      if (!current) return load();
      const at = now();
      if (at < current.refreshAt) return current.token;
      // Refresh early, but a still-valid token beats a failed refresh (the next request tries again).
      return load().catch((error) => {
        if (at < current.expiresAt && cached === current) return current.token;
        throw error;
      });
    },
    async refresh(rejected) {
      if (typeof source !== 'function') return null;
      // Another request already replaced the rejected token (or is replacing it): use that.
      if (cached && cached.token !== rejected) return cached.token;
      if (!pending) cached = undefined;
      const token = await load(true);
      return token === rejected ? null : token;
    },
    reset,
  };
}

/**
 * Sends a request with the current token and, when a user token gets a 401 (PostgREST's
 * `PGRST301`/`PGRST303` expired or invalid JWT, or the API's 401), refreshes it once and re-sends.
 * A second 401 is returned as is.
 */
export async function sendWithSession(
  session: Session,
  send: (token: string | null, retry: boolean) => Promise<Response>,
): Promise<Response> {
  const token = await session.get();
  const response = await send(token, false);
  if (response.status !== 401 || !token) return response;
  const fresh = await session.refresh(token);
  if (!fresh) return response;
  // Free the rejected response; never await it (a tee'd or mocked body may never settle).
  void response.body?.cancel().catch(() => {});
  return send(fresh, true);
}
