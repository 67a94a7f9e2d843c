// Runs in Node (no DOM): importing the package and server-rendering must not touch `window`.
import { QueryClient } from '@tanstack/react-query';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CokoProvider, useBooks } from '../src';
import { booksQueryOptions, cokoKeys } from '../src/options';

function BookCount() {
  const { isPending } = useBooks();
  return <p>{isPending ? 'loading' : 'done'}</p>;
}

describe('server rendering', () => {
  it('imports without a DOM and renders the pending state without fetching', () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    let fetched = false;
    const fetch = (async () => {
      fetched = true;
      return new Response('[]');
    }) as typeof globalThis.fetch;
    const html = renderToString(
      <CokoProvider options={{ url: 'https://coko.test', publishableKey: 'pk', fetch }}>
        <BookCount />
      </CokoProvider>,
    );
    expect(html).toContain('loading');
    expect(fetched).toBe(false);
  });

  it('the options entry is plain functions (server-safe prefetching)', async () => {
    const client = {
      catalog: { list: async () => ({ data: [], page: 1, limit: 20, total: 0, totalPages: 0 }) },
    } as never;
    const queryClient = new QueryClient();
    await queryClient.prefetchQuery(booksQueryOptions(client, { page: 1 }));
    expect(queryClient.getQueryData(cokoKeys.catalog.list({ page: 1 }))).toMatchObject({ total: 0 });
  });
});
