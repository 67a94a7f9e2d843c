import type { CokoError } from '@coko/sdk';
import type { QueryKey, UseQueryOptions } from '@tanstack/react-query';

/**
 * TanStack Query options the hooks accept on top of their own (`enabled`, `staleTime`,
 * `refetchInterval`, `placeholderData`, …): everything except the key and the fetcher.
 */
export type CokoQueryOptions<TData> = Omit<UseQueryOptions<TData, CokoError, TData, QueryKey>, 'queryKey' | 'queryFn'>;
