import * as z from 'zod/mini';
import { notificationPreferencesPatchSchema } from '../notifications/schemas';

const optionalText = (max: number) => z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(max))));

/** `account.profile.update()` (the same limits as the `profiles` constraints). */
export const profilePatchSchema = z.strictObject({
  displayName: optionalText(100),
  avatarPath: optionalText(1024),
  country: z.optional(z.nullable(z.string().check(z.regex(/^[A-Za-z]{2}$/)))),
  language: z.optional(z.string().check(z.regex(/^[a-z]{2}(-[A-Z]{2})?$/))),
});

/** `account.preferences.update()`. */
export const preferencesPatchSchema = z.strictObject({
  theme: z.optional(z.enum(['light', 'dark', 'system'])),
  fontSize: z.optional(z.int().check(z.gte(8), z.lte(48))),
  notifications: z.optional(notificationPreferencesPatchSchema),
  leaderboards: z.optional(z.boolean()),
});

/** `account.consents.set()`. */
export const consentSchema = z.object({
  kind: z.enum(['tracking', 'marketing', 'analytics']),
  granted: z.boolean(),
});
