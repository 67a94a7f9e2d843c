import type { NotificationPreferences, NotificationPreferencesPatch } from '../notifications/types';

/** Reader preferences (stored whole in `profiles.preferences`). */
export interface Preferences {
  theme: 'light' | 'dark' | 'system';
  /** Reading font size in px, 8..48. */
  fontSize: number;
  /** Channels, per-kind overrides, quiet hours and time zone (`coko.notifications.preferences` too). */
  notifications: NotificationPreferences;
  /** Shown on public leaderboards (absent = true). */
  leaderboards?: boolean;
}

/** Some preferences to change; the others keep their values. */
export interface PreferencesPatch {
  theme?: Preferences['theme'];
  fontSize?: number;
  notifications?: NotificationPreferencesPatch;
  leaderboards?: boolean;
}

/** The signed-in reader's profile (`account.profile.get()`). */
export interface Profile {
  id: string;
  /** Name shown to others, 1–100 characters. */
  displayName: string | null;
  /** Path of the avatar image in storage. */
  avatarPath: string | null;
  /** ISO 3166-1 alpha-2 country, e.g. `SN`. */
  country: string | null;
  language: string;
  preferences: Preferences;
  createdAt: string;
  updatedAt: string;
}

/** Profile fields a reader may change (`null` clears an optional one). */
export interface ProfilePatch {
  /** Name shown to others, 1–100 characters. */
  displayName?: string | null;
  /** Path of the avatar image in storage. */
  avatarPath?: string | null;
  /** ISO 3166-1 alpha-2 country, e.g. `SN`. */
  country?: string | null;
  /** ISO 639-1 language with an optional region, e.g. `fr` or `fr-SN`. */
  language?: string;
}

/** What a consent is given for. */
export type ConsentKind = 'tracking' | 'marketing' | 'analytics';

/** The current decision for one kind (the latest recorded). */
export interface Consent {
  kind: ConsentKind;
  granted: boolean;
  /** When this decision was recorded. */
  createdAt: string;
}

/** The user of the access token (`GET /v1/me`; the API's camelCase). */
export interface Me {
  id: string;
  email: string | null;
  phone: string | null;
  /** The partner whose backend minted the session, if any. */
  partnerId: string | null;
  sessionId: string | null;
  /** When the access token expires (ISO 8601). */
  expiresAt: string;
}

/** Everything Coko holds about the reader (`GET /v1/me/export`). */
export interface UserExport {
  format: 'coko-export/1';
  exportedAt: string;
  userId: string;
  /** The tables each section comes from. */
  sources: Record<string, string[]>;
  /** One section per domain (account, reading, payments…). */
  data: Record<string, unknown>;
}
