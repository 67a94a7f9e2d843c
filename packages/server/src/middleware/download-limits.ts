import type { MiddlewareHandler } from 'hono';
import type { RouteLimits } from '../limits/route-limits.ts';
import { concurrencyLimit, rateLimit } from './rate-limit.ts';
import type { UserEnv } from './user-auth.ts';

/**
 * The seed's download limits of a signed-in reader's route, as one middleware after `userAuth`: 10 per hour,
 * then 3 at once (partners' overrides apply). Lets everything through when limits are off.
 *
 * @example
 * ```ts
 * createRoute({ …, middleware: [userAuth({ tokens, db }), downloadLimits(limits)] })
 * ```
 */
export function downloadLimits(limits: RouteLimits | undefined): MiddlewareHandler<UserEnv> {
  if (!limits) return (_c, next) => next();
  const { downloads, downloadsConcurrent } = limits.policies;
  const key = (c: { var: UserEnv['Variables'] }) => `user:${c.var.user.id}`;
  const partnerId = (c: { var: UserEnv['Variables'] }) => c.var.user.partnerId;
  const perHour = rateLimit<UserEnv>({
    policy: downloads.name,
    limit: downloads.limit,
    windowMs: downloads.windowMs,
    key,
    partnerId,
    store: limits.store,
    now: limits.now,
    message: 'Too many downloads; retry after the Retry-After delay',
  });
  const atOnce = concurrencyLimit<UserEnv>({
    policy: downloadsConcurrent,
    key,
    partnerId,
    store: limits.slots,
    now: limits.now,
  });
  return async function downloadLimits(c, next) {
    await perHour(c, async () => {
      await atOnce(c, next);
    });
  };
}
