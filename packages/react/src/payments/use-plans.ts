'use client';

import type { Plan } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { plansQueryOptions } from './options';

/**
 * The subscription plans on sale, with their price per currency (`coko.payments.plans`), cached
 * for an hour.
 *
 * @example
 * ```tsx
 * const { data: plans = [] } = usePlans()
 * return plans.map((plan) => <PlanCard key={plan.id} plan={plan} />)
 * ```
 */
export function usePlans(options?: CokoQueryOptions<Plan[]>) {
  const client = useCoko();
  return useQuery({ ...plansQueryOptions(client), ...options });
}
