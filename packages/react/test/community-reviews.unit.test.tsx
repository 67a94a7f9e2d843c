// @vitest-environment happy-dom
import { type CokoClient, PermissionDeniedError, type Review } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useBookReviews, useReviewVote } from '../src';
import { deferred, testQueryClient, wrapper } from './helpers';

// useReviewVote's optimism against a fake client: the vote shows before the server answers, and is
// undone when the server refuses it.
const BOOK = '40000000-0000-4000-8000-000000000001';
const review = (id: string, helpfulCount = 0, votedByMe = false): Review => ({
  id,
  bookId: BOOK,
  rating: 4,
  title: null,
  body: 'Bien.',
  isVerifiedReader: false,
  helpfulCount,
  votedByMe,
  author: null,
  hidden: false,
  editedAt: null,
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
});

function fakeReviews(vote: () => Promise<void>) {
  let server = [review('r1', 2), review('r2')];
  const reviews = {
    list: vi.fn(async () => ({ data: server, nextCursor: null })),
    vote: vi.fn(async (id: string) => {
      await vote();
      server = server.map((r) => (r.id === id ? { ...r, votedByMe: true, helpfulCount: r.helpfulCount + 1 } : r));
    }),
    unvote: vi.fn(async () => undefined),
  };
  return { client: { community: { reviews } } as unknown as CokoClient, reviews };
}

describe('useReviewVote', () => {
  it('shows the vote at once, then keeps the server’s answer', async () => {
    const answer = deferred<void>();
    const { client, reviews } = fakeReviews(() => answer.promise);
    const { result } = renderHook(() => ({ list: useBookReviews(BOOK), vote: useReviewVote(BOOK) }), {
      wrapper: wrapper(client, testQueryClient()),
    });
    await waitFor(() => expect(result.current.list.isSuccess).toBe(true));

    act(() => result.current.vote.mutate({ reviewId: 'r1', voted: true }));
    await waitFor(() =>
      expect(result.current.list.data?.pages[0]?.data[0]).toMatchObject({ votedByMe: true, helpfulCount: 3 }),
    );
    expect(reviews.vote).toHaveBeenCalledWith('r1');
    answer.resolve();
    await waitFor(() => expect(result.current.vote.isSuccess).toBe(true));
    await waitFor(() => expect(reviews.list).toHaveBeenCalledTimes(2));
    expect(result.current.list.data?.pages[0]?.data[0]).toMatchObject({ votedByMe: true, helpfulCount: 3 });
  });

  it('undoes the vote when the server refuses it', async () => {
    const answer = deferred<void>();
    const { client } = fakeReviews(() => answer.promise);
    const { result } = renderHook(() => ({ list: useBookReviews(BOOK), vote: useReviewVote(BOOK) }), {
      wrapper: wrapper(client, testQueryClient()),
    });
    await waitFor(() => expect(result.current.list.isSuccess).toBe(true));

    act(() => result.current.vote.mutate({ reviewId: 'r2', voted: true }));
    await waitFor(() =>
      expect(result.current.list.data?.pages[0]?.data[1]).toMatchObject({ votedByMe: true, helpfulCount: 1 }),
    );
    answer.reject(new PermissionDeniedError('Not your own review'));
    await waitFor(() => expect(result.current.vote.error).toBeInstanceOf(PermissionDeniedError));
    expect(result.current.list.data?.pages[0]?.data[1]).toMatchObject({ votedByMe: false, helpfulCount: 0 });
  });
});
