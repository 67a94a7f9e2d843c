import * as z from 'zod/mini';

const KINDS = [
  'welcome',
  'receipt',
  'badge_earned',
  'challenge_completed',
  'post_reply',
  'group_invitation',
  'subscription_expiring',
] as const;
const hhmm = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/));
const switches = z.strictObject({
  email: z.optional(z.boolean()),
  push: z.optional(z.boolean()),
  sms: z.optional(z.boolean()),
  inApp: z.optional(z.boolean()),
});

/** `notifications.preferences.update()` and the `notifications` of `account.preferences.update()`. */
export const notificationPreferencesPatchSchema = z.strictObject({
  email: z.optional(z.boolean()),
  push: z.optional(z.boolean()),
  sms: z.optional(z.boolean()),
  inApp: z.optional(z.boolean()),
  // One optional key per kind (not a record: the core bundle pays for every zod feature a chunk uses).
  kinds: z.optional(z.strictObject(Object.fromEntries(KINDS.map((kind) => [kind, z.optional(switches)])))),
  quietHours: z.optional(z.nullable(z.strictObject({ start: hhmm, end: hhmm }))),
  // The IANA name's shape, as the database checks it; an unknown zone is read as UTC.
  timeZone: z.optional(z.string().check(z.maxLength(64), z.regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/))),
});

export const listNotificationsSchema = z.object({
  cursor: z.optional(z.nullable(z.string().check(z.maxLength(200)))),
  unreadOnly: z.optional(z.boolean()),
  limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
});

export const deviceSchema = z.object({
  token: z.string().check(z.minLength(1), z.maxLength(4096)),
  platform: z.enum(['android', 'ios', 'web']),
});
