import { lazyModule } from '../core/lazy';
import type { RequestOptions, Transport } from '../core/transport';
import type {
  Badge,
  Challenge,
  LeaderboardEntry,
  LeaderboardParams,
  LedgerPage,
  LedgerParams,
  MyEngagement,
  MyRank,
  MyRankParams,
} from './types';

/**
 * `coko.engagement`: the signed-in reader's points, level, badges and challenges, and the
 * leaderboards. Points are earned by reading, finishing books, streaks, reviews and purchases; the
 * server counts them asynchronously (a few seconds to a minute after the fact), by rules the team
 * edits in Studio. Every method but `leaderboard` needs a reader's access token
 * (`AuthenticationError` otherwise). Loaded on first use: apps that never call it never download it.
 */
export interface Engagement {
  /**
   * The reader's points, level (with where the next one starts), this week's points and earned badges.
   *
   * @example
   * ```ts
   * const { points, level } = await coko.engagement.me()
   * const toNext = level.nextMinPoints === null ? null : level.nextMinPoints - points
   * ```
   */
  me(options?: RequestOptions): Promise<MyEngagement>;
  /** The reader's points ledger, newest first, a page at a time (`nextCursor` for the next page). */
  ledger(params?: LedgerParams, options?: RequestOptions): Promise<LedgerPage>;
  /**
   * A leaderboard page, best first: `board` `'weekly'` (default) or `'all_time'`, `scope` `'global'`
   * (default), `'partner:<id>'` or `'group:<id>'`. Readers appear with their display name and avatar
   * only; those who opted out never appear. Ties: who reached the score first ranks first.
   *
   * @example
   * ```ts
   * const top = await coko.engagement.leaderboard({ board: 'weekly', limit: 10 })
   * ```
   */
  leaderboard(params?: LeaderboardParams, options?: RequestOptions): Promise<LeaderboardEntry[]>;
  /** The reader's rank and points on a board and its size, or `null` when they are not on it (no points yet, or opted out). */
  myRank(params?: MyRankParams, options?: RequestOptions): Promise<MyRank | null>;
  /**
   * Shows (`true`, the default) or hides the reader on public leaderboards. Hidden readers keep
   * earning points and still see their own rank.
   */
  setLeaderboardVisibility(visible: boolean): Promise<void>;
  badges: {
    /** Every badge: earned ones (`earnedAt` set, newest first), then those still to earn. */
    list(options?: RequestOptions): Promise<Badge[]>;
  };
  challenges: {
    /** The challenges running now or upcoming (global and the reader's partner's), with the reader's progress. */
    list(options?: RequestOptions): Promise<Challenge[]>;
    /** Joins a challenge that has not ended (idempotent). */
    join(challengeId: string): Promise<void>;
    /** Leaves an unfinished challenge (idempotent; a completed one stays). */
    leave(challengeId: string): Promise<void>;
  };
}

/** One line per chunk: the namespace's own methods, its badges and its challenges. */
export function createEngagement(transport: Transport): Engagement {
  return lazyModule(() => import('./methods'), transport, {
    badges: lazyModule(() => import('./badges'), transport),
    challenges: lazyModule(() => import('./challenges'), transport),
  });
}

export type * from './types';
