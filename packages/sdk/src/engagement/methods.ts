// `coko.engagement`'s own methods, loaded on first use (see ./index.ts). Points and levels come from
// the cache the ledger trigger keeps (`reader_scores`), leaderboards from the boards the refresh job
// materialises, through RPCs that show public profile fields only (docs/CONTRACT-engagement.md §2).
import { requireSignedIn } from '../community/signed-in';
import type { RequestOptions } from '../core/transport';
import { validate } from '../core/validate';
import { BADGE_COLUMNS, type BadgeRow, type EngagementContext, rest, toBadge } from './rows';
import { leaderboardSchema, ledgerSchema, myRankSchema, visibilitySchema } from './schemas';
import type {
  LeaderboardEntry,
  LeaderboardParams,
  LedgerEntry,
  LedgerPage,
  LedgerParams,
  Level,
  MyEngagement,
  MyRank,
  MyRankParams,
} from './types';

interface ScoreRow {
  points: number;
  level: number;
  weekly_points: number;
  week_start: string | null;
}

interface LevelRow {
  level: number;
  name: string;
  name_en: string;
  min_points: number;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * The reader's level from the levels table: the cached level number when it is known, else the
 * highest level whose threshold the points reach (a reader with no points yet is level 1).
 */
export function levelOf(levels: LevelRow[], points: number, cached?: number): Level {
  const sorted = [...levels].sort((a, b) => a.min_points - b.min_points);
  const index = Math.max(
    0,
    cached !== undefined
      ? sorted.findIndex((l) => l.level === cached)
      : sorted.reduce((found, l, i) => (l.min_points <= points ? i : found), -1),
  );
  const current = sorted[index] ?? { level: 1, name: '', name_en: '', min_points: 0 };
  return {
    level: current.level,
    name: { fr: current.name, en: current.name_en },
    minPoints: current.min_points,
    nextMinPoints: sorted[index + 1]?.min_points ?? null,
  };
}

/**
 * This week's points from the cache: the cache is only written when points are earned, so a row
 * whose week began more than seven days ago says nothing about this week (0).
 */
export function weeklyPointsOf(score: ScoreRow | null, now = Date.now()): number {
  if (!score?.week_start) return 0;
  return now - Date.parse(`${score.week_start.slice(0, 10)}T00:00:00Z`) < WEEK_MS ? score.weekly_points : 0;
}

export async function me(ctx: EngagementContext, options?: RequestOptions): Promise<MyEngagement> {
  const userId = await requireSignedIn(ctx, 'see your points');
  const db = rest(ctx);
  let score = db.from('reader_scores').select('points,level,weekly_points,week_start').eq('user_id', userId);
  let levels = db.from('levels').select('level,name,name_en,min_points').order('min_points');
  let awards = db
    .from('badge_awards')
    .select(`awarded_at,badge:badges(${BADGE_COLUMNS})`)
    .eq('user_id', userId)
    .order('awarded_at', { ascending: false });
  if (options?.signal) {
    score = score.abortSignal(options.signal);
    levels = levels.abortSignal(options.signal);
    awards = awards.abortSignal(options.signal);
  }
  const [s, l, a] = await Promise.all([
    score.maybeSingle().throwOnError(),
    levels.throwOnError(),
    awards.throwOnError(),
  ]);
  const row = s.data as ScoreRow | null;
  const points = row?.points ?? 0;
  return {
    points,
    level: levelOf(l.data as LevelRow[], points, row?.level),
    weeklyPoints: weeklyPointsOf(row),
    badges: (a.data as unknown as { awarded_at: string; badge: BadgeRow | null }[])
      .filter((r) => r.badge !== null)
      .map((r) => toBadge(r.badge as BadgeRow, r.awarded_at)),
  };
}

/** The reader's points ledger, newest first, a page at a time (the cursor is the last line's id). */
export async function ledger(
  ctx: EngagementContext,
  params: LedgerParams = {},
  options?: RequestOptions,
): Promise<LedgerPage> {
  const p = validate(ledgerSchema, params, 'params');
  const userId = await requireSignedIn(ctx, 'see your points');
  const limit = p.limit ?? 20;
  let query = rest(ctx)
    .from('points_ledger')
    .select('id,points,reason,created_at')
    .eq('user_id', userId)
    .order('id', { ascending: false })
    .limit(limit + 1);
  if (p.cursor) query = query.lt('id', p.cursor);
  if (options?.signal) query = query.abortSignal(options.signal);
  const rows = (await query.throwOnError()).data as {
    id: number | string;
    points: number;
    reason: LedgerEntry['reason'];
    created_at: string;
  }[];
  const page = rows.slice(0, limit);
  return {
    data: page.map((r) => ({ id: String(r.id), points: r.points, reason: r.reason, createdAt: r.created_at })),
    nextCursor: rows.length > limit ? String(page[page.length - 1]?.id) : null,
  };
}

interface BoardRow {
  rank: number;
  user_id: string;
  display_name: string | null;
  avatar_path: string | null;
  points: number;
  is_me: boolean | null;
}

/**
 * A leaderboard page, best first (guests too: it shows public profile fields only, and never readers
 * who opted out). Ranks are the board's, so a page after an opted-out reader may skip a number.
 */
export async function leaderboard(
  ctx: EngagementContext,
  params: LeaderboardParams = {},
  options?: RequestOptions,
): Promise<LeaderboardEntry[]> {
  const p = validate(leaderboardSchema, params, 'params');
  let query = rest(ctx).rpc(
    'leaderboard',
    { board: p.board ?? 'weekly', scope: p.scope ?? 'global', limit: p.limit ?? 20, offset: p.offset ?? 0 },
    { get: true },
  );
  if (options?.signal) query = query.abortSignal(options.signal);
  return ((await query.throwOnError()).data as BoardRow[]).map((r) => ({
    rank: r.rank,
    userId: r.user_id,
    displayName: r.display_name,
    avatarPath: r.avatar_path,
    points: r.points,
    isMe: r.is_me === true, // null for guests (no caller id)
  }));
}

/** The reader's rank on a board, or null when they are not on it (no points in the period yet). */
export async function myRank(
  ctx: EngagementContext,
  params: MyRankParams = {},
  options?: RequestOptions,
): Promise<MyRank | null> {
  const p = validate(myRankSchema, params, 'params');
  await requireSignedIn(ctx, 'see your rank');
  let query = rest(ctx).rpc('my_rank', { board: p.board ?? 'weekly', scope: p.scope ?? 'global' }, { get: true });
  if (options?.signal) query = query.abortSignal(options.signal);
  const [row] = (await query.throwOnError()).data as MyRank[];
  return row ? { rank: row.rank, points: row.points, entries: row.entries ?? 0 } : null;
}

/**
 * Shows or hides the reader on public leaderboards (`preferences.leaderboards`; they keep their
 * points and still see their own rank). Written into the stored preferences document, whose other
 * keys keep their values.
 */
export async function setLeaderboardVisibility(ctx: EngagementContext, visible: boolean): Promise<void> {
  const value = validate(visibilitySchema, visible, 'visible');
  const userId = await requireSignedIn(ctx, 'change your leaderboard visibility');
  const db = rest(ctx);
  const { data } = await db.from('profiles').select('preferences').eq('id', userId).single().throwOnError();
  const preferences = { ...(data as { preferences: Record<string, unknown> }).preferences, leaderboards: value };
  await db.from('profiles').update({ preferences }).eq('id', userId).throwOnError();
}
