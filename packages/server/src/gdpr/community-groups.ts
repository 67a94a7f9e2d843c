// The `community-groups` section of the GDPR export: the reader's reading groups (owned), memberships,
// invitations (received and sent), join requests, and the threads and replies they wrote (deleted ones
// as the placeholders they are: their text is already gone). Other members' rows stay out: a group's
// member list is the group's, not the reader's.
import type { Exporter } from './registry.ts';

const rowsOf = async (db: Parameters<Exporter['export']>[0], sql: string, userId: string) => {
  const { rows } = await db.query(sql, [userId]);
  return (rows as { row: unknown }[]).map((r) => r.row);
};

export const communityGroupsExporter: Exporter = {
  name: 'community-groups',
  tables: [
    'public.reading_groups',
    'public.group_members',
    'public.group_invitations',
    'public.group_join_requests',
    'public.discussion_threads',
    'public.discussion_posts',
  ],
  async export(db, userId) {
    return {
      ownedGroups: await rowsOf(
        db,
        `select to_jsonb(g) - 'owner_id' - 'partner_id' as row from public.reading_groups g
          where g.owner_id = $1 order by g.created_at, g.id`,
        userId,
      ),
      memberships: await rowsOf(
        db,
        `select to_jsonb(m) - 'user_id' || jsonb_build_object('group_name', g.name) as row
           from public.group_members m join public.reading_groups g on g.id = m.group_id
          where m.user_id = $1 order by m.joined_at, m.group_id`,
        userId,
      ),
      invitationsReceived: await rowsOf(
        db,
        `select to_jsonb(i) - 'user_id' - 'invited_by' as row from public.group_invitations i
          where i.user_id = $1 order by i.created_at, i.id`,
        userId,
      ),
      invitationsSent: await rowsOf(
        db,
        `select to_jsonb(i) - 'invited_by' as row from public.group_invitations i
          where i.invited_by = $1 order by i.created_at, i.id`,
        userId,
      ),
      joinRequests: await rowsOf(
        db,
        `select to_jsonb(r) - 'user_id' - 'decided_by' as row from public.group_join_requests r
          where r.user_id = $1 order by r.created_at, r.id`,
        userId,
      ),
      threads: await rowsOf(
        db,
        `select to_jsonb(t) - 'user_id' as row from public.discussion_threads t
          where t.user_id = $1 order by t.created_at, t.id`,
        userId,
      ),
      posts: await rowsOf(
        db,
        `select to_jsonb(p) - 'user_id' as row from public.discussion_posts p
          where p.user_id = $1 order by p.created_at, p.id`,
        userId,
      ),
    };
  },
};
