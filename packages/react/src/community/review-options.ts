import type { CokoClient, CokoError, ListReviewsParams, RatingSummary, Review, ReviewsPage } from '@coko/sdk';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { cokoRetry } from '../catalog/options';
import { cokoKeys } from '../query-keys';

/**
 * Infinite query options for a book's reviews (`coko.community.reviews.list`), a page per cursor.
 *
 * @example
 * ```ts
 * await queryClient.prefetchInfiniteQuery(bookReviewsQueryOptions(coko, bookId, { sort: 'helpful' }))
 * ```
 */
export function bookReviewsQueryOptions(
  client: CokoClient,
  bookId: string,
  params: Omit<ListReviewsParams, 'cursor'> = {},
) {
  return infiniteQueryOptions<ReviewsPage, CokoError, { pages: ReviewsPage[] }, readonly unknown[], string | null>({
    queryKey: cokoKeys.community.reviews(bookId, params),
    queryFn: ({ signal, pageParam }) =>
      client.community.reviews.list(bookId, { ...params, cursor: pageParam }, { signal }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    retry: cokoRetry,
  });
}

/** Query options for the signed-in reader's review of a book (`coko.community.reviews.mine`). */
export function myReviewQueryOptions(client: CokoClient, bookId: string) {
  return queryOptions<Review | null, CokoError>({
    queryKey: cokoKeys.community.myReview(bookId),
    queryFn: ({ signal }) => client.community.reviews.mine(bookId, { signal }),
    retry: cokoRetry,
  });
}

/** Query options for a book's rating (`coko.community.reviews.summary`). */
export function ratingSummaryQueryOptions(client: CokoClient, bookId: string) {
  return queryOptions<RatingSummary, CokoError>({
    queryKey: cokoKeys.community.ratingSummary(bookId),
    queryFn: ({ signal }) => client.community.reviews.summary(bookId, { signal }),
    retry: cokoRetry,
  });
}
