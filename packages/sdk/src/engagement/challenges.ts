// `coko.engagement.challenges`, loaded on first use (see ./index.ts). Joining and leaving write the
// reader's own `challenge_participants` row; RLS only lets them join a running challenge open to them.
import { idSchema } from '../catalog/schemas';
import { requireSignedIn } from '../community/signed-in';
import type { RequestOptions } from '../core/transport';
import { validate } from '../core/validate';
import { type EngagementContext, rest, toGoal } from './rows';
import type { Challenge } from './types';

interface ChallengeRow {
  id: string;
  slug: string;
  title_fr: string;
  title_en: string;
  goal: { type?: unknown; count?: unknown } | null;
  starts_at: string;
  ends_at: string;
  partner_id: string | null;
  points: number;
}

interface ParticipantRow {
  challenge_id: string;
  joined_at: string;
  progress: number;
  completed_at: string | null;
}

/**
 * The challenges running now or upcoming (global and the reader's partner's: RLS), ending soonest
 * first, with the reader's part.
 */
export async function list(ctx: EngagementContext, options?: RequestOptions): Promise<Challenge[]> {
  const userId = await requireSignedIn(ctx, 'see challenges');
  const now = new Date().toISOString();
  let challenges = rest(ctx)
    .from('challenges')
    .select('id,slug,title_fr,title_en,goal,starts_at,ends_at,partner_id,points')
    .gt('ends_at', now)
    .order('ends_at')
    .order('id');
  let mine = rest(ctx)
    .from('challenge_participants')
    .select('challenge_id,joined_at,progress,completed_at')
    .eq('user_id', userId);
  if (options?.signal) {
    challenges = challenges.abortSignal(options.signal);
    mine = mine.abortSignal(options.signal);
  }
  const [c, p] = await Promise.all([challenges.throwOnError(), mine.throwOnError()]);
  const joined = new Map((p.data as ParticipantRow[]).map((row) => [row.challenge_id, row]));
  return (c.data as ChallengeRow[]).map((row) => {
    const part = joined.get(row.id);
    return {
      id: row.id,
      slug: row.slug,
      title: { fr: row.title_fr, en: row.title_en },
      goal: toGoal(row.goal),
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      partnerId: row.partner_id,
      points: row.points,
      participation: part
        ? { joinedAt: part.joined_at, progress: part.progress, completedAt: part.completed_at }
        : null,
    };
  });
}

/**
 * Joins a challenge that has not ended (joining twice is a no-op). Progress counts the whole
 * period, activity before joining included.
 */
export async function join(ctx: EngagementContext, challengeId: string): Promise<void> {
  const id = validate(idSchema, challengeId, 'challengeId');
  const userId = await requireSignedIn(ctx, 'join challenges');
  await rest(ctx)
    .from('challenge_participants')
    .upsert({ challenge_id: id, user_id: userId }, { onConflict: 'challenge_id,user_id', ignoreDuplicates: true })
    .throwOnError();
}

/** Leaves an unfinished challenge (its progress is dropped; leaving one not joined or completed is a no-op). */
export async function leave(ctx: EngagementContext, challengeId: string): Promise<void> {
  const id = validate(idSchema, challengeId, 'challengeId');
  const userId = await requireSignedIn(ctx, 'leave challenges');
  await rest(ctx).from('challenge_participants').delete().eq('challenge_id', id).eq('user_id', userId).throwOnError();
}
