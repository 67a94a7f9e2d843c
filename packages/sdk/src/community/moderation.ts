// The moderation sub-namespace's implementation, loaded on first use (see ./index.ts): the queue and
// actions are RPCs that check community:moderate in the database; the actions list is RLS-filtered
// (moderators see all, readers those concerning them).
import { ValidationError } from '../core/errors';
import type { RequestOptions, Transport } from '../core/transport';
import { readOnly } from '../core/transport';
import { validate } from '../core/validate';
import { actionsParamsSchema, moderateInputSchema, queueParamsSchema } from './moderation-schemas';
import type {
  ModerateInput,
  ModerationAction,
  ModerationActionsPage,
  ModerationActionsParams,
  ModerationQueueItem,
  ModerationQueueParams,
} from './moderation-types';
import { requireSignedIn } from './signed-in';

/** What moderation uses of the transport: PostgREST and the session. */
export type ModerationContext = Pick<Transport, 'rest' | 'session'>;

const COLUMNS = 'id,target_type,target_id,target_user_id,action,reason,moderator_id,suspension_id,created_at';

interface ActionRow {
  id: string;
  target_type: string | null;
  target_id: string | null;
  target_user_id: string | null;
  action: string;
  reason: string | null;
  moderator_id: string | null;
  suspension_id: string | null;
  created_at: string;
}

interface QueueRow {
  target_type: string;
  target_id: string;
  report_count: number;
  reporter_count: number;
  first_reported_at: string;
  last_reported_at: string;
  author_id: string | null;
  content: Record<string, unknown> | null;
  reports: { id: string; reason: string; note: string | null; reporter_id: string; created_at: string }[] | null;
}

const toAction = (row: ActionRow): ModerationAction => ({
  id: row.id,
  targetType: row.target_type as ModerationAction['targetType'],
  targetId: row.target_id,
  targetUserId: row.target_user_id,
  action: row.action as ModerationAction['action'],
  reason: row.reason,
  moderatorId: row.moderator_id,
  suspensionId: row.suspension_id,
  createdAt: row.created_at,
});

/** Implementation of `community.moderation.queue()`. */
export async function queue(
  ctx: ModerationContext,
  params: ModerationQueueParams = {},
  options?: RequestOptions,
): Promise<ModerationQueueItem[]> {
  const { targetType, limit, offset } = validate(queueParamsSchema, params, 'params');
  await requireSignedIn(ctx, 'moderate');
  let query = readOnly(ctx.rest.rpc('moderation_queue', { kind: targetType ?? undefined, limit, offset }));
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.throwOnError();
  return ((data ?? []) as QueueRow[]).map((row) => ({
    targetType: row.target_type as ModerationQueueItem['targetType'],
    targetId: row.target_id,
    reportCount: row.report_count,
    reporterCount: row.reporter_count,
    firstReportedAt: row.first_reported_at,
    lastReportedAt: row.last_reported_at,
    authorId: row.author_id,
    content: row.content ?? {},
    reports: (row.reports ?? []).map((report) => ({
      id: report.id,
      reason: report.reason as ModerationQueueItem['reports'][number]['reason'],
      note: report.note,
      reporterId: report.reporter_id,
      createdAt: report.created_at,
    })),
  }));
}

/** Implementation of `community.moderation.act()`. */
export async function act(
  ctx: ModerationContext,
  input: ModerateInput,
  options?: RequestOptions,
): Promise<ModerationAction> {
  const { targetType, targetId, action, reason, suspendUntil } = validate(moderateInputSchema, input, 'input');
  let until: string | undefined;
  if (suspendUntil != null) {
    const date = suspendUntil instanceof Date ? suspendUntil : new Date(suspendUntil);
    if (Number.isNaN(date.getTime())) {
      throw new ValidationError('suspendUntil must be a date', { details: { field: 'suspendUntil' } });
    }
    until = date.toISOString();
  }
  await requireSignedIn(ctx, 'moderate');
  let query = ctx.rest.rpc('moderate', {
    target_type: targetType,
    target_id: targetId,
    action,
    reason: reason ?? undefined,
    suspend_until: until,
  });
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.single().throwOnError();
  return toAction(data as unknown as ActionRow);
}

// Cursors: base64url JSON of [created_at, id] of the page's last action. Opaque to apps.
const encodeCursor = (row: ActionRow): string =>
  btoa(JSON.stringify([row.created_at, row.id]))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      /^[0-9:.+\-T ]{10,40}$/.test(value[0]) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f-]{36}$/i.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is invalid', { details: { field: 'cursor', message: 'cursor is invalid' } });
}

/** Implementation of `community.moderation.actions()`. */
export async function actions(
  ctx: ModerationContext,
  params: ModerationActionsParams = {},
  options?: RequestOptions,
): Promise<ModerationActionsPage> {
  const { cursor, limit } = validate(actionsParamsSchema, params, 'params');
  await requireSignedIn(ctx, 'see moderation actions');
  let query = ctx.rest
    .from('moderation_actions')
    .select(COLUMNS)
    .order('created_at', { ascending: false })
    .order('id', { ascending: false })
    .limit(limit + 1);
  if (cursor) {
    const [createdAt, id] = decodeCursor(cursor);
    query = query.or(`created_at.lt."${createdAt}",and(created_at.eq."${createdAt}",id.lt.${id})`);
  }
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.throwOnError();
  const rows = (data ?? []) as ActionRow[];
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return { data: shown.map(toAction), nextCursor: more ? encodeCursor(shown.at(-1)!) : null };
}
