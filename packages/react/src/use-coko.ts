'use client';

import type { CokoClient } from '@coko/sdk';
import { useContext } from 'react';
import { CokoContext } from './context';

/**
 * The `CokoClient` of the nearest `<CokoProvider>`, for calls the hooks do not cover.
 *
 * @throws when there is no `<CokoProvider>` above.
 *
 * @example
 * ```tsx
 * const coko = useCoko()
 * const onClick = () => coko.catalog.get(id).then(openReader)
 * ```
 */
export function useCoko(): CokoClient {
  const client = useContext(CokoContext);
  if (!client) throw new Error('useCoko() must be used inside <CokoProvider>.');
  return client;
}
