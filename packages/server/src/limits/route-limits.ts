import type { RateLimitPolicies } from './policies.ts';
import type { SlotStore } from './slots.ts';
import type { RateLimitStore } from './store.ts';

/** What a route needs to apply the limits: the policies and the shared stores (absent when limits are off). */
export interface RouteLimits {
  policies: RateLimitPolicies;
  store: RateLimitStore;
  slots: SlotStore;
  /** Clock in ms. */
  now: () => number;
}
