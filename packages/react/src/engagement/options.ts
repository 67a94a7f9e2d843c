import type {
  Badge,
  Challenge,
  CokoClient,
  CokoError,
  LeaderboardEntry,
  LeaderboardParams,
  LedgerPage,
  MyEngagement,
  MyRank,
  MyRankParams,
} from '@coko/sdk';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { cokoRetry } from '../catalog/options';
import { cokoKeys } from '../query-keys';

/**
 * Points are counted by a job a few seconds to a minute after the fact, and boards refreshed every
 * five minutes: one minute of freshness is what the server can offer, and saves requests.
 */
export const ENGAGEMENT_STALE_TIME = 60 * 1000;

/** Query options for the reader's points, level and badges (`coko.engagement.me`). */
export function myEngagementQueryOptions(client: CokoClient) {
  return queryOptions<MyEngagement, CokoError>({
    queryKey: cokoKeys.engagement.me(),
    queryFn: ({ signal }) => client.engagement.me({ signal }),
    staleTime: ENGAGEMENT_STALE_TIME,
    retry: cokoRetry,
  });
}

/** Query options for every badge, earned or to earn (`coko.engagement.badges.list`). */
export function badgesQueryOptions(client: CokoClient) {
  return queryOptions<Badge[], CokoError>({
    queryKey: cokoKeys.engagement.badges(),
    queryFn: ({ signal }) => client.engagement.badges.list({ signal }),
    staleTime: ENGAGEMENT_STALE_TIME,
    retry: cokoRetry,
  });
}

/** Infinite query options for the reader's points ledger (`coko.engagement.ledger`). */
export function ledgerQueryOptions(client: CokoClient, limit = 20) {
  return infiniteQueryOptions<LedgerPage, CokoError>({
    queryKey: cokoKeys.engagement.ledger(limit),
    queryFn: ({ pageParam, signal }) =>
      client.engagement.ledger({ cursor: pageParam as string | null, limit }, { signal }),
    initialPageParam: null,
    getNextPageParam: (page) => page.nextCursor,
    staleTime: ENGAGEMENT_STALE_TIME,
    retry: cokoRetry,
  });
}

/** Query options for the running and upcoming challenges (`coko.engagement.challenges.list`). */
export function challengesQueryOptions(client: CokoClient) {
  return queryOptions<Challenge[], CokoError>({
    queryKey: cokoKeys.engagement.challenges(),
    queryFn: ({ signal }) => client.engagement.challenges.list({ signal }),
    staleTime: ENGAGEMENT_STALE_TIME,
    retry: cokoRetry,
  });
}

/** Query options for a leaderboard page (`coko.engagement.leaderboard`; guests too). */
export function leaderboardQueryOptions(client: CokoClient, params: LeaderboardParams = {}) {
  return queryOptions<LeaderboardEntry[], CokoError>({
    queryKey: cokoKeys.engagement.leaderboard(params),
    queryFn: ({ signal }) => client.engagement.leaderboard(params, { signal }),
    staleTime: ENGAGEMENT_STALE_TIME,
    retry: cokoRetry,
  });
}

/** Query options for the reader's rank on a board (`coko.engagement.myRank`). */
export function myRankQueryOptions(client: CokoClient, params: MyRankParams = {}) {
  return queryOptions<MyRank | null, CokoError>({
    queryKey: cokoKeys.engagement.myRank(params),
    queryFn: ({ signal }) => client.engagement.myRank(params, { signal }),
    staleTime: ENGAGEMENT_STALE_TIME,
    retry: cokoRetry,
  });
}
