import type { RequestOptions } from '../core/transport';

/** What a notification is about. */
export type NotificationKind =
  | 'welcome'
  | 'receipt'
  | 'badge_earned'
  | 'challenge_completed'
  | 'post_reply'
  | 'group_invitation'
  | 'subscription_expiring';

/** A notification in the reader's inbox. */
export interface Notification {
  id: string;
  kind: NotificationKind;
  /** In the reader's language, with the partner's name. */
  title: string;
  body: string;
  /** What it is about (ids the app links to: `bookId`, `orderId`, `badgeId`, `threadId`, `groupId`…). */
  data: Record<string, unknown>;
  /** When the reader marked it read; null while unread. */
  readAt: string | null;
  createdAt: string;
}

export interface NotificationsPage {
  data: Notification[];
  /** Pass to `list({ cursor })` for the next (older) page; null on the last. */
  nextCursor: string | null;
}

export interface ListNotificationsParams extends RequestOptions {
  cursor?: string | null;
  /** Only unread ones. */
  unreadOnly?: boolean;
  /** 1–100, default 20. */
  limit?: number;
}

/** Channel switches: `true` sends, `false` does not. */
export interface ChannelSwitches {
  email: boolean;
  push: boolean;
  sms: boolean;
  /** The inbox (default true). */
  inApp?: boolean;
}

/** `profiles.preferences.notifications`. */
export interface NotificationPreferences extends ChannelSwitches {
  /** Per-kind overrides of the channel switches. */
  kinds?: Partial<Record<NotificationKind, Partial<ChannelSwitches>>>;
  /** Push and SMS wait until `end` (local time, `HH:MM`); may span midnight (`22:00`–`07:00`). */
  quietHours?: { start: string; end: string } | null;
  /** IANA time zone the quiet hours are read in (default UTC), e.g. `Africa/Dakar`. */
  timeZone?: string;
}

/** Some notification preferences to change; kinds merge per kind and channel. */
export interface NotificationPreferencesPatch {
  email?: boolean;
  push?: boolean;
  sms?: boolean;
  inApp?: boolean;
  kinds?: Partial<Record<NotificationKind, Partial<ChannelSwitches>>>;
  quietHours?: { start: string; end: string } | null;
  timeZone?: string;
}

export type PushPlatform = 'android' | 'ios' | 'web';
