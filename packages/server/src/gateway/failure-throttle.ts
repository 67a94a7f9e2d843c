/**
 * A token bucket per client for checks that may fail (unknown partner keys): each check takes a token
 * before it reaches the database and gives it back when the key turns out valid, so only failures
 * count, and a client flooding random keys soon gets refused without costing a database round trip.
 */
export interface FailureThrottle {
  /** Takes a token for `client`; false (with the seconds until one is back) when none is left. */
  take(client: string): { ok: true } | { ok: false; retryAfterSeconds: number };
  /** Gives back the token of a check that succeeded. */
  refund(client: string): void;
}

export interface FailureThrottleOptions {
  /** Failed checks a client may make at once (default 20). */
  burst?: number;
  /** Failed checks a client regains per second (default 1). */
  perSecond?: number;
  /** Most clients tracked (default 10 000; the least recently seen go first). */
  maxClients?: number;
  now?: () => number;
}

export function createFailureThrottle(options: FailureThrottleOptions = {}): FailureThrottle {
  const { burst, perSecond, maxClients, now } = {
    burst: 20,
    perSecond: 1,
    maxClients: 10_000,
    now: Date.now,
    ...options,
  } satisfies Required<FailureThrottleOptions>;
  const buckets = new Map<string, { tokens: number; at: number }>();

  function bucket(client: string) {
    const at = now();
    const found = buckets.get(client);
    const current = found ? Math.min(burst, found.tokens + ((at - found.at) / 1000) * perSecond) : burst;
    const next = { tokens: current, at };
    buckets.delete(client);
    buckets.set(client, next);
    if (buckets.size > maxClients) buckets.delete(buckets.keys().next().value as string);
    return next;
  }

  return {
    take(client) {
      const state = bucket(client);
      if (state.tokens < 1) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - state.tokens) / perSecond)) };
      }
      state.tokens -= 1;
      return { ok: true };
    },
    refund(client) {
      const state = bucket(client);
      state.tokens = Math.min(burst, state.tokens + 1);
    },
  };
}
