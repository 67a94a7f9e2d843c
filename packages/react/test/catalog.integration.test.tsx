// @vitest-environment happy-dom
import { createCoko } from '@coko/sdk';
import { renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useBook, useBookSearch, useBooks, useCategories } from '../src';
import { wrapper } from './helpers';

// Real-stack tests: the hooks over the real SDK against PostgREST + migrations + seed. The root
// harness (test/setup-stack.ts) starts the stack and sets COKO_TEST_URL / COKO_TEST_PUBLISHABLE_KEY;
// without them there is no server, so the suite is skipped.
const url = process.env.COKO_TEST_URL;

describe.skipIf(!url)('hooks against the real stack', () => {
  const coko = createCoko({
    url: url ?? 'http://unused',
    publishableKey: process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused',
  });

  it('useBooks, then useBook on the first result', async () => {
    const books = renderHook(() => useBooks({ limit: 3 }), { wrapper: wrapper(coko) });
    await waitFor(() => expect(books.result.current.isSuccess).toBe(true), { timeout: 10_000 });
    const first = books.result.current.data?.data[0];
    expect(first).toBeDefined();
    expect(books.result.current.data?.total).toBeGreaterThan(3);

    const book = renderHook(() => useBook(first?.id), { wrapper: wrapper(coko) });
    await waitFor(() => expect(book.result.current.isSuccess).toBe(true), { timeout: 10_000 });
    expect(book.result.current.data?.title).toBe(first?.title);
  });

  it('useBook of an unknown id fails with NOT_FOUND', async () => {
    const { result } = renderHook(() => useBook('00000000-0000-4000-8000-00000000dead'), { wrapper: wrapper(coko) });
    await waitFor(() => expect(result.current.isError).toBe(true), { timeout: 10_000 });
    expect(result.current.error?.code).toBe('NOT_FOUND');
  });

  it('useBookSearch finds École for "ecole", with facets', async () => {
    const { result } = renderHook(() => useBookSearch('ecole'), { wrapper: wrapper(coko) });
    await waitFor(() => expect(result.current.isSuccess).toBe(true), { timeout: 10_000 });
    expect(result.current.data?.data.some((b) => /école/i.test(b.title))).toBe(true);
    expect(result.current.data?.facets.languages.length).toBeGreaterThan(0);
  });

  it('useCategories lists the category tree flat', async () => {
    const { result } = renderHook(() => useCategories(), { wrapper: wrapper(coko) });
    await waitFor(() => expect(result.current.isSuccess).toBe(true), { timeout: 10_000 });
    expect(result.current.data?.some((c) => c.parentId !== null)).toBe(true);
  });
});
