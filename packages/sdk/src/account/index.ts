import { lazyMethods } from '../core/lazy';
import type { RequestOptions, Transport } from '../core/transport';
import type {
  Consent,
  ConsentKind,
  Me,
  Preferences,
  PreferencesPatch,
  Profile,
  ProfilePatch,
  UserExport,
} from './types';

/**
 * `coko.account`: the signed-in reader's own account (profile, preferences, consents) and their
 * GDPR rights (export, deletion). Every method needs a reader's access token
 * (`AuthenticationError` otherwise).
 */
export interface Account {
  /**
   * The user of the current access token, as the API sees it (`GET /v1/me`).
   *
   * @example
   * ```ts
   * const { id, expiresAt } = await coko.account.me()
   * ```
   */
  me(options?: RequestOptions): Promise<Me>;

  profile: {
    /** The reader's profile. */
    get(options?: RequestOptions): Promise<Profile>;
    /**
     * Changes some profile fields and returns the profile.
     *
     * @throws `ValidationError` (before any request) for a name over 100 characters, a bad country or language.
     *
     * @example
     * ```ts
     * await coko.account.profile.update({ displayName: 'Awa Diop', language: 'fr-SN' })
     * ```
     */
    update(patch: ProfilePatch): Promise<Profile>;
  };

  preferences: {
    /** The reader's preferences (theme, font size, notification channels). */
    get(options?: RequestOptions): Promise<Preferences>;
    /**
     * Changes some preferences (the others keep their values) and returns them all.
     *
     * @example
     * ```ts
     * await coko.account.preferences.update({ theme: 'dark', notifications: { sms: true } })
     * ```
     */
    update(patch: PreferencesPatch): Promise<Preferences>;
  };

  consents: {
    /** The current decision per kind; a kind never decided is absent. */
    list(options?: RequestOptions): Promise<Consent[]>;
    /**
     * Records a decision (given or withdrawn); the history is kept.
     *
     * @example
     * ```ts
     * await coko.account.consents.set('marketing', false)
     * ```
     */
    set(kind: ConsentKind, granted: boolean): Promise<Consent>;
  };

  /**
   * Everything Coko holds about the reader, as JSON (`GET /v1/me/export`, 10 per hour).
   *
   * @throws `RateLimitError` (with `retryAfter`) past the limit.
   */
  export(options?: RequestOptions): Promise<UserExport>;

  /**
   * Deletes the reader's account (`DELETE /v1/me`): their tokens stop working at once and their
   * personal data is anonymised after 30 days. Sign the reader out afterwards.
   */
  delete(): Promise<void>;
}

/** Builds the account namespace; its implementation is a separate chunk, imported on the first call. */
export function createAccount(transport: Transport): Account {
  const call = lazyMethods(() => import('./methods'), transport);
  return {
    me: call('me'),
    profile: { get: call('getProfile'), update: call('updateProfile') },
    preferences: { get: call('getPreferences'), update: call('updatePreferences') },
    consents: { list: call('listConsents'), set: call('setConsent') },
    export: call('exportData'),
    delete: call('deleteAccount'),
  };
}

export type * from './types';
