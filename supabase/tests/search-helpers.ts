// search_books() as anon through the gateway, for the search tests (side-table, typo dictionary).
import { expect } from 'vitest';
import { rest } from './helpers.js';

/** The fields of search_books()'s answer these tests read. */
export interface SearchAnswer {
  total: number;
  items: { id: string; rating_average: string | number | null; rating_count: number }[];
  facets: { categories: { id: string; count: number }[] };
  corrected?: string;
}

/** `POST /rest/v1/rpc/search_books` with `body`; a 200 expected. */
export async function searchBooks(body: Record<string, unknown>): Promise<SearchAnswer> {
  const response = await rest('/rpc/search_books', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as SearchAnswer;
}

/** The ids of an answer's page, sorted: what a set of books is compared by. */
export const sortedIds = (answer: SearchAnswer) => answer.items.map((item) => item.id).sort();
