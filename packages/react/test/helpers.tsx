import type { Catalog, CokoClient } from '@coko/sdk';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { CokoProvider } from '../src';

type Fn = (...args: never[]) => unknown;

/** A CokoClient whose catalog methods are vi.fn()s; `overrides` replace their implementations. */
export function fakeClient(overrides: Partial<Record<keyof Catalog, Fn>> = {}) {
  const page = { data: [], page: 1, limit: 20, total: 0, totalPages: 0 };
  const defaults: Record<keyof Catalog, Fn> = {
    list: async () => page,
    get: async (id: string) => ({ id, title: `Book ${id}` }),
    search: async () => ({ ...page, facets: { categories: [], languages: [], price: [] } }),
    categories: async () => [],
    categoryTree: async () => [],
    authors: async () => page,
    publishers: async () => page,
  };
  const catalog = Object.fromEntries(
    Object.entries({ ...defaults, ...overrides }).map(([name, fn]) => [name, vi.fn(fn)]),
  ) as Record<keyof Catalog, ReturnType<typeof vi.fn>>;
  return { catalog } as unknown as CokoClient & { catalog: typeof catalog };
}

/** A QueryClient for tests: no retries delay, no garbage collection surprises. */
export function testQueryClient() {
  return new QueryClient({ defaultOptions: { queries: { retryDelay: 0 } } });
}

/** QueryClientProvider + CokoProvider, as an app would set them up. */
export function Providers(props: { client: CokoClient; queryClient: QueryClient; children?: ReactNode }) {
  return (
    <QueryClientProvider client={props.queryClient}>
      <CokoProvider client={props.client}>{props.children}</CokoProvider>
    </QueryClientProvider>
  );
}

/** A `wrapper` for renderHook/render: the hooks run inside `Providers`. */
export function wrapper(client: CokoClient, queryClient = testQueryClient()) {
  return ({ children }: { children: ReactNode }) => (
    <Providers client={client} queryClient={queryClient}>
      {children}
    </Providers>
  );
}

/** A promise resolved from outside. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
