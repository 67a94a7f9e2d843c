// @vitest-environment happy-dom
import { type Category, NotFoundError, ValidationError } from '@coko/sdk';
import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES_STALE_TIME,
  CokoProvider,
  cokoKeys,
  useBook,
  useBookSearch,
  useBooks,
  useCategories,
  useCategoryTree,
  useCoko,
} from '../src';
import { deferred, fakeClient, Providers, testQueryClient, wrapper } from './helpers';

const page = (n: number) => ({ data: [{ id: `b${n}` }], page: n, limit: 1, total: 3, totalPages: 3 });

describe('CokoProvider and useCoko', () => {
  it('useCoko throws outside a provider', () => {
    expect(() => renderHook(() => useCoko())).toThrow(/CokoProvider/);
  });

  it('provides the given client', () => {
    const client = fakeClient();
    const { result } = renderHook(() => useCoko(), { wrapper: wrapper(client) });
    expect(result.current).toBe(client);
  });

  it('creates the client from options once', () => {
    const options = { url: 'https://coko.test', publishableKey: 'pk' };
    const { result, rerender } = renderHook(() => useCoko(), {
      wrapper: ({ children }) => <CokoProvider options={options}>{children}</CokoProvider>,
    });
    const first = result.current;
    expect(typeof first.catalog.list).toBe('function');
    rerender();
    expect(result.current).toBe(first);
  });

  it('uses the QueryClient of an enclosing QueryClientProvider', () => {
    const queryClient = testQueryClient();
    const { result } = renderHook(() => useQueryClient(), {
      wrapper: ({ children }) => (
        <QueryClientProvider client={queryClient}>
          <CokoProvider client={fakeClient()}>{children}</CokoProvider>
        </QueryClientProvider>
      ),
    });
    expect(result.current).toBe(queryClient);
  });

  it('creates a QueryClient only when there is none (and keeps it)', () => {
    const { result, rerender } = renderHook(() => useQueryClient(), {
      wrapper: ({ children }) => <CokoProvider client={fakeClient()}>{children}</CokoProvider>,
    });
    const created = result.current;
    expect(created).toBeDefined();
    rerender();
    expect(result.current).toBe(created);
  });
});

describe('cokoKeys', () => {
  it('are hierarchical so invalidation can target a subtree', () => {
    const books = cokoKeys.catalog.books();
    for (const key of [
      cokoKeys.catalog.list({ page: 2 }),
      cokoKeys.catalog.detail('x'),
      cokoKeys.catalog.search('ecole', { page: 1 }),
    ]) {
      expect(key.slice(0, books.length)).toEqual(books);
    }
    expect(cokoKeys.catalog.categories().slice(0, 2)).toEqual(cokoKeys.catalog.all());
    expect(cokoKeys.catalog.all()[0]).toBe(cokoKeys.all[0]);
    expect(cokoKeys.catalog.search(' ecole ')).toEqual(cokoKeys.catalog.search('ecole'));
  });
});

describe('useBooks', () => {
  it('fetches a page with the params and an abort signal', async () => {
    const client = fakeClient({ list: async () => page(1) });
    const { result } = renderHook(() => useBooks({ category: 'romans', limit: 1 }), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data).toEqual(page(1));
    expect(client.catalog.list).toHaveBeenCalledWith(
      { category: 'romans', limit: 1 },
      expect.objectContaining({ signal: expect.any(AbortSignal) }),
    );
  });

  it('exposes CokoErrors and does not retry 4xx', async () => {
    const client = fakeClient({
      list: async () => {
        throw new ValidationError('limit must be at most 100', { details: { field: 'limit' } });
      },
    });
    const { result } = renderHook(() => useBooks({ limit: 101 }), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error?.code).toBe('VALIDATION_ERROR');
    expect(client.catalog.list).toHaveBeenCalledTimes(1);
  });

  it('accepts extra query options', async () => {
    const client = fakeClient();
    const { result } = renderHook(() => useBooks({}, { enabled: false }), { wrapper: wrapper(client) });
    expect(result.current.fetchStatus).toBe('idle');
    expect(client.catalog.list).not.toHaveBeenCalled();
  });
});

