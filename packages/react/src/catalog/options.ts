import {
  type Author,
  type Book,
  type Category,
  type CokoClient,
  type CokoError,
  isCokoError,
  type ListAuthorsParams,
  type ListBook,
  type ListBooksParams,
  type ListPublishersParams,
  type Page,
  type Publisher,
  type SearchFilters,
  type SearchResult,
} from '@coko/sdk';
import { queryOptions } from '@tanstack/react-query';
import { cokoKeys } from '../query-keys';

/** Categories change rarely: one hour before a background refetch. */
export const CATEGORIES_STALE_TIME = 60 * 60 * 1000;

/**
 * Retry policy of Coko queries. The SDK already retries network errors, 429 and 5xx (with
 * backoff); on top of that, one more attempt for network and server errors, none for 4xx
 * (validation, not found, auth, rate limit) which would fail the same way.
 */
export function cokoRetry(failureCount: number, error: unknown): boolean {
  if (isCokoError(error) && error.status !== undefined && error.status < 500) return false;
  return failureCount < 1;
}

/**
 * Query options for one page of books (`coko.catalog.list`). Usable with `useQuery`,
 * `useSuspenseQuery`, `queryClient.prefetchQuery` and `ensureQueryData`.
 *
 * @example
 * ```ts
 * await queryClient.prefetchQuery(booksQueryOptions(coko, { category: 'romans' }))
 * ```
 */
export function booksQueryOptions(client: CokoClient, params: ListBooksParams = {}) {
  return queryOptions<Page<ListBook>, CokoError>({
    queryKey: cokoKeys.catalog.list(params),
    queryFn: ({ signal }) => client.catalog.list(params, { signal }),
    retry: cokoRetry,
  });
}

/**
 * Query options for one book (`coko.catalog.get`).
 *
 * @example
 * ```ts
 * const book = await queryClient.ensureQueryData(bookQueryOptions(coko, id))
 * ```
 */
export function bookQueryOptions(client: CokoClient, id: string) {
  return queryOptions<Book, CokoError>({
    queryKey: cokoKeys.catalog.detail(id),
    queryFn: ({ signal }) => client.catalog.get(id, { signal }),
    retry: cokoRetry,
  });
}

/**
 * Query options for a search with facets (`coko.catalog.search`).
 *
 * @example
 * ```ts
 * useQuery(bookSearchQueryOptions(coko, 'ecole', { page: 2 }))
 * ```
 */
export function bookSearchQueryOptions(client: CokoClient, query: string, filters: SearchFilters = {}) {
  return queryOptions<SearchResult, CokoError>({
    queryKey: cokoKeys.catalog.search(query, filters),
    queryFn: ({ signal }) => client.catalog.search(query, filters, { signal }),
    retry: cokoRetry,
  });
}

/**
 * Query options for the flat category list (`coko.catalog.categories`), stale after an hour.
 *
 * @example
 * ```ts
 * useQuery({ ...categoriesQueryOptions(coko), select: buildCategoryTree })
 * ```
 */
export function categoriesQueryOptions(client: CokoClient) {
  return queryOptions<Category[], CokoError>({
    queryKey: cokoKeys.catalog.categories(),
    queryFn: ({ signal }) => client.catalog.categories({ signal }),
    staleTime: CATEGORIES_STALE_TIME,
    retry: cokoRetry,
  });
}

/**
 * Query options for one page of authors (`coko.catalog.authors`).
 *
 * @example
 * ```ts
 * useQuery(authorsQueryOptions(coko, { search: 'sow' }))
 * ```
 */
export function authorsQueryOptions(client: CokoClient, params: ListAuthorsParams = {}) {
  return queryOptions<Page<Author>, CokoError>({
    queryKey: cokoKeys.catalog.authors(params),
    queryFn: ({ signal }) => client.catalog.authors(params, { signal }),
    retry: cokoRetry,
  });
}

/**
 * Query options for one page of publishers (`coko.catalog.publishers`).
 *
 * @example
 * ```ts
 * useQuery(publishersQueryOptions(coko, { search: 'nouvelles' }))
 * ```
 */
export function publishersQueryOptions(client: CokoClient, params: ListPublishersParams = {}) {
  return queryOptions<Page<Publisher>, CokoError>({
    queryKey: cokoKeys.catalog.publishers(params),
    queryFn: ({ signal }) => client.catalog.publishers(params, { signal }),
    retry: cokoRetry,
  });
}
