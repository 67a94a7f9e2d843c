'use client';

import type { CokoError, Consent, ConsentKind } from '@coko/sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { consentsQueryOptions } from './options';

/**
 * The reader's current consent decisions (`coko.account.consents.list`).
 *
 * @example
 * ```tsx
 * const { data: consents = [] } = useConsents()
 * const marketing = consents.find((c) => c.kind === 'marketing')?.granted ?? false
 * ```
 */
export function useConsents(options?: CokoQueryOptions<Consent[]>) {
  const client = useCoko();
  return useQuery({ ...consentsQueryOptions(client), ...options });
}

/**
 * Records a consent decision (`coko.account.consents.set`), then refetches the current ones.
 *
 * @example
 * ```tsx
 * const { mutate } = useSetConsent()
 * mutate({ kind: 'marketing', granted: false })
 * ```
 */
export function useSetConsent() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<Consent, CokoError, { kind: ConsentKind; granted: boolean }>({
    mutationFn: ({ kind, granted }) => client.account.consents.set(kind, granted),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cokoKeys.account.consents() }),
  });
}