describe('useBook', () => {
  it('is idle while the id is empty, then fetches', async () => {
    const client = fakeClient();
    const { result, rerender } = renderHook(({ id }) => useBook(id), {
      wrapper: wrapper(client),
      initialProps: { id: '' as string | undefined },
    });
    expect(result.current.fetchStatus).toBe('idle');
    rerender({ id: undefined });
    expect(client.catalog.get).not.toHaveBeenCalled();
    rerender({ id: 'abc' });
    await waitFor(() => expect(result.current.data).toEqual({ id: 'abc', title: 'Book abc' }));
    expect(client.catalog.get).toHaveBeenCalledTimes(1);
  });

  it('a missing book is a NOT_FOUND error, not retried', async () => {
    const client = fakeClient({
      get: async () => {
        throw new NotFoundError('Not found');
      },
    });
    const { result } = renderHook(() => useBook('missing'), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error?.code).toBe('NOT_FOUND');
    expect(client.catalog.get).toHaveBeenCalledTimes(1);
  });
});

describe('useBookSearch', () => {
  it('is idle for a blank query and below 3 characters', () => {
    const client = fakeClient();
    for (const query of ['   ', 'e', ' ec ']) {
      const { result } = renderHook(() => useBookSearch(query), { wrapper: wrapper(client) });
      expect(result.current.fetchStatus).toBe('idle');
    }
    expect(client.catalog.search).not.toHaveBeenCalled();
  });

  it('keeps the previous page on screen while the next loads', async () => {
    const second = deferred<ReturnType<typeof page>>();
    const client = fakeClient({
      search: async (_query: string, filters?: { page?: number }) =>
        (filters?.page === 2 ? second.promise : page(1)) as never,
    });
    const { result, rerender } = renderHook(({ p }) => useBookSearch('ecole', { page: p }), {
      wrapper: wrapper(client),
      initialProps: { p: 1 },
    });
    await waitFor(() => expect(result.current.data?.page).toBe(1));
    rerender({ p: 2 });
    expect(result.current.data?.page).toBe(1);
    expect(result.current.isPlaceholderData).toBe(true);
    await act(async () => second.resolve(page(2)));
    await waitFor(() => expect(result.current.data?.page).toBe(2));
    expect(result.current.isPlaceholderData).toBe(false);
    expect(client.catalog.search).toHaveBeenLastCalledWith('ecole', { page: 2 }, expect.anything());
  });
});

describe('useCategories', () => {
  const categories: Category[] = [
    { id: 'f', parentId: null, name: 'Fiction', slug: 'fiction', description: null, position: 1 },
    { id: 'r', parentId: 'f', name: 'Romans', slug: 'romans', description: null, position: 1 },
  ];

  it('is cached for a long time: a second component does not refetch', async () => {
    const client = fakeClient({ categories: async () => categories });
    const queryClient = testQueryClient();
    const first = renderHook(() => useCategories(), { wrapper: wrapper(client, queryClient) });
    await waitFor(() => expect(first.result.current.data).toEqual(categories));
    const second = renderHook(() => useCategories(), { wrapper: wrapper(client, queryClient) });
    expect(second.result.current.data).toEqual(categories);
    expect(client.catalog.categories).toHaveBeenCalledTimes(1);
    const state = queryClient.getQueryCache().find({ queryKey: cokoKeys.catalog.categories() });
    expect(state?.options).toMatchObject({ staleTime: CATEGORIES_STALE_TIME });
    expect(CATEGORIES_STALE_TIME).toBeGreaterThanOrEqual(60 * 60 * 1000);
  });

  it('useCategoryTree nests the same data', async () => {
    const client = fakeClient({ categories: async () => categories });
    const { result } = renderHook(() => useCategoryTree(), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.data?.[0]?.children[0]?.slug).toBe('romans'));
  });
});

function BookList() {
  const { data, isPending } = useBooks();
  if (isPending) return <p>Loading…</p>;
  return (
    <ul>
      {data?.data.map((b) => (
        <li key={b.id}>{b.title}</li>
      ))}
    </ul>
  );
}

describe('in a component', () => {
  it('renders loading then the list', async () => {
    const client = fakeClient({
      list: async () => ({
        data: [{ id: '1', title: 'Une si longue lettre' }],
        page: 1,
        limit: 20,
        total: 1,
        totalPages: 1,
      }),
    });
    render(
      <Providers client={client} queryClient={testQueryClient()}>
        <BookList />
      </Providers>,
    );
    expect(screen.getByText('Loading…')).toBeTruthy();
    expect(await screen.findByText('Une si longue lettre')).toBeTruthy();
  });
});
