import { isCokoError } from '../core/errors';
import { backoff } from '../core/retry';
import { validate } from '../core/validate';
import type { PaymentsContext } from './context';
import { order } from './orders';
import { waitTimeoutSchema } from './schemas';
import type { Order, WaitForOrderOptions } from './types';

/** First poll interval and longest one, in ms: a mobile-money payment takes seconds to minutes. */
export const POLL_BASE = 1_000;
export const POLL_CAP = 15_000;
/** Default of `timeoutMs`: the reconciliation job looks at orders left pending this long. */
export const WAIT_TIMEOUT = 15 * 60 * 1000;

/** A failure worth polling through on a flaky link: no response, rate limited, or a server error. */
const isTransient = (error: unknown): boolean =>
  isCokoError(error) && (error.code === 'NETWORK_ERROR' || error.code === 'RATE_LIMITED' || (error.status ?? 0) >= 500);

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Implementation of `payments.waitForOrder()`: polls the order with the SDK's jittered exponential
 * backoff (capped at `POLL_CAP`) until it is no longer `pending`, or the timeout passes.
 */
export async function waitForOrder(
  ctx: PaymentsContext,
  orderId: string,
  options: WaitForOrderOptions = {},
): Promise<Order> {
  const { signal } = options;
  const deadline = Date.now() + (validate(waitTimeoutSchema, options.timeoutMs, 'timeoutMs') ?? WAIT_TIMEOUT);
  let last: Order | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      last = await order(ctx, orderId, { signal });
      if (last.status !== 'pending') return last;
    } catch (error) {
      if (signal?.aborted || !isTransient(error)) throw error;
      if (Date.now() >= deadline && !last) throw error;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0 && last) return last;
    await pause(Math.min(backoff(attempt, POLL_BASE, POLL_CAP), Math.max(remaining, 0)), signal);
  }
}
