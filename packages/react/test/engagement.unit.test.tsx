// @vitest-environment happy-dom
import type { CokoClient, Engagement, MyEngagement } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import {
  cokoKeys,
  useChallenges,
  useJoinChallenge,
  useLeaderboard,
  useLeaderboardVisibility,
  useLedger,
  useMyEngagement,
  useMyRank,
} from '../src';
import { testQueryClient, wrapper } from './helpers';

const ME: MyEngagement = {
  points: 130,
  level: { level: 2, name: { fr: 'Lecteur assidu', en: 'Keen reader' }, minPoints: 100, nextMinPoints: 500 },
  weeklyPoints: 30,
  badges: [],
};

/** A client whose engagement methods are vi.fn()s. */
function fakeEngagement() {
  const engagement = {
    me: vi.fn(async () => ME),
    ledger: vi.fn(async ({ cursor }: { cursor?: string | null } = {}) =>
      cursor
        ? { data: [{ id: '1', points: 5, reason: 'session' as const, createdAt: 'x' }], nextCursor: null }
        : { data: [{ id: '2', points: 5, reason: 'session' as const, createdAt: 'x' }], nextCursor: '2' },
    ),
    leaderboard: vi.fn(async () => []),
    myRank: vi.fn(async () => ({ rank: 4, points: 130, entries: 20 })),
    setLeaderboardVisibility: vi.fn(async () => {}),
    badges: { list: vi.fn(async () => []) },
    challenges: { list: vi.fn(async () => []), join: vi.fn(async () => {}), leave: vi.fn(async () => {}) },
  } satisfies Engagement;
  return { client: { engagement } as unknown as CokoClient, engagement };
}

describe('engagement hooks', () => {
  it('useMyEngagement, useMyRank and useLeaderboard call the SDK with their params and a signal', async () => {
    const { client, engagement } = fakeEngagement();
    const { result } = renderHook(
      () => ({
        me: useMyEngagement(),
        rank: useMyRank({ board: 'weekly' }),
        board: useLeaderboard({ board: 'weekly', limit: 10 }),
      }),
      { wrapper: wrapper(client) },
    );
    await waitFor(() => expect(result.current.me.data).toEqual(ME));
    await waitFor(() => expect(result.current.rank.data).toEqual({ rank: 4, points: 130, entries: 20 }));
    expect(engagement.myRank).toHaveBeenCalledWith({ board: 'weekly' }, { signal: expect.any(AbortSignal) });
    await waitFor(() => expect(result.current.board.isSuccess).toBe(true));
    expect(engagement.leaderboard).toHaveBeenCalledWith(
      { board: 'weekly', limit: 10 },
      { signal: expect.any(AbortSignal) },
    );
  });

  it('useLedger pages with the cursor', async () => {
    const { client, engagement } = fakeEngagement();
    const { result } = renderHook(() => useLedger({ limit: 1 }), { wrapper: wrapper(client) });
    await waitFor(() => expect(result.current.hasNextPage).toBe(true));
    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(result.current.data?.pages.flatMap((p) => p.data.map((e) => e.id))).toEqual(['2', '1']));
    expect(engagement.ledger).toHaveBeenLastCalledWith({ cursor: '2', limit: 1 }, { signal: expect.any(AbortSignal) });
    expect(result.current.hasNextPage).toBe(false);
  });

  it('useJoinChallenge refetches the challenges', async () => {
    const { client, engagement } = fakeEngagement();
    const { result } = renderHook(() => ({ list: useChallenges(), join: useJoinChallenge() }), {
      wrapper: wrapper(client),
    });
    await waitFor(() => expect(result.current.list.isSuccess).toBe(true));
    await act(() => result.current.join.mutateAsync('c-1'));
    expect(engagement.challenges.join).toHaveBeenCalledWith('c-1');
    await waitFor(() => expect(engagement.challenges.list).toHaveBeenCalledTimes(2));
  });

  it('useLeaderboardVisibility invalidates the boards, the ranks and the profile, not the points', async () => {
    const { client, engagement } = fakeEngagement();
    const queryClient = testQueryClient();
    const { result } = renderHook(() => useLeaderboardVisibility(), { wrapper: wrapper(client, queryClient) });
    queryClient.setQueryData(cokoKeys.engagement.leaderboard({ board: 'weekly' }), []);
    queryClient.setQueryData(cokoKeys.engagement.myRank(), null);
    queryClient.setQueryData(cokoKeys.engagement.me(), ME);
    queryClient.setQueryData(cokoKeys.account.profile(), {});
    await act(() => result.current.mutateAsync(false));
    expect(engagement.setLeaderboardVisibility).toHaveBeenCalledWith(false);
    const stale = (key: readonly unknown[]) => queryClient.getQueryState(key)?.isInvalidated;
    expect(stale(cokoKeys.engagement.leaderboard({ board: 'weekly' }))).toBe(true);
    expect(stale(cokoKeys.engagement.myRank())).toBe(true);
    expect(stale(cokoKeys.account.profile())).toBe(true);
    expect(stale(cokoKeys.engagement.me())).toBe(false);
  });
});
