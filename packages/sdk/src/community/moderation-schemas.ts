import * as z from 'zod/mini';

export const REPORT_REASONS = [
  'spam',
  'harassment',
  'hate',
  'sexual',
  'violence',
  'spoiler',
  'off_topic',
  'other',
] as const;
export const REPORT_TARGET_TYPES = ['review', 'thread', 'post', 'group'] as const;
export const MODERATION_ACTIONS = [
  'hide',
  'restore',
  'delete',
  'warn',
  'suspend',
  'lift_suspension',
  'dismiss',
] as const;
export const SHARE_KINDS = ['book', 'review', 'highlight'] as const;

const uuid = z.string().check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i));
const text = (max: number) => z.nullish(z.string().check(z.maxLength(max), z.regex(/\S/)));

/** `community.reports.create()` input. */
export const reportInputSchema = z.strictObject({
  targetType: z.enum(REPORT_TARGET_TYPES),
  targetId: uuid,
  reason: z.enum(REPORT_REASONS),
  note: text(1000),
});

/** `community.moderation.queue()` parameters. */
export const queueParamsSchema = z.strictObject({
  targetType: z.nullish(z.enum(REPORT_TARGET_TYPES)),
  limit: z._default(z.int().check(z.gte(1), z.lte(100)), 20),
  offset: z._default(z.int().check(z.gte(0), z.lte(100000)), 0),
});

/** `community.moderation.act()` input. */
export const moderateInputSchema = z.strictObject({
  targetType: z.enum([...REPORT_TARGET_TYPES, 'user']),
  targetId: uuid,
  action: z.enum(MODERATION_ACTIONS),
  reason: text(1000),
  suspendUntil: z.nullish(z.union([z.string(), z.date()])),
});

/** `community.moderation.actions()` parameters. */
export const actionsParamsSchema = z.strictObject({
  cursor: z.nullish(z.string().check(z.maxLength(200), z.regex(/^[A-Za-z0-9_-]+$/))),
  limit: z._default(z.int().check(z.gte(1), z.lte(100)), 20),
});

/** `community.shares.create()` input. */
export const shareInputSchema = z.strictObject({ kind: z.enum(SHARE_KINDS), targetId: uuid });

/** A share code (url-safe, 8..32). */
export const shareCodeSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,32}$/));
