import { lazyModule } from '../core/lazy';
import type { RequestOptions, Transport } from '../core/transport';
import type {
  ListNotificationsParams,
  NotificationPreferences,
  NotificationPreferencesPatch,
  NotificationsPage,
  PushPlatform,
} from './types';

/**
 * `coko.notifications`: the signed-in reader's inbox, unread count, notification preferences and push devices.
 * Every method needs a reader's access token (`AuthenticationError` otherwise). The implementation is a separate
 * chunk, imported on the first call.
 */
export interface Notifications {
  /**
   * The inbox, newest first, one page at a time.
   *
   * @example
   * ```ts
   * const { data, nextCursor } = await coko.notifications.list({ unreadOnly: true })
   * ```
   */
  list(params?: ListNotificationsParams): Promise<NotificationsPage>;
  /** How many in-app notifications are unread (for a badge on the bell). */
  unreadCount(options?: RequestOptions): Promise<number>;
  /**
   * Marks notifications read; returns how many changed.
   *
   * @example
   * ```ts
   * await coko.notifications.markRead('all')
   * ```
   */
  markRead(ids: string[] | 'all'): Promise<number>;
  /** Removes one notification from the inbox. */
  delete(id: string): Promise<void>;
  preferences: {
    get(options?: RequestOptions): Promise<NotificationPreferences>;
    /**
     * Changes some notification preferences; per-kind switches merge per kind and channel.
     *
     * @example
     * ```ts
     * await coko.notifications.preferences.update({
     *   kinds: { badge_earned: { email: false } },
     *   quietHours: { start: '22:00', end: '07:00' },
     *   timeZone: 'Africa/Dakar',
     * })
     * ```
     */
    update(patch: NotificationPreferencesPatch): Promise<NotificationPreferences>;
  };
  devices: {
    /** Registers this device's FCM token for the reader (call on every start; a token follows its latest reader). */
    register(token: string, platform: PushPlatform): Promise<void>;
    /** Forgets this device's token (call at sign-out). */
    unregister(token: string): Promise<void>;
  };
}

export function createNotifications(transport: Transport): Notifications {
  return lazyModule(() => import('./methods'), transport, {
    preferences: lazyModule(() => import('./preferences'), transport),
    devices: lazyModule(() => import('./devices'), transport),
  });
}

export type * from './types';
