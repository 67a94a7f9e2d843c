// The `community-moderation` section of the GDPR export: the reports the reader made, the moderation
// actions and suspensions concerning them (with the moderator's reason, without the moderator's
// identity: that is the moderator's data), and their share links. Reports others made about the
// reader's content stay out: the reporters' identities are theirs, and what was decided is in the actions.
import type { Exporter } from './registry.ts';

const rowsOf = async (db: Parameters<Exporter['export']>[0], sql: string, userId: string) => {
  const { rows } = await db.query(sql, [userId]);
  return (rows as { row: unknown }[]).map((r) => r.row);
};

export const communityModerationExporter: Exporter = {
  name: 'community-moderation',
  tables: [
    'public.community_reports',
    'public.moderation_actions',
    'public.share_links',
    'public.community_suspensions',
    'private.community_write_log',
  ],
  async export(db, userId) {
    return {
      reports: await rowsOf(
        db,
        `select to_jsonb(r) - 'reporter_id' - 'resolved_by' as row from public.community_reports r
          where r.reporter_id = $1 order by r.created_at, r.id`,
        userId,
      ),
      actionsConcerningMe: await rowsOf(
        db,
        `select to_jsonb(a) - 'target_user_id' - 'moderator_id' - 'partner_id' as row from public.moderation_actions a
          where a.target_user_id = $1 order by a.created_at, a.id`,
        userId,
      ),
      suspensions: await rowsOf(
        db,
        `select to_jsonb(s) - 'user_id' - 'created_by' - 'lifted_by' as row from public.community_suspensions s
          where s.user_id = $1 order by s.created_at, s.id`,
        userId,
      ),
      shareLinks: await rowsOf(
        db,
        `select to_jsonb(s) - 'created_by' as row from public.share_links s
          where s.created_by = $1 order by s.created_at, s.id`,
        userId,
      ),
      // The community writes of the last minute, counted for the per-minute limits.
      recentWrites: await rowsOf(
        db,
        `select jsonb_build_object('action', w.action, 'at', w.at) as row from private.community_write_log w
          where w.user_id = $1 order by w.at, w.id`,
        userId,
      ),
    };
  },
};
