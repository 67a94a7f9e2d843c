/** A text in the two languages Coko ships (the app picks the reader's). */
export interface Localized {
  fr: string;
  en: string;
}

/** What earns a badge or completes a challenge, as the team wrote it in the rules (data, not code). */
export interface EngagementGoal {
  type: 'books_finished' | 'streak_days' | 'reviews' | 'minutes_read' | 'purchases' | 'sessions' | (string & {});
  count: number;
}

/** A badge, earned by the reader (`earnedAt`) or still to earn (`earnedAt: null`). */
export interface Badge {
  id: string;
  slug: string;
  name: Localized;
  description: Localized;
  criteria: EngagementGoal;
  /** Points the badge grants when earned. */
  points: number;
  /** Path of the icon in storage, or null. */
  iconPath: string | null;
  earnedAt: string | null;
}

/** The reader's level: its number and name, the points it starts at and where the next one starts. */
export interface Level {
  level: number;
  name: Localized;
  minPoints: number;
  /** Points at which the next level starts; `null` at the top level. */
  nextMinPoints: number | null;
}

/** `engagement.me()`: the signed-in reader's points, level, this week's points and earned badges. */
export interface MyEngagement {
  points: number;
  level: Level;
  /** Points earned since this ISO week's Monday (0 when nothing was earned this week). */
  weeklyPoints: number;
  /** Badges earned, newest first. */
  badges: Badge[];
}

/** One line of the reader's points ledger (append-only: a correction is a new line). */
export interface LedgerEntry {
  id: string;
  points: number;
  /** Why: `session`, `book`, `streak_day`, `review`, `purchase`, `badge`, `challenge` or `adjustment` (by the team). */
  reason: 'session' | 'book' | 'streak_day' | 'review' | 'purchase' | 'badge' | 'challenge' | 'adjustment';
  createdAt: string;
}

/** A page of the ledger, newest first; pass `nextCursor` back for the next page (null: no more). */
export interface LedgerPage {
  data: LedgerEntry[];
  nextCursor: string | null;
}

export interface LedgerParams {
  cursor?: string | null;
  /** 1–100, default 20. */
  limit?: number;
}

/** A time-boxed goal (global, or of the reader's partner) and the reader's part in it (progress counts the whole period). */
export interface Challenge {
  id: string;
  slug: string;
  title: Localized;
  goal: EngagementGoal;
  startsAt: string;
  endsAt: string;
  /** The partner running it, or null for a global challenge. */
  partnerId: string | null;
  /** Points earned on completion. */
  points: number;
  /** The reader's participation, or null if they have not joined. */
  participation: { joinedAt: string; progress: number; completedAt: string | null } | null;
}

export type LeaderboardBoard = 'weekly' | 'all_time';
/** `'global'`, `'partner:<uuid>'` or `'group:<uuid>'`. */
export type LeaderboardScope = 'global' | `partner:${string}` | `group:${string}`;

export interface LeaderboardParams {
  /** Default `'weekly'`. */
  board?: LeaderboardBoard;
  /** Default `'global'`. */
  scope?: LeaderboardScope;
  /** 1–100, default 20. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

/** One reader on a leaderboard, as the board shows them (public profile fields only). */
export interface LeaderboardEntry {
  rank: number;
  userId: string;
  displayName: string | null;
  avatarPath: string | null;
  points: number;
  /** This entry is the signed-in reader. */
  isMe: boolean;
}

export interface MyRankParams {
  board?: LeaderboardBoard;
  scope?: LeaderboardScope;
}

/** The reader's place on a board; `null` from `myRank` when they are not on it (no points, or opted out). */
export interface MyRank {
  rank: number;
  points: number;
  /** How many readers the board has ("12th of 340"). */
  entries: number;
}
