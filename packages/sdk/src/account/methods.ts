// The account namespace's implementation, loaded on first use (see ./index.ts).
import { camel } from '../core/case';
import { AuthenticationError } from '../core/errors';
import { jwtClaims } from '../core/session';
import type { RequestOptions, Transport } from '../core/transport';
import { validate } from '../core/validate';
import type { Json, Tables, TablesUpdate } from '../database.types';
import { mergePreferences } from './merge';
import { consentSchema, preferencesPatchSchema, profilePatchSchema } from './schemas';
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

export type AccountContext = Pick<Transport, 'rest' | 'api' | 'session'>;

const PROFILE_COLUMNS = 'id,display_name,avatar_path,country,language,preferences,created_at,updated_at';

type ProfileRow = Pick<
  Tables<'profiles'>,
  'id' | 'display_name' | 'avatar_path' | 'country' | 'language' | 'preferences' | 'created_at' | 'updated_at'
>;

/** A profile row in the public casing; `preferences` is JSON the SDK writes whole, so typed as it writes it. */
const toProfile = (row: ProfileRow): Profile => ({
  ...camel(row),
  preferences: row.preferences as unknown as Preferences,
});

/** The reader's id (`sub` of their token): moderators may read every profile, so reads filter on it. */
async function readerId(ctx: AccountContext): Promise<string> {
  const { sub } = jwtClaims(await ctx.session.get());
  if (typeof sub !== 'string' || !sub) throw new AuthenticationError('This needs a signed-in reader');
  return sub;
}

export async function me(ctx: AccountContext, options?: RequestOptions): Promise<Me> {
  return (await ctx.api('v1/me', { signal: options?.signal })).json();
}

export async function getProfile(ctx: AccountContext, options?: RequestOptions): Promise<Profile> {
  let query = ctx.rest
    .from('profiles')
    .select(PROFILE_COLUMNS)
    .eq('id', await readerId(ctx));
  if (options?.signal) query = query.abortSignal(options.signal);
  return toProfile((await query.single().throwOnError()).data);
}

export async function updateProfile(ctx: AccountContext, patch: ProfilePatch): Promise<Profile> {
  const p = validate(profilePatchSchema, patch, 'patch');
  const row: ProfileWrite = {
    display_name: p.displayName,
    avatar_path: p.avatarPath,
    country: p.country?.toUpperCase() ?? p.country,
    language: p.language,
  };
  return writeProfile(ctx, row);
}

/** The profile columns a reader may write (the generated `Json` admits `null`, which the column refuses). */
type ProfileWrite = Omit<TablesUpdate<'profiles'>, 'preferences'> & { preferences?: { [key: string]: Json } };

async function writeProfile(ctx: AccountContext, row: ProfileWrite): Promise<Profile> {
  const query = ctx.rest
    .from('profiles')
    .update(row)
    .eq('id', await readerId(ctx))
    .select(PROFILE_COLUMNS);
  return toProfile((await query.single().throwOnError()).data);
}

export async function getPreferences(ctx: AccountContext, options?: RequestOptions): Promise<Preferences> {
  return (await getProfile(ctx, options)).preferences;
}

/**
 * Merges `patch` into the stored preferences and writes them whole (the database requires every
 * key). Two devices changing different keys at the same moment: the later write wins.
 */
export async function updatePreferences(ctx: AccountContext, patch: PreferencesPatch): Promise<Preferences> {
  const p = validate(preferencesPatchSchema, patch, 'patch');
  const current = await getPreferences(ctx);
  const next = mergePreferences(current, p as PreferencesPatch);
  return (await writeProfile(ctx, { preferences: next as unknown as { [key: string]: Json } })).preferences;
}

export async function listConsents(ctx: AccountContext, options?: RequestOptions): Promise<Consent[]> {
  let query = ctx.rest
    .from('current_consents')
    .select('kind,granted,created_at')
    .eq('user_id', await readerId(ctx))
    .order('kind');
  if (options?.signal) query = query.abortSignal(options.signal);
  return (await query.throwOnError()).data.map(camel) as Consent[];
}

/** Records a decision (consents are append-only: the latest per kind is the current one). */
export async function setConsent(ctx: AccountContext, kind: ConsentKind, granted: boolean): Promise<Consent> {
  const c = validate(consentSchema, { kind, granted }, 'consent');
  await readerId(ctx);
  const query = ctx.rest.from('consents').insert(c).select('kind,granted,created_at');
  return camel((await query.single().throwOnError()).data);
}

export async function exportData(ctx: AccountContext, options?: RequestOptions): Promise<UserExport> {
  return (await ctx.api('v1/me/export', { signal: options?.signal })).json();
}

/** Deletes the account; the token stops working at once, so the cached one is dropped. */
export async function deleteAccount(ctx: AccountContext): Promise<void> {
  await ctx.api('v1/me', { method: 'DELETE', idempotent: false });
  ctx.session.reset();
}
