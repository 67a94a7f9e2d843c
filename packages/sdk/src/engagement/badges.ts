// `coko.engagement.badges`, loaded on first use (see ./index.ts).

import { requireSignedIn } from '../community/signed-in';
import type { RequestOptions } from '../core/transport';
import { BADGE_COLUMNS, type BadgeRow, type EngagementContext, rest, toBadge } from './rows';
import type { Badge } from './types';

/**
 * Every badge, earned or to earn (`earnedAt`), earned first (newest first), then by the points they
 * grant. A retired badge (`is_active` false) is only listed when the reader earned it. Two reads in parallel (the catalog of badges, the reader's awards) rather than an embed:
 * the awards are filtered by RLS, the badges are public.
 */
export async function list(ctx: EngagementContext, options?: RequestOptions): Promise<Badge[]> {
  const userId = await requireSignedIn(ctx, 'see your badges');
  let badges = rest(ctx).from('badges').select(`${BADGE_COLUMNS},is_active`).order('points').order('slug');
  let awards = rest(ctx).from('badge_awards').select('badge_id,awarded_at').eq('user_id', userId);
  if (options?.signal) {
    badges = badges.abortSignal(options.signal);
    awards = awards.abortSignal(options.signal);
  }
  const [b, a] = await Promise.all([badges.throwOnError(), awards.throwOnError()]);
  const earned = new Map((a.data as { badge_id: string; awarded_at: string }[]).map((r) => [r.badge_id, r.awarded_at]));
  return (b.data as (BadgeRow & { is_active: boolean })[])
    .filter((row) => row.is_active || earned.has(row.id))
    .map((row) => toBadge(row, earned.get(row.id) ?? null))
    .sort((x, y) => (y.earnedAt ?? '').localeCompare(x.earnedAt ?? ''));
}
