// Which channels a reader allows for a kind of notification, from `profiles.preferences.notifications`
// (shape checked by private.is_valid_preferences; parsed again here because a zod boundary costs nothing).
import { z } from 'zod';
import { DELIVERY_CHANNELS, type NotificationKind, type PreferenceChannel } from './kinds.ts';

const Switches = z.object({
  email: z.boolean().optional(),
  push: z.boolean().optional(),
  sms: z.boolean().optional(),
  inApp: z.boolean().optional(),
});

export const NotificationPreferencesSchema = z.object({
  email: z.boolean(),
  push: z.boolean(),
  sms: z.boolean(),
  inApp: z.boolean().optional(),
  kinds: z.record(z.string(), Switches).optional(),
  quietHours: z
    .object({
      start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    })
    .nullable()
    .optional(),
  timeZone: z.string().optional(),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;

/** What a profile without a (valid) notifications document gets: the column's default. */
export const DEFAULT_NOTIFICATION_PREFERENCES: NotificationPreferences = { email: true, push: true, sms: false };

export function parseNotificationPreferences(preferences: unknown): NotificationPreferences {
  const parsed = NotificationPreferencesSchema.safeParse(
    (preferences as { notifications?: unknown } | null)?.notifications,
  );
  return parsed.success ? parsed.data : DEFAULT_NOTIFICATION_PREFERENCES;
}

/** The kind's own switch wins; otherwise the channel's global switch (in-app is on unless turned off). */
export function allows(prefs: NotificationPreferences, kind: NotificationKind, channel: PreferenceChannel): boolean {
  const own = prefs.kinds?.[kind]?.[channel];
  if (own !== undefined) return own;
  return channel === 'inApp' ? (prefs.inApp ?? true) : prefs[channel];
}

/** The delivery channels (email, push, sms) the reader allows for `kind`. */
export function allowedDeliveryChannels(prefs: NotificationPreferences, kind: NotificationKind) {
  return DELIVERY_CHANNELS.filter((channel) => allows(prefs, kind, channel));
}
