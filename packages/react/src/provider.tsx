'use client';

import { type CokoClient, createCoko } from '@coko/sdk';

/** Everything `createCoko` accepts (offline queue and device id included). */
type CreateCokoOptions = Parameters<typeof createCoko>[0];

import { QueryClient, QueryClientContext, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useContext, useState } from 'react';
import { CokoContext } from './context';

/** Props of `<CokoProvider>`: either a ready `client`, or the `options` to create one. */
export type CokoProviderProps = (
  | { client: CokoClient; options?: never }
  | { options: CreateCokoOptions; client?: never }
) & {
  /**
   * QueryClient to use when the tree has no `<QueryClientProvider>` yet. Ignored when one
   * exists above (that one is always used).
   */
  queryClient?: QueryClient;
  children?: ReactNode;
};

/**
 * Makes a Coko client available to the hooks below it.
 *
 * Pass `client` (created once with `createCoko`) or `options` (the provider then creates the
 * client once, on first render). Hooks run on TanStack Query: wrap your app in your own
 * `<QueryClientProvider>` (outside this provider) and Coko uses that QueryClient; only when there
 * is none does the provider create one (or use the `queryClient` prop).
 *
 * @example
 * ```tsx
 * const queryClient = new QueryClient()
 * const coko = createCoko({ url: import.meta.env.VITE_COKO_URL, publishableKey: import.meta.env.VITE_COKO_KEY })
 *
 * export function App() {
 *   return (
 *     <QueryClientProvider client={queryClient}>
 *       <CokoProvider client={coko}>
 *         <Catalog />
 *       </CokoProvider>
 *     </QueryClientProvider>
 *   )
 * }
 * ```
 */
export function CokoProvider(props: CokoProviderProps) {
  const [ownClient] = useState(() => (props.client ? null : createCoko(props.options as CreateCokoOptions)));
  const client = props.client ?? (ownClient as CokoClient);
  const existing = useContext(QueryClientContext);
  const [fallbackQueryClient] = useState(() => (existing ? null : (props.queryClient ?? new QueryClient())));

  const tree = <CokoContext.Provider value={client}>{props.children}</CokoContext.Provider>;
  if (existing || !fallbackQueryClient) return tree;
  return <QueryClientProvider client={fallbackQueryClient}>{tree}</QueryClientProvider>;
}
