'use client';

import type {
  Badge,
  Challenge,
  CokoError,
  LeaderboardEntry,
  LeaderboardParams,
  MyEngagement,
  MyRank,
  MyRankParams,
} from '@coko/sdk';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import {
  badgesQueryOptions,
  challengesQueryOptions,
  leaderboardQueryOptions,
  ledgerQueryOptions,
  myEngagementQueryOptions,
  myRankQueryOptions,
} from './options';

/**
 * The signed-in reader's points, level (with the next threshold), this week's points and earned
 * badges (`coko.engagement.me`). Pass `{ enabled: signedIn }`: guests get `AuthenticationError`.
 *
 * @example
 * ```tsx
 * const { data } = useMyEngagement({ enabled: signedIn })
 * const next = data?.level.nextMinPoints
 * const progress = data && next ? (data.points - data.level.minPoints) / (next - data.level.minPoints) : 1
 * ```
 */
export function useMyEngagement(options?: CokoQueryOptions<MyEngagement>) {
  return useQuery({ ...myEngagementQueryOptions(useCoko()), ...options });
}

/** Every badge, earned first, then those still to earn (`coko.engagement.badges.list`). */
export function useBadges(options?: CokoQueryOptions<Badge[]>) {
  return useQuery({ ...badgesQueryOptions(useCoko()), ...options });
}

/** The reader's points ledger, a page at a time (`data.pages`, `fetchNextPage`, `hasNextPage`). */
export function useLedger(options: { limit?: number; enabled?: boolean } = {}) {
  return useInfiniteQuery({ ...ledgerQueryOptions(useCoko(), options.limit), enabled: options.enabled ?? true });
}

/** The running and upcoming challenges with the reader's progress (`coko.engagement.challenges.list`). */
export function useChallenges(options?: CokoQueryOptions<Challenge[]>) {
  return useQuery({ ...challengesQueryOptions(useCoko()), ...options });
}

/**
 * A leaderboard page (`coko.engagement.leaderboard`), e.g. `{ board: 'weekly', limit: 10 }`. Works
 * for guests. The previous page stays on screen while the next loads.
 */
export function useLeaderboard(params: LeaderboardParams = {}, options?: CokoQueryOptions<LeaderboardEntry[]>) {
  return useQuery({
    ...leaderboardQueryOptions(useCoko(), params),
    placeholderData: (previous) => previous,
    ...options,
  });
}

/** The reader's rank on a board, or `null` when they are not on it (`coko.engagement.myRank`). */
export function useMyRank(params: MyRankParams = {}, options?: CokoQueryOptions<MyRank | null>) {
  return useQuery({ ...myRankQueryOptions(useCoko(), params), ...options });
}

/**
 * Joins a challenge (`coko.engagement.challenges.join`); the challenges refetch.
 *
 * @example
 * ```tsx
 * const join = useJoinChallenge()
 * <button onClick={() => join.mutate(challenge.id)} disabled={join.isPending}>Participer</button>
 * ```
 */
export function useJoinChallenge() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<void, CokoError, string>({
    mutationFn: (challengeId) => client.engagement.challenges.join(challengeId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: cokoKeys.engagement.challenges() }),
  });
}

/** Leaves a challenge (`coko.engagement.challenges.leave`); the challenges refetch. */
export function useLeaveChallenge() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<void, CokoError, string>({
    mutationFn: (challengeId) => client.engagement.challenges.leave(challengeId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: cokoKeys.engagement.challenges() }),
  });
}

/**
 * Shows or hides the reader on public leaderboards (`coko.engagement.setLeaderboardVisibility`);
 * then the boards, the reader's rank and the profile (its preferences) refetch.
 */
export function useLeaderboardVisibility() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<void, CokoError, boolean>({
    mutationFn: (visible) => client.engagement.setLeaderboardVisibility(visible),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: cokoKeys.engagement.boards() }),
        queryClient.invalidateQueries({ queryKey: cokoKeys.account.profile() }),
      ]),
  });
}
