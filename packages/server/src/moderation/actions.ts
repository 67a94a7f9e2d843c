// The moderation actions a partner sees: those concerning its readers (moderation_actions.partner_id),
// newest first, keyed by (created_at, id). Moderators stay anonymous to partners.
import type { Queryable } from '../db/pool.ts';

export interface PartnerModerationAction {
  id: string;
  action: 'hide' | 'restore' | 'delete' | 'warn' | 'suspend' | 'lift_suspension' | 'dismiss';
  targetType: string | null;
  targetId: string | null;
  reason: string | null;
  /** The partner's id for the reader; null once the reader's account is anonymised. */
  externalUserId: string | null;
  suspendedUntil: string | null;
  createdAt: string;
}

interface ActionRow {
  id: string;
  action: PartnerModerationAction['action'];
  target_type: string | null;
  target_id: string | null;
  reason: string | null;
  external_user_id: string | null;
  suspended_until: Date | null;
  suspension_id: string | null;
  created_at: Date;
}

export interface ActionPage {
  data: PartnerModerationAction[];
  last: { createdAt: Date; id: string } | undefined;
  more: boolean;
}

/** One page of the partner's readers' moderation actions. */
export async function listPartnerModerationActions(
  db: Queryable,
  partnerId: string,
  page: { limit: number; after?: { createdAt: string; id: string } | undefined },
): Promise<ActionPage> {
  const values: unknown[] = [partnerId, page.limit + 1];
  let keyset = '';
  if (page.after) {
    values.push(page.after.createdAt, page.after.id);
    keyset = 'and (a.created_at, a.id) < ($3::timestamptz, $4::uuid)';
  }
  const { rows } = await db.query(
    `select a.id, a.action, a.target_type, a.target_id, a.reason, a.suspension_id, a.created_at,
            pu.external_user_id,
            case when a.action = 'suspend' then s.ends_at end as suspended_until
       from public.moderation_actions a
       left join private.partner_users pu on pu.partner_id = a.partner_id and pu.user_id = a.target_user_id
       left join public.community_suspensions s on s.id = a.suspension_id
      where a.partner_id = $1 ${keyset}
      order by a.created_at desc, a.id desc
      limit $2`,
    values,
  );
  const list = rows as ActionRow[];
  const more = list.length > page.limit;
  const shown = more ? list.slice(0, page.limit) : list;
  const last = shown.at(-1);
  return {
    data: shown.map((row) => ({
      id: row.id,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      reason: row.reason,
      externalUserId: row.external_user_id,
      suspendedUntil: row.suspended_until ? row.suspended_until.toISOString() : null,
      createdAt: row.created_at.toISOString(),
    })),
    last: last ? { createdAt: last.created_at, id: last.id } : undefined,
    more,
  };
}
