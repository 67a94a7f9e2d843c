// @vitest-environment happy-dom
import type { CokoClient, ModerationQueueItem, ShareLink } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useBookReviews, useModerate, useModerationQueue, useRevokeShareLink, useShareLinks } from '../src';
import { testQueryClient, wrapper } from './helpers';

// The moderation hooks against a fake client: an action refreshes the queue and what readers see
// (a hidden review leaves the book's list); revoking a link refreshes the reader's links.
const BOOK = '40000000-0000-4000-8000-000000000001';
const item = (targetId: string): ModerationQueueItem => ({
  targetType: 'review',
  targetId,
  reportCount: 3,
  reporterCount: 3,
  firstReportedAt: '2026-12-01T10:00:00Z',
  lastReportedAt: '2026-12-01T10:05:00Z',
  authorId: null,
  content: { body: 'Spam' },
  reports: [],
});

describe('useModerate', () => {
  it('refreshes the queue and the community lists after an action', async () => {
    let queued = [item('r1'), item('r2')];
    let reviews = [{ id: 'r1' }, { id: 'r2' }];
    const moderation = {
      queue: vi.fn(async () => queued),
      act: vi.fn(async (input: { targetId: string }) => {
        queued = queued.filter((q) => q.targetId !== input.targetId);
        reviews = reviews.filter((r) => r.id !== input.targetId);
        return { id: 'a1', action: 'hide' };
      }),
    };
    const list = vi.fn(async () => ({ data: reviews, nextCursor: null }));
    const client = { community: { moderation, reviews: { list } } } as unknown as CokoClient;
    const { result } = renderHook(
      () => ({ queue: useModerationQueue(), reviews: useBookReviews(BOOK), moderate: useModerate() }),
      { wrapper: wrapper(client, testQueryClient()) },
    );
    await waitFor(() => expect(result.current.queue.data).toHaveLength(2));
    await waitFor(() => expect(result.current.reviews.isSuccess).toBe(true));

    act(() => result.current.moderate.mutate({ targetType: 'review', targetId: 'r1', action: 'hide', reason: 'Spam' }));
    await waitFor(() => expect(result.current.queue.data?.map((q) => q.targetId)).toEqual(['r2']));
    await waitFor(() => expect(result.current.reviews.data?.pages[0]?.data.map((r) => r.id)).toEqual(['r2']));
    expect(moderation.act).toHaveBeenCalledWith({
      targetType: 'review',
      targetId: 'r1',
      action: 'hide',
      reason: 'Spam',
    });
  });
});

describe('useRevokeShareLink', () => {
  it('refreshes the reader’s links', async () => {
    const link = (code: string, revokedAt: string | null): ShareLink => ({
      id: code,
      code,
      kind: 'book',
      targetId: BOOK,
      excerpt: null,
      url: `https://x.example/functions/v1/api/v1/share/${code}`,
      createdAt: '2026-12-01T10:00:00Z',
      revokedAt,
    });
    let revoked: string | null = null;
    const shares = {
      mine: vi.fn(async () => [link('abcdefgh123', revoked)]),
      revoke: vi.fn(async () => {
        revoked = '2026-12-02T10:00:00Z';
      }),
    };
    const client = { community: { shares } } as unknown as CokoClient;
    const { result } = renderHook(() => ({ links: useShareLinks(), revoke: useRevokeShareLink() }), {
      wrapper: wrapper(client, testQueryClient()),
    });
    await waitFor(() => expect(result.current.links.data?.[0]?.revokedAt).toBeNull());
    act(() => result.current.revoke.mutate('abcdefgh123'));
    await waitFor(() => expect(result.current.links.data?.[0]?.revokedAt).toBe('2026-12-02T10:00:00Z'));
    expect(shares.revoke).toHaveBeenCalledWith('abcdefgh123');
  });
});
