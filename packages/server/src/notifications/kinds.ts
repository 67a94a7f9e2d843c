// The kinds of notification and the domain event each comes from (docs/CONTRACT-engagement.md §1, §3).

export const NOTIFICATION_KINDS = [
  'welcome',
  'receipt',
  'badge_earned',
  'challenge_completed',
  'post_reply',
  'group_invitation',
  'subscription_expiring',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const DELIVERY_CHANNELS = ['email', 'push', 'sms'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
/** Every channel a preference can switch: the three deliveries and the inbox. */
export type PreferenceChannel = DeliveryChannel | 'inApp';

/** Domain event kind → notification kind. Events of other kinds (reading.session_finished…) notify nobody. */
export const KIND_OF_EVENT: Readonly<Record<string, NotificationKind>> = {
  'user.registered': 'welcome',
  'order.paid': 'receipt',
  'badge.earned': 'badge_earned',
  'challenge.completed': 'challenge_completed',
  'post.replied': 'post_reply',
  'group.invited': 'group_invitation',
  'subscription.expiring': 'subscription_expiring',
};

export const isNotificationKind = (value: unknown): value is NotificationKind =>
  typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
