// Fixtures for the reading groups and discussions tests, on top of helpers.ts: the group roles as
// extra callers (owner, group moderator, member, non-member), groups, threads and posts written as
// the superuser the way the API would write them.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { PoolClient } from 'pg';
import {
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  claimsFor,
  clientAs,
  clientWithToken,
  createUser,
  dbRoleFor,
  type Row,
  sqlAs,
  type TestUser,
  tokenFor,
} from './helpers.js';

/** The group roles as callers, besides the standard kinds of helpers.ts. */
export type GroupKind = 'owner' | 'groupModerator' | 'member' | 'nonMember';
export type Kind = ClientKind | GroupKind;

export const GROUP_USERS: Record<GroupKind, TestUser> = {
  owner: { id: '30000000-0000-4000-8000-000000000001', email: 'group-owner@rls.test', roles: [] },
  groupModerator: { id: '30000000-0000-4000-8000-000000000002', email: 'group-moderator@rls.test', roles: [] },
  member: { id: '30000000-0000-4000-8000-000000000003', email: 'group-member@rls.test', roles: [] },
  nonMember: { id: '30000000-0000-4000-8000-000000000004', email: 'non-member@rls.test', roles: [] },
};

export const ALL_KINDS: readonly Kind[] = [...CLIENT_KINDS, 'owner', 'groupModerator', 'member', 'nonMember'];

const isGroupKind = (kind: Kind): kind is GroupKind => kind in GROUP_USERS;

let groupUsersReady: Promise<void> | undefined;

/** Creates the group-role users once per file (with a display name each). */
export function ensureGroupUsers(): Promise<void> {
  groupUsersReady ??= (async () => {
    for (const [kind, user] of Object.entries(GROUP_USERS)) {
      await createUser(user);
      await adminQuery('update public.profiles set display_name = $2 where id = $1', [user.id, kind]);
    }
  })();
  return groupUsersReady;
}

/** The claims PostgREST would set for any kind, group roles included. */
export function claimsOf(kind: Kind): Row {
  if (!isGroupKind(kind)) return claimsFor(kind);
  const user = GROUP_USERS[kind];
  return { sub: user.id, role: 'authenticated', aud: 'authenticated', email: user.email, app_metadata: {} };
}

/** `sqlFor` for any kind (rolled back). */
export function sqlOf<T>(kind: Kind, fn: (db: PoolClient) => Promise<T>): Promise<T> {
  return sqlAs(isGroupKind(kind) ? 'authenticated' : dbRoleFor(kind), claimsOf(kind), fn);
}

const groupClients = new Map<string, Promise<SupabaseClient>>();

/** A supabase-js client through the gateway for any kind. */
export function clientOf(kind: Kind): Promise<SupabaseClient> {
  if (!isGroupKind(kind)) return clientAs(kind);
  let client = groupClients.get(kind);
  if (!client) {
    client = (async () => {
      await ensureGroupUsers();
      return clientWithToken(await tokenFor(GROUP_USERS[kind]));
    })();
    groupClients.set(kind, client);
  }
  return client;
}

/** A fresh reader (auth user + profile) and a client acting as them. */
export async function newReader(name = 'Lecteur'): Promise<{ user: TestUser; client: SupabaseClient }> {
  const id = randomUUID();
  const user: TestUser = { id, email: `reader-${id.slice(0, 8)}@groups.test`, roles: [] };
  await createUser(user);
  await adminQuery('update public.profiles set display_name = $2 where id = $1', [id, name]);
  return { user, client: clientWithToken(await tokenFor(user)) };
}

/** A published book; returns its id. */
export async function newBook(status: 'published' | 'draft' = 'published'): Promise<string> {
  const id = randomUUID();
  await adminQuery(
    `insert into public.books (id, title, language, status, format, price, currency, is_free, published_at)
     values ($1, $2, 'fr', $3, 'epub', 0, 'XOF', true, case when $3::public.book_status = 'published' then now() end)`,
    [id, `Groups test book ${id.slice(0, 8)}`, status],
  );
  return id;
}

export interface GroupOptions {
  visibility?: 'public' | 'private';
  ownerId?: string;
  memberLimit?: number;
  currentBookId?: string | null;
  members?: { userId: string; role?: 'moderator' | 'member'; shareProgress?: boolean }[];
  hidden?: boolean;
}

/** A group with its owner (first member) and members, as the superuser; returns its id. */
export async function newGroup(options: GroupOptions = {}): Promise<string> {
  const id = randomUUID();
  await adminQuery(
    `insert into public.reading_groups (id, name, visibility, owner_id, member_limit, current_book_id, hidden_at, hidden_reason)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      id,
      `Groupe ${id.slice(0, 8)}`,
      options.visibility ?? 'public',
      options.ownerId ?? GROUP_USERS.owner.id,
      options.memberLimit ?? 50,
      options.currentBookId ?? null,
      options.hidden ? new Date().toISOString() : null,
      options.hidden ? 'reports' : null,
    ],
  );
  for (const member of options.members ?? []) {
    await adminQuery(
      'insert into public.group_members (group_id, user_id, role, share_progress) values ($1, $2, $3, $4)',
      [id, member.userId, member.role ?? 'member', member.shareProgress ?? false],
    );
  }
  return id;
}

/** A thread on a book or in a group, by a user (superuser write); returns its id. */
export async function newThread(
  place: { bookId?: string; groupId?: string },
  userId: string,
  title = 'Sujet',
): Promise<string> {
  const [row] = await adminQuery<{ id: string }>(
    `insert into public.discussion_threads (book_id, group_id, user_id, title, body) values ($1, $2, $3, $4, 'Corps') returning id`,
    [place.bookId ?? null, place.groupId ?? null, userId, title],
  );
  return row!.id;
}

/** A reply (superuser write); returns its id. */
export async function newPost(
  threadId: string,
  userId: string,
  body = 'Réponse',
  parentId: string | null = null,
): Promise<string> {
  const [row] = await adminQuery<{ id: string }>(
    `insert into public.discussion_posts (thread_id, user_id, body, parent_id) values ($1, $2, $3, $4) returning id`,
    [threadId, userId, body, parentId],
  );
  return row!.id;
}

/** Resets the per-minute counters (so the matrices never meet the limits). */
export async function resetThrottle(): Promise<void> {
  await adminQuery('delete from private.community_write_log');
}
