// The `notifications` section of the GDPR export: the reader's notifications (with each channel's delivery status)
// and their push devices (without the token, a credential of the device).
import type { Exporter } from './registry.ts';

export const notificationsExporter: Exporter = {
  name: 'notifications',
  tables: ['public.notifications', 'public.push_devices', 'private.notification_deliveries'],
  async export(db, userId) {
    const notifications = await db.query(
      `select jsonb_build_object('id', n.id, 'kind', n.kind, 'title', n.title, 'body', n.body, 'data', n.data,
                                 'inApp', n.in_app, 'readAt', n.read_at, 'createdAt', n.created_at,
                                 'deliveries', coalesce((select jsonb_agg(jsonb_build_object(
                                     'channel', d.channel, 'status', d.status, 'sentAt', d.sent_at) order by d.id)
                                   from private.notification_deliveries d where d.notification_id = n.id), '[]')) as row
         from public.notifications n
        where n.user_id = $1
        order by n.created_at, n.id`,
      [userId],
    );
    const devices = await db.query(
      `select jsonb_build_object('platform', d.platform, 'createdAt', d.created_at, 'lastSeenAt', d.last_seen_at) as row
         from public.push_devices d where d.user_id = $1 order by d.created_at`,
      [userId],
    );
    const rows = (r: { rows: unknown[] }) => (r.rows as { row: unknown }[]).map((x) => x.row);
    return { notifications: rows(notifications), pushDevices: rows(devices) };
  },
};
