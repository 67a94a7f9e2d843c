/** The one retry policy of the SDK (the transport and the offline queue). */

/** Statuses worth retrying an idempotent request on. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Longest backoff and longest honoured `Retry-After`, in ms. */
export const MAX_BACKOFF = 5_000;
export const MAX_RETRY_AFTER = 30_000;

/** Exponential backoff with full jitter: `0..base`, `0..2·base`, … capped at `cap` ms. */
export const backoff = (attempt: number, base = 300, cap = MAX_BACKOFF): number =>
  Math.random() * Math.min(cap, base * 2 ** attempt);

/** The wait before retry `attempt`: the server's `Retry-After` on 429/503 (capped), else `backoff`. */
export function retryDelay(attempt: number, response?: Response): number {
  const seconds =
    response && (response.status === 429 || response.status === 503) ? retryAfterSeconds(response.headers) : undefined;
  return seconds === undefined ? backoff(attempt) : Math.min(seconds * 1000, MAX_RETRY_AFTER);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `Retry-After` in seconds (delta-seconds or HTTP date), or `undefined`. The one parser: the
 * transport's retry delay and `RateLimitError.retryAfter` both come from here.
 */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
