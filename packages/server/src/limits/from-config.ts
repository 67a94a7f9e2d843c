import type { Config } from '../config/load.ts';
import type { Queryable } from '../db/pool.ts';
import type { TokenService } from '../identity/tokens.ts';
import type { Logger } from '../observability/logger.ts';
import { createTokenIdentifier, type TokenSubject } from './client.ts';
import type { RouteLimits } from './route-limits.ts';
import { PostgresSlotStore, type SlotStore } from './slots.ts';
import { PostgresRateLimitStore, type RateLimitStore } from './store.ts';

/** The limits of one process: the routes' stores and policies, and who a bearer token names. */
export interface AppLimits extends RouteLimits {
  /** Verified once per token and cached until it expires (see `createTokenIdentifier`). */
  identify: (token: string) => Promise<TokenSubject | undefined>;
}

export interface AppLimitsOptions {
  db: Queryable;
  tokens: TokenService;
  logger: Logger;
  store?: RateLimitStore | undefined;
  slots?: SlotStore | undefined;
  now?: (() => number) | undefined;
}

/**
 * The limits of `config.rateLimits` counted in `db` (shared by every process on that database), or
 * `undefined` when `RATE_LIMITS=off`. Build it once per process and share it between the API and the gateway:
 * their leases then serve each other's requests.
 *
 * @example
 * ```ts
 * const limits = limitsFromConfig(config, { db: pool, tokens, logger })
 * ```
 */
export function limitsFromConfig(
  config: { rateLimits: Pick<Config['rateLimits'], 'policies'> },
  options: AppLimitsOptions,
): AppLimits | undefined {
  const policies = config.rateLimits.policies;
  if (!policies) return undefined;
  const { db, tokens, logger } = options;
  const now = options.now ?? Date.now;
  const store =
    options.store ??
    new PostgresRateLimitStore(db, {
      onError: (err) => logger.warn('rate limit store failed; requests let through for 1 s', { err }),
    });
  const identify = createTokenIdentifier(
    async (token) => {
      const claims = await tokens.verify(token);
      const partnerId = claims.app_metadata?.partner_id;
      return { userId: claims.sub, partnerId: typeof partnerId === 'string' ? partnerId : undefined, exp: claims.exp };
    },
    { now },
  );
  return { policies, store, slots: options.slots ?? new PostgresSlotStore(db), now, identify };
}
