/**
 * `@coko/sdk/auth`: Supabase Auth (email + password, phone OTP by SMS) for Coko's own apps.
 *
 * A separate entry point so that partner apps, which sign readers in through their own backend
 * (`accessToken` from a Coko session exchange), never download Supabase Auth. Only the auth
 * client of `@supabase/supabase-js` is used (no PostgREST, Realtime or Storage client).
 *
 * @example
 * ```ts
 * import { createCoko } from '@coko/sdk'
 * import { createCokoAuth } from '@coko/sdk/auth'
 *
 * const auth = createCokoAuth({ url, publishableKey })
 * const coko = createCoko({ url, publishableKey, accessToken: auth.accessToken })
 *
 * await auth.signInWithOtp({ phone: '+221 77 123 45 67' }) // sends an SMS
 * await auth.verifyOtp({ phone: '+221 77 123 45 67', token: '123456' })
 * await coko.catalog.list() // as the signed-in reader
 * ```
 */
import {
  type AuthChangeEvent,
  AuthClient,
  type AuthError,
  type GoTrueClient,
  isAuthError,
  type Session,
  type SupportedStorage,
  type User,
} from '@supabase/supabase-js';
import * as z from 'zod/mini';
import {
  AuthenticationError,
  type CokoError,
  type CokoErrorInit,
  ConflictError,
  NetworkError,
  RateLimitError,
  ServerError,
  ValidationError,
} from '../core/errors';
import type { AccessTokenFunction } from '../core/session';
import { validate } from '../core/validate';

export type { AuthChangeEvent, Session, SupportedStorage, User };

/** Options of `createCokoAuth()`. */
export interface CokoAuthOptions {
  /** Project URL (Supabase Auth is reached at `${url}/auth/v1`). */
  url: string;
  /** The project's publishable key. */
  publishableKey: string;
  /**
   * Where the session (access and refresh tokens) is kept: `localStorage` in browsers by default,
   * memory elsewhere. Pass e.g. AsyncStorage on React Native, or a cookie adapter for SSR.
   */
  storage?: SupportedStorage;
  /** Storage key. Default `sb-<project ref>-auth-token`, as supabase-js uses (sessions are shared with it). */
  storageKey?: string;
  /** Custom fetch (tests, instrumentation). Default: global `fetch`. */
  fetch?: typeof fetch;
}

/** A sign-in or sign-up result. `session` is `null` when the project requires a confirmation first. */
export interface AuthResult {
  user: User | null;
  session: Session | null;
}

/** The object returned by `createCokoAuth()`. Every method throws `CokoError`s. */
export interface CokoAuth {
  /**
   * Creates an account with email and password. When the project requires email confirmation the
   * result has `session: null` and the reader signs in after clicking the link.
   */
  signUp(credentials: { email: string; password: string }): Promise<AuthResult>;
  /** Signs in with email and password. Wrong credentials → `AuthenticationError`. */
  signInWithPassword(credentials: { email: string; password: string }): Promise<AuthResult & { session: Session }>;
  /**
   * Sends a one-time code by SMS to `phone` (international format; spaces, dots, dashes and
   * brackets are ignored: `+221 77 123 45 67`). Creates the account on first sign-in.
   */
  signInWithOtp(credentials: { phone: string }): Promise<void>;
  /** Checks the SMS code and signs in. Wrong or expired code → `AuthenticationError`. */
  verifyOtp(credentials: { phone: string; token: string }): Promise<AuthResult & { session: Session }>;
  /** Signs out (revokes the refresh token on the server, clears the stored session). */
  signOut(options?: { scope?: 'global' | 'local' | 'others' }): Promise<void>;
  /** The current session (refreshed first if it is about to expire), or `null`. */
  getSession(): Promise<Session | null>;
  /**
   * Calls `callback` on every session change (`SIGNED_IN`, `SIGNED_OUT`, `TOKEN_REFRESHED`,
   * `USER_UPDATED`, …; `INITIAL_SESSION` first). Returns the unsubscribe function.
   */
  onSessionChange(callback: (event: AuthChangeEvent, session: Session | null) => void): () => void;
  /**
   * The reader's access token or `null`: pass it to `createCoko({ accessToken: auth.accessToken })`.
   * It tells the Coko client when the session changes, so sign-in and sign-out apply at once.
   */
  accessToken: AccessTokenFunction & ((context?: { forceRefresh?: boolean }) => Promise<string | null>);
  /** The underlying Supabase Auth client, for what this wrapper does not cover (OAuth, updateUser …). */
  client: GoTrueClient;
}

// --- validation (before any request) ---------------------------------------------------------

const emailPassword = (minPassword: number) =>
  z.object({
    email: z.email(),
    password: z
      .string()
      .check(
        z.refine(
          (value) => value.length >= minPassword,
          minPassword > 1 ? `password must be at least ${minPassword} characters` : 'password is required',
        ),
      ),
  });
const SIGN_UP = emailPassword(6); // Supabase's minimum; the project may ask for more.
const SIGN_IN = emailPassword(1);

/** `+221 77 123 45 67` → `+221771234567`. Only formatting characters are removed. */
const normalize = (value: unknown) => (typeof value === 'string' ? value.replace(/[\s().-]/g, '') : value);
const PHONE = z.pipe(
  z.transform(normalize),
  z
    .string()
    .check(
      z.refine(
        (value) => /^\+[1-9]\d{6,14}$/.test(value),
        'phone must be an international number starting with + and the country code, e.g. +221771234567',
      ),
    ),
);
const OTP = z.pipe(
  z.transform(normalize),
  z.string().check(z.refine((value) => /^\d{6,10}$/.test(value), 'token must be the code of 6 to 10 digits')),
);

