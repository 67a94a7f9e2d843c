// The `engagement` section of the GDPR export: the reader's points ledger (every point and why), score,
// level and streaks, badges, challenge participations, leaderboard entries, reading days, and what the
// gamification consumer recorded about their events (including the ones the anti-abuse rules refused,
// and why). Other readers' rows stay out: a leaderboard is the readers', not one reader's.
import type { Exporter } from './registry.ts';

const rowsOf = async (db: Parameters<Exporter['export']>[0], sql: string, userId: string) => {
  const { rows } = await db.query(sql, [userId]);
  return (rows as { row: unknown }[]).map((r) => r.row);
};

export const engagementExporter: Exporter = {
  name: 'engagement',
  tables: [
    'public.points_ledger',
    'public.reader_scores',
    'public.badge_awards',
    'public.challenge_participants',
    'public.leaderboard_entries',
    'private.streak_days',
    'private.gamification_processed',
    'private.rejected_events',
  ],
  async export(db, userId) {
    const [score] = await rowsOf(
      db,
      `select to_jsonb(s) - 'user_id' as row from public.reader_scores s where s.user_id = $1`,
      userId,
    );
    return {
      score: score ?? null,
      ledger: await rowsOf(
        db,
        `select to_jsonb(l) - 'user_id' as row from public.points_ledger l where l.user_id = $1 order by l.id`,
        userId,
      ),
      badges: await rowsOf(
        db,
        `select jsonb_build_object('slug', b.slug, 'name', b.name_fr, 'awardedAt', a.awarded_at) as row
           from public.badge_awards a join public.badges b on b.id = a.badge_id
          where a.user_id = $1 order by a.awarded_at, b.slug`,
        userId,
      ),
      challenges: await rowsOf(
        db,
        `select to_jsonb(cp) - 'user_id' || jsonb_build_object('slug', c.slug) as row
           from public.challenge_participants cp join public.challenges c on c.id = cp.challenge_id
          where cp.user_id = $1 order by cp.joined_at, c.slug`,
        userId,
      ),
      leaderboards: await rowsOf(
        db,
        `select to_jsonb(e) - 'user_id' as row from public.leaderboard_entries e
          where e.user_id = $1 order by e.board, e.scope, e.period_start`,
        userId,
      ),
      readingDays: await rowsOf(
        db,
        'select to_jsonb(d.day) as row from private.streak_days d where d.user_id = $1 order by d.day',
        userId,
      ),
      processedEvents: await rowsOf(
        db,
        `select to_jsonb(p) - 'user_id' as row from private.gamification_processed p
          where p.user_id = $1 order by p.event_id`,
        userId,
      ),
      rejectedEvents: await rowsOf(
        db,
        `select to_jsonb(r) - 'user_id' as row from private.rejected_events r where r.user_id = $1 order by r.event_id`,
        userId,
      ),
    };
  },
};
