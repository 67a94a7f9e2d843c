// Rows of the gamification schema (docs/CONTRACT-engagement.md §2) and their camelCase results.
// Shared by the engagement chunks; RLS decides what the reader sees (their own ledger, awards and
// participations; everyone's badges, levels and active challenges).
import type { PostgrestClient } from '@supabase/postgrest-js';
import type { Transport } from '../core/transport';
import type { Badge, EngagementGoal } from './types';

/** What the engagement chunks use of the transport: PostgREST and the session (the reader's id). */
export type EngagementContext = Pick<Transport, 'rest' | 'session'>;

/**
 * PostgREST without the generated row types: the gamification tables are not in
 * `database.types.ts` until it is regenerated with their migration; rows are typed here instead.
 */
// biome-ignore lint/suspicious/noExplicitAny: an untyped schema, rows are typed by the interfaces below
export const rest = (ctx: EngagementContext) => ctx.rest as unknown as PostgrestClient<any>;

export const BADGE_COLUMNS = 'id,slug,name_fr,name_en,description_fr,description_en,criteria,points,icon_path';

export interface BadgeRow {
  id: string;
  slug: string;
  name_fr: string;
  name_en: string;
  description_fr: string | null;
  description_en: string | null;
  criteria: { type?: unknown; count?: unknown } | null;
  points: number;
  icon_path: string | null;
}

/** A goal as stored (`{ "type": …, "count": … }`), tolerant of rules written by hand in Studio. */
export const toGoal = (value: { type?: unknown; count?: unknown } | null): EngagementGoal => ({
  type: String(value?.type ?? ''),
  count: Number(value?.count ?? 0),
});

export const toBadge = (row: BadgeRow, earnedAt: string | null): Badge => ({
  id: row.id,
  slug: row.slug,
  name: { fr: row.name_fr, en: row.name_en },
  description: { fr: row.description_fr ?? '', en: row.description_en ?? '' },
  criteria: toGoal(row.criteria),
  points: row.points,
  iconPath: row.icon_path,
  earnedAt,
});