// --- errors -----------------------------------------------------------------------------------

const CONFLICT = new Set(['user_already_exists', 'email_exists', 'phone_exists', 'identity_already_exists']);
const INVALID = new Set(['validation_failed', 'email_address_invalid', 'weak_password', 'bad_json']);

/** Maps Supabase Auth's errors onto the SDK's `CokoError` hierarchy (`details.authCode` keeps its code). */
export function toCokoError(error: AuthError): CokoError {
  const status = error.status || undefined;
  const authCode = error.code;
  const reasons = (error as { reasons?: unknown }).reasons;
  const init: CokoErrorInit = { status, cause: error, details: reasons ? { authCode, reasons } : { authCode } };
  const text = error.message || 'Authentication failed';
  if (status === 429 || authCode?.startsWith('over_')) return new RateLimitError(text, { ...init, status: 429 });
  if (error.name === 'AuthRetryableFetchError' && !status)
    return new NetworkError(`Network request failed: ${text}`, init);
  if (status && status >= 500) return new ServerError(text, init);
  if (authCode && CONFLICT.has(authCode)) return new ConflictError(text, init);
  if (authCode && INVALID.has(authCode)) {
    if (authCode === 'weak_password') init.details = { ...(init.details as object), field: 'password' };
    return new ValidationError(text, { ...init, status: status ?? 400 });
  }
  // invalid_credentials, otp_expired, email_not_confirmed, session_not_found, user_banned, …
  return new AuthenticationError(text, { ...init, code: 'AUTHENTICATION_ERROR' });
}

/** supabase-js returns `{ data, error }`; the SDK throws. */
function unwrap<R extends { error: AuthError | null }>(result: R): Extract<R, { error: null }> {
  if (result.error) throw toCokoError(result.error);
  return result as Extract<R, { error: null }>;
}

const rethrow = (error: unknown): never => {
  throw isAuthError(error) ? toCokoError(error) : error;
};

// --- the client -------------------------------------------------------------------------------

/**
 * Creates the Supabase Auth wrapper for Coko's own apps. Like `createCoko`, it fetches nothing until
 * a method is called (a stored session is read in the background).
 */
export function createCokoAuth(options: CokoAuthOptions): CokoAuth {
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
  const base = new URL(options.url.replace(/\/+$/, ''));
  const key = options.publishableKey;
  const customFetch = options.fetch;
  const client = new AuthClient({
    url: `${base.href.replace(/\/+$/, '')}/auth/v1`,
    // As supabase-js sends them; Supabase's gateway maps `Bearer sb_publishable_…` to the anon role.
    headers: { apikey: key, Authorization: `Bearer ${key}` },
    storageKey: options.storageKey ?? `sb-${base.hostname.split('.')[0]}-auth-token`,
    storage: options.storage,
    persistSession: true,
    autoRefreshToken: true,
    detectSessionInUrl: true,
    fetch: customFetch ? (input, init) => customFetch(input, init) : undefined,
  });

  const onSessionChange: CokoAuth['onSessionChange'] = (callback) => {
    const { data } = client.onAuthStateChange((event, session) => callback(event, session));
    return () => data.subscription.unsubscribe();
  };

  const accessToken = Object.assign(
    async (context?: { forceRefresh?: boolean }): Promise<string | null> => {
      const { data, error } = await client.getSession();
      if (error) throw toCokoError(error);
      let session = data.session;
      // The server rejected the token we handed out: get a new one from the refresh token.
      if (session && context?.forceRefresh) {
        const refreshed = await client.refreshSession();
        if (refreshed.error) {
          if (refreshed.error.name === 'AuthSessionMissingError') return null;
          throw toCokoError(refreshed.error);
        }
        session = refreshed.data.session;
      }
      return session?.access_token ?? null;
    },
    {
      // The Coko client drops its cached token on sign-in, sign-out and refreshes done here.
      subscribe: (onChange: () => void) =>
        onSessionChange((event) => {
          if (event !== 'INITIAL_SESSION') onChange();
        }),
    },
  );

  return {
    async signUp(credentials) {
      const { email, password } = validate(SIGN_UP, credentials, 'credentials');
      const { data } = unwrap(await client.signUp({ email, password }).catch(rethrow));
      return { user: data.user, session: data.session };
    },
    async signInWithPassword(credentials) {
      const { email, password } = validate(SIGN_IN, credentials, 'credentials');
      const { data } = unwrap(await client.signInWithPassword({ email, password }).catch(rethrow));
      return { user: data.user, session: data.session };
    },
    async signInWithOtp(credentials) {
      const phone = validate(PHONE, credentials?.phone, 'phone');
      unwrap(await client.signInWithOtp({ phone, options: { channel: 'sms' } }).catch(rethrow));
    },
    async verifyOtp(credentials) {
      const phone = validate(PHONE, credentials?.phone, 'phone');
      const token = validate(OTP, credentials?.token, 'token');
      const { data } = unwrap(await client.verifyOtp({ phone, token, type: 'sms' }).catch(rethrow));
      if (!data.session) throw new AuthenticationError('The code was accepted but no session was issued');
      return { user: data.user, session: data.session };
    },
    async signOut(signOutOptions) {
      unwrap(await client.signOut(signOutOptions).catch(rethrow));
    },
    async getSession() {
      return unwrap(await client.getSession().catch(rethrow)).data.session;
    },
    onSessionChange,
    accessToken,
    client,
  };
}
