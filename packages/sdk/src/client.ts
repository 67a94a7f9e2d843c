import { type Account, createAccount } from './account';
import { type Admin, createAdmin } from './admin';
import { type Catalog, createCatalog } from './catalog';
import { countrySchema } from './catalog/schemas';
import { type Community, createCommunity } from './community';
import { ValidationError } from './core/errors';
import { type CokoOptions, createTransport } from './core/transport';
import { validate } from './core/validate';
import { createEngagement, type Engagement } from './engagement';
import { createNotifications, type Notifications } from './notifications';
import { createPayments, type Payments } from './payments';
import { createReading, type Reading, type ReadingOptions } from './reading';

/** The object returned by `createCoko()`: one namespace per domain, sharing one transport. */
export interface CokoClient {
  /** The signed-in reader's profile, preferences, consents, data export and account deletion. */
  account: Account;
  /**
   * The catalog as editors write it: books (drafts included), authors, publishers, categories. Needs a user
   * holding `books:update` (moderators, admins).
   */
  admin: Admin;
  /** Books, search, categories and authors. */
  catalog: Catalog;
  /** Reviews and ratings, discussions and reading groups (and the rest of the community as it lands). */
  community: Community;
  /** The reader's points, level, badges and challenges, and the leaderboards. */
  engagement: Engagement;
  /**
   * Drops the cached access token: the next request calls `accessToken()` again. Call it when the
   * reader signs in or out (not needed with `@coko/sdk/auth`, whose `accessToken` tells the client).
   */
  invalidateAccessToken(): void;
  /** The signed-in reader's inbox, unread count, notification preferences and push devices. */
  notifications: Notifications;
  /** Plans, checkout, the reader's orders, receipts and rights to read, and signed URLs to open a book. */
  payments: Payments;
  /** The signed-in reader's progress, annotations, sessions and statistics, with offline sync. */
  reading: Reading;
}

/**
 * Creates a Coko client. Cheap and side-effect free (nothing is fetched until a method is
 * called), so it is safe at module scope and during server rendering.
 *
 * Every method throws a `CokoError` subclass on failure (see `isCokoError`).
 *
 * @param options.url - Project URL (PostgREST is reached at `${url}/rest/v1`, the API at `${url}/functions/v1/api`).
 * @param options.publishableKey - The publishable key, sent as `apikey` (and as the bearer token for guests).
 * @param options.accessToken - The reader's JWT: a function returning it (or `null` for guests), or a
 *   fixed token. Cached; asked again shortly before it expires and once after a 401.
 * @param options.fetch - Custom fetch. Default: global `fetch`.
 * @param options.headers - Extra headers for every request.
 * @param options.timeout - Per-attempt timeout in ms. Default `10000`.
 * @param options.retries - Retries of idempotent requests on network errors, 408, 429, 5xx. Default `2`.
 * @param options.offline - A write queue for `reading` (`createOfflineQueue` from `@coko/sdk/offline`).
 * @param options.deviceId - This device's id for reading writes. Default: generated.
 * @param options.country - The reader's country (`'SN'`), sent as `x-coko-country`: guests see books sold
 *   there as well as worldwide ones (without it, worldwide books only). A profile's country wins.
 *
 * @example
 * ```ts
 * import { createCoko } from '@coko/sdk'
 *
 * const coko = createCoko({
 *   url: 'https://your-project.supabase.co',
 *   publishableKey: 'sb_publishable_…',
 *   accessToken: async () => (await fetch('/api/coko-token').then((r) => r.json())).token,
 * })
 * const { data: books } = await coko.catalog.list({ limit: 10 })
 * ```
 */
export function createCoko(options: CokoOptions & ReadingOptions): CokoClient {
  if (!options || typeof options.url !== 'string' || !/^https?:\/\//.test(options.url)) {
    throw new ValidationError('url must be an http(s) URL', {
      details: { field: 'url', message: 'url must be an http(s) URL' },
    });
  }
  if (typeof options.publishableKey !== 'string' || options.publishableKey === '') {
    throw new ValidationError('publishableKey is required', {
      details: { field: 'publishableKey', message: 'publishableKey is required' },
    });
  }
  // A fixed country is checked once here (a function's answers are checked on every request).
  if (typeof options.country === 'string') validate(countrySchema, options.country, 'country');
  const transport = createTransport(options);
  return {
    account: createAccount(transport),
    admin: createAdmin(transport),
    catalog: createCatalog(transport),
    community: createCommunity(transport),
    engagement: createEngagement(transport),
    invalidateAccessToken: transport.session.reset,
    notifications: createNotifications(transport),
    payments: createPayments(transport),
    reading: createReading(transport, options),
  };
}
