// The `activity` section of the GDPR export: the audit entries of the user's own actions (what, when, from
// which IP and user agent). Old and new values are left out: they can hold other people's data (an
// administrator's changes to other accounts), which an export must not disclose.
import type { Exporter } from './registry.ts';

export const activityExporter: Exporter = {
  name: 'activity',
  tables: ['public.audit_logs'],
  async export(db, userId) {
    const { rows } = await db.query(
      `select jsonb_build_object(
                'action', l.action, 'resourceType', l.resource_type, 'resourceId', l.resource_id,
                'ipAddress', host(l.ip_address), 'userAgent', l.user_agent, 'createdAt', l.created_at) as row
         from public.audit_logs l
        where l.actor_id = $1
        order by l.created_at`,
      [userId],
    );
    return (rows as { row: unknown }[]).map((r) => r.row);
  },
};
