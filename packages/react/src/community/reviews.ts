'use client';

import type { CokoError, ListReviewsParams, RatingSummary, Review, ReviewInput, ReviewsPage } from '@coko/sdk';
import { type InfiniteData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { bookReviewsQueryOptions, myReviewQueryOptions, ratingSummaryQueryOptions } from './review-options';

/**
 * A book's reviews, a page at a time (`coko.community.reviews.list`): `data.pages`, `fetchNextPage`,
 * `hasNextPage`. Idle while `bookId` is empty.
 *
 * @example
 * ```tsx
 * const { data, fetchNextPage, hasNextPage } = useBookReviews(bookId, { sort: 'helpful' })
 * const reviews = data?.pages.flatMap((page) => page.data) ?? []
 * ```
 */
export function useBookReviews(
  bookId: string | null | undefined,
  params: Omit<ListReviewsParams, 'cursor'> = {},
  options: { enabled?: boolean } = {},
) {
  const client = useCoko();
  return useInfiniteQuery({
    ...bookReviewsQueryOptions(client, bookId ?? '', params),
    enabled: bookId ? (options.enabled ?? true) : false,
  });
}

/**
 * The signed-in reader's review of a book, or `null` (`coko.community.reviews.mine`). Pass
 * `{ enabled: signedIn }`: for guests the SDK throws `AuthenticationError`.
 */
export function useMyReview(bookId: string | null | undefined, options?: CokoQueryOptions<Review | null>) {
  const client = useCoko();
  return useQuery({
    ...myReviewQueryOptions(client, bookId ?? ''),
    ...options,
    enabled: bookId ? (options?.enabled ?? true) : false,
  });
}

/** A book's rating: average, count and histogram (`coko.community.reviews.summary`). */
export function useRatingSummary(bookId: string | null | undefined, options?: CokoQueryOptions<RatingSummary>) {
  const client = useCoko();
  return useQuery({
    ...ratingSummaryQueryOptions(client, bookId ?? ''),
    ...options,
    enabled: bookId ? (options?.enabled ?? true) : false,
  });
}

/** After a review changes: its book's lists, summary and catalog entries are stale. */
function refreshBook(queryClient: ReturnType<typeof useQueryClient>, bookId: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: cokoKeys.community.reviewLists(bookId) }),
    queryClient.invalidateQueries({ queryKey: cokoKeys.community.ratingSummary(bookId) }),
    queryClient.invalidateQueries({ queryKey: cokoKeys.catalog.detail(bookId) }),
    queryClient.invalidateQueries({ queryKey: cokoKeys.catalog.lists() }),
  ]);
}

/**
 * Writes or replaces the reader's review of a book (`coko.community.reviews.upsert`); then the
 * reader's review is the server's answer and the book's reviews, rating and catalog entries refetch.
 *
 * @example
 * ```tsx
 * const { mutate, isPending } = useUpsertReview(bookId)
 * mutate({ rating: 5, body: 'Un grand roman.' })
 * ```
 */
export function useUpsertReview(bookId: string) {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<Review, CokoError, ReviewInput>({
    mutationFn: (input) => client.community.reviews.upsert(bookId, input),
    onSuccess: async (review) => {
      queryClient.setQueryData(cokoKeys.community.myReview(bookId), review);
      await refreshBook(queryClient, bookId);
    },
  });
}

/** Deletes the reader's review of a book (`coko.community.reviews.delete`), then refreshes as `useUpsertReview`. */
export function useDeleteReview(bookId: string) {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<void, CokoError, void>({
    mutationFn: () => client.community.reviews.delete(bookId),
    onSuccess: async () => {
      queryClient.setQueryData(cokoKeys.community.myReview(bookId), null);
      await refreshBook(queryClient, bookId);
    },
  });
}

type ReviewPages = InfiniteData<ReviewsPage, string | null>;

/** The cached pages with one review's vote applied. */
function withVote(pages: ReviewPages | undefined, reviewId: string, voted: boolean): ReviewPages | undefined {
  if (!pages) return pages;
  return {
    ...pages,
    pages: pages.pages.map((page) => ({
      ...page,
      data: page.data.map((review) =>
        review.id !== reviewId || review.votedByMe === voted
          ? review
          : { ...review, votedByMe: voted, helpfulCount: Math.max(0, review.helpfulCount + (voted ? 1 : -1)) },
      ),
    })),
  };
}

/**
 * "Helpful" votes on a book's reviews (`coko.community.reviews.vote` / `unvote`), optimistic: the
 * cached lists show the vote at once, and go back if the server refuses it (the error is the
 * mutation's). The lists refetch when it settles.
 *
 * @example
 * ```tsx
 * const { mutate } = useReviewVote(bookId)
 * <button onClick={() => mutate({ reviewId: review.id, voted: !review.votedByMe })}>Utile ({review.helpfulCount})</button>
 * ```
 */
export function useReviewVote(bookId: string) {
  const client = useCoko();
  const queryClient = useQueryClient();
  const lists = cokoKeys.community.reviewLists(bookId);
  return useMutation<
    void,
    CokoError,
    { reviewId: string; voted: boolean },
    { previous: [readonly unknown[], ReviewPages | undefined][] }
  >({
    mutationFn: ({ reviewId, voted }) =>
      voted ? client.community.reviews.vote(reviewId) : client.community.reviews.unvote(reviewId),
    onMutate: async ({ reviewId, voted }) => {
      await queryClient.cancelQueries({ queryKey: lists });
      const previous = queryClient.getQueriesData<ReviewPages>({ queryKey: lists });
      queryClient.setQueriesData<ReviewPages>({ queryKey: lists }, (pages) => withVote(pages, reviewId, voted));
      return { previous };
    },
    onError: (_error, _variables, context) => {
      for (const [key, pages] of context?.previous ?? []) queryClient.setQueryData(key, pages);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: lists }),
  });
}
