import type { NotificationPreferences, NotificationPreferencesPatch } from '../notifications/types';
import type { Preferences, PreferencesPatch } from './types';

const dropUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The notification preferences with `patch` applied: kinds merge per kind and channel; keys not named stay. */
export function mergeNotificationPreferences(
  current: NotificationPreferences,
  patch: NotificationPreferencesPatch,
): NotificationPreferences {
  const { kinds, ...rest } = patch;
  const next: NotificationPreferences = { ...current, ...dropUndefined(rest) };
  if (kinds) {
    const merged: NonNullable<NotificationPreferences['kinds']> = { ...current.kinds };
    for (const [kind, switches] of Object.entries(kinds) as [keyof typeof merged, object | undefined][]) {
      if (switches) merged[kind] = { ...merged[kind], ...dropUndefined(switches) };
    }
    next.kinds = merged;
  }
  return next;
}

/**
 * The whole document with `patch` applied (the database requires every key, so it is written whole; keys this
 * SDK does not know yet are kept). Two devices changing different keys at the same moment: the later write wins.
 */
export function mergePreferences(current: Preferences, patch: PreferencesPatch): Preferences {
  return {
    ...current,
    ...dropUndefined({ theme: patch.theme, fontSize: patch.fontSize, leaderboards: patch.leaderboards }),
    notifications: mergeNotificationPreferences(current.notifications, patch.notifications ?? {}),
  };
}
