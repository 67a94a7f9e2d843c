// Shared by the discussions and groups chunks: who the signed-in reader is, the public profiles of
// authors and members (one `get_public_profiles` call per page), and id checks.
import { idSchema } from '../catalog/schemas';
import { AuthenticationError } from '../core/errors';
import { jwtClaims } from '../core/session';
import type { RequestOptions, Transport } from '../core/transport';
import { validate } from '../core/validate';
import type { Person } from './discussion-types';

/** What discussions and groups use of the transport: PostgREST and the session (the reader's id). */
export type CommunityContext = Pick<Transport, 'rest' | 'session'>;

/** Validates an id argument before any request. */
export const checkId = (id: unknown, name: string): string => validate(idSchema, id, name);

/** The signed-in reader's id, or null for a guest. */
export async function readerId(ctx: CommunityContext): Promise<string | null> {
  const sub = jwtClaims(await ctx.session.get()).sub;
  return typeof sub === 'string' ? sub : null;
}

/** The signed-in reader's id; `AuthenticationError` for a guest (before any request). */
export async function requireReader(ctx: CommunityContext, what: string): Promise<string> {
  const id = await readerId(ctx);
  if (!id) throw new AuthenticationError(`Sign in to ${what}`);
  return id;
}

type Profile = { id: string; display_name: string | null; avatar_path: string | null };

/** Public profiles (display name, avatar) of the given users, by id. */
export async function profilesOf(
  ctx: CommunityContext,
  userIds: (string | null)[],
  options?: RequestOptions,
): Promise<Map<string, Person>> {
  const ids = [...new Set(userIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  let query = ctx.rest.rpc('get_public_profiles', { ids }, { get: true });
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.throwOnError();
  return new Map(
    (data as Profile[]).map((p) => [p.id, { id: p.id, displayName: p.display_name, avatarPath: p.avatar_path }]),
  );
}

/** The person for a user id (null once the account is anonymised: the text stays, the author goes). */
export const personOf = (people: Map<string, Person>, id: string | null): Person | null =>
  id ? (people.get(id) ?? { id, displayName: null, avatarPath: null }) : null;
