// The notifications namespace's implementation, loaded on first use (see ./index.ts). The inbox and devices go to
// PostgREST as the reader: RLS shows their own rows only (docs/CONTRACT-engagement.md §3).
import { getPreferences, updatePreferences } from '../account/methods';
import { idSchema } from '../catalog/schemas';
import { pageQuery, toCursorPage } from '../community/cursor';
import { AuthenticationError, ValidationError } from '../core/errors';
import { jwtClaims } from '../core/session';
import type { RequestOptions, Transport } from '../core/transport';
import { validate } from '../core/validate';
import { deviceSchema, listNotificationsSchema, notificationPreferencesPatchSchema } from './schemas';
import type {
  ListNotificationsParams,
  Notification,
  NotificationKind,
  NotificationPreferences,
  NotificationPreferencesPatch,
  NotificationsPage,
  PushPlatform,
} from './types';

export type NotificationsContext = Pick<Transport, 'rest' | 'api' | 'session'>;

const COLUMNS = 'id,kind,title,body,data,read_at,created_at';

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
  read_at: string | null;
  created_at: string;
}

const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  data: row.data,
  readAt: row.read_at,
  createdAt: row.created_at,
});

async function readerId(ctx: NotificationsContext): Promise<string> {
  const { sub } = jwtClaims(await ctx.session.get());
  if (typeof sub !== 'string' || !sub) throw new AuthenticationError('This needs a signed-in reader');
  return sub;
}

export async function list(
  ctx: NotificationsContext,
  params: ListNotificationsParams = {},
): Promise<NotificationsPage> {
  const { signal, ...rest } = params;
  const p = validate(listNotificationsSchema, rest, 'params');
  const limit = p.limit ?? 20;
  await readerId(ctx);
  let query = ctx.rest.from('notifications').select(COLUMNS);
  if (p.unreadOnly) query = query.is('read_at', null);
  query = pageQuery(query, 'newest', limit, p.cursor);
  if (signal) query = query.abortSignal(signal);
  const rows = (await query.throwOnError()).data as unknown as NotificationRow[];
  return toCursorPage(rows, limit, toNotification);
}

export async function unreadCount(ctx: NotificationsContext, options?: RequestOptions): Promise<number> {
  await readerId(ctx);
  let query = ctx.rest.rpc('unread_notifications_count');
  if (options?.signal) query = query.abortSignal(options.signal);
  return (await query.throwOnError()).data as number;
}

/** Marks the given notifications (or all of the reader's) read; returns how many changed. */
export async function markRead(ctx: NotificationsContext, ids: string[] | 'all'): Promise<number> {
  if (ids !== 'all' && (!Array.isArray(ids) || ids.length === 0 || ids.length > 100)) {
    throw new ValidationError('ids must be "all" or 1 to 100 notification ids', {
      details: { field: 'ids', message: 'ids must be "all" or 1 to 100 notification ids' },
    });
  }
  const target = ids === 'all' ? ids : ids.map((id) => validate(idSchema, id, 'ids'));
  const readerIdValue = await readerId(ctx);
  let query = ctx.rest
    .from('notifications')
    .update({ read_at: new Date().toISOString() })
    .eq('user_id', readerIdValue)
    .is('read_at', null);
  if (target !== 'all') query = query.in('id', target);
  const { data } = await query.select('id').throwOnError();
  return (data ?? []).length;
}

/** Deletes one notification from the inbox (for good). */
export async function remove(ctx: NotificationsContext, id: string): Promise<void> {
  const valid = validate(idSchema, id, 'id');
  await readerId(ctx);
  await ctx.rest.from('notifications').delete().eq('id', valid).throwOnError();
}

export async function getNotificationPreferences(
  ctx: NotificationsContext,
  options?: RequestOptions,
): Promise<NotificationPreferences> {
  return (await getPreferences(ctx, options)).notifications;
}

export async function updateNotificationPreferences(
  ctx: NotificationsContext,
  patch: NotificationPreferencesPatch,
): Promise<NotificationPreferences> {
  const p = validate(notificationPreferencesPatchSchema, patch, 'patch');
  return (await updatePreferences(ctx, { notifications: p as NotificationPreferencesPatch })).notifications;
}

/** Registers this device's push token for the reader (call on every app start: it refreshes `last_seen_at`). */
export async function registerDevice(ctx: NotificationsContext, token: string, platform: PushPlatform): Promise<void> {
  const d = validate(deviceSchema, { token, platform }, 'device');
  await readerId(ctx);
  await ctx.rest.rpc('register_push_device', { token: d.token, platform: d.platform }).throwOnError();
}

/** Forgets this device's push token (call at sign-out). */
export async function unregisterDevice(ctx: NotificationsContext, token: string): Promise<void> {
  const d = validate(deviceSchema, { token, platform: 'web' }, 'device');
  await readerId(ctx);
  await ctx.rest.from('push_devices').delete().eq('token', d.token).throwOnError();
}

// `coko.notifications.delete` (a reserved word as a function name, fine as an export name).
export { remove as delete };
