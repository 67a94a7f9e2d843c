// The groups sub-namespace's implementation, loaded on first use (see ./index.ts). Everything goes to
// PostgREST as the reader: RLS decides who sees and changes what, and the triggers keep the member
// count exact, add members on accepted invitations and approved requests, and refuse what the
// roles forbid (docs/CONTRACT-community.md §2).
import { NotFoundError } from '../core/errors';
import type { RequestOptions } from '../core/transport';
import { readOnly } from '../core/transport';
import { validate } from '../core/validate';
import { pageQuery, toCursorPage } from './cursor';
import type { CursorPage } from './discussion-types';
import {
  groupPatchSchema,
  groupsParamsSchema,
  invitationsParamsSchema,
  joinRequestSchema,
  newGroupSchema,
  roleSchema,
} from './group-schemas';
import type {
  Group,
  GroupInvitation,
  GroupJoinRequest,
  GroupMember,
  GroupPatch,
  GroupsParams,
  InvitationStatus,
  MemberProgress,
  MyGroup,
  NewGroup,
} from './group-types';
import { type CommunityContext, checkId, personOf, profilesOf, requireReader } from './people';

const GROUP_COLUMNS =
  'id,name,description,visibility,owner_id,member_limit,member_count,current_book_id,hidden_at,created_at,updated_at';
const INVITATION_COLUMNS = 'id,group_id,user_id,invited_by,status,created_at,responded_at';
const REQUEST_COLUMNS = 'id,group_id,user_id,message,status,created_at,decided_at,decided_by';

interface GroupRow {
  id: string;
  name: string;
  description: string | null;
  visibility: Group['visibility'];
  owner_id: string;
  member_limit: number;
  member_count: number;
  current_book_id: string | null;
  hidden_at: string | null;
  created_at: string;
  updated_at: string;
}

interface InvitationRow {
  id: string;
  group_id: string;
  user_id: string;
  invited_by: string | null;
  status: InvitationStatus;
  created_at: string;
  responded_at: string | null;
}

interface RequestRow {
  id: string;
  group_id: string;
  user_id: string;
  message: string | null;
  status: GroupJoinRequest['status'];
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

const toGroup = (row: GroupRow): Group => ({
  id: row.id,
  name: row.name,
  description: row.description,
  visibility: row.visibility,
  ownerId: row.owner_id,
  memberLimit: row.member_limit,
  memberCount: row.member_count,
  currentBookId: row.current_book_id,
  hidden: row.hidden_at !== null,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toInvitation = (row: InvitationRow): GroupInvitation => ({
  id: row.id,
  groupId: row.group_id,
  userId: row.user_id,
  invitedBy: row.invited_by,
  status: row.status,
  createdAt: row.created_at,
  respondedAt: row.responded_at,
});

const toRequest = (row: RequestRow): GroupJoinRequest => ({
  id: row.id,
  groupId: row.group_id,
  userId: row.user_id,
  message: row.message,
  status: row.status,
  createdAt: row.created_at,
  decidedAt: row.decided_at,
  decidedBy: row.decided_by,
});

type Query = { abortSignal(signal: AbortSignal): Query; throwOnError(): PromiseLike<{ data: unknown }> };

async function run<T>(query: unknown, options?: RequestOptions): Promise<T> {
  let q = query as Query;
  if (options?.signal) q = q.abortSignal(options.signal);
  return (await q.throwOnError()).data as T;
}

function found<T>(row: T | null, what: string, id: string): T {
  if (!row) throw new NotFoundError(`${what} not found: ${id}`);
  return row;
}

/** Group columns from the API's camelCase input. */
function groupRow(input: GroupPatch) {
  return {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.visibility !== undefined && { visibility: input.visibility }),
    ...(input.memberLimit !== undefined && { member_limit: input.memberLimit }),
    ...(input.currentBookId !== undefined && { current_book_id: input.currentBookId }),
  };
}

/** Implementation of `community.groups.list()`. */
export async function list(
  ctx: CommunityContext,
  params: GroupsParams = {},
  options?: RequestOptions,
): Promise<CursorPage<Group>> {
  const p = validate(groupsParamsSchema, params, 'params');
  let query = ctx.rest.from('reading_groups').select(GROUP_COLUMNS).is('hidden_at', null);
  if (p.visibility) query = query.eq('visibility', p.visibility);
  const rows = await run<GroupRow[]>(pageQuery(query, 'newest', p.limit, p.cursor), options);
  return toCursorPage(rows, p.limit, toGroup);
}

/** Implementation of `community.groups.mine()`. */
export async function mine(ctx: CommunityContext, options?: RequestOptions): Promise<MyGroup[]> {
  const me = await requireReader(ctx, 'see your groups');
  const rows = await run<
    { role: MyGroup['role']; share_progress: boolean; joined_at: string; reading_groups: GroupRow }[]
  >(
    ctx.rest
      .from('group_members')
      .select(`role,share_progress,joined_at,reading_groups!inner(${GROUP_COLUMNS})`)
      .eq('user_id', me)
      .order('joined_at', { ascending: false }),
    options,
  );
  return rows.map((row) => ({
    ...toGroup(row.reading_groups),
    role: row.role,
    shareProgress: row.share_progress,
    joinedAt: row.joined_at,
  }));
}

/** Implementation of `community.groups.get()`. */
export async function get(ctx: CommunityContext, groupId: string, options?: RequestOptions): Promise<Group> {
  const id = checkId(groupId, 'groupId');
  const row = await run<GroupRow | null>(
    ctx.rest.from('reading_groups').select(GROUP_COLUMNS).eq('id', id).maybeSingle(),
    options,
  );
  return toGroup(found(row, 'Group', id));
}

/** Implementation of `community.groups.create()`. */
export async function create(ctx: CommunityContext, input: NewGroup, options?: RequestOptions): Promise<Group> {
  const g = validate(newGroupSchema, input, 'group');
  await requireReader(ctx, 'create a group');
  const row = await run<GroupRow>(
    ctx.rest
      .from('reading_groups')
      .insert({ ...groupRow(g), name: g.name })
      .select(GROUP_COLUMNS)
      .single(),
    options,
  );
  return toGroup(row);
}

/** Implementation of `community.groups.update()`. */
export async function update(
  ctx: CommunityContext,
  groupId: string,
  patch: GroupPatch,
  options?: RequestOptions,
): Promise<Group> {
  const id = checkId(groupId, 'groupId');
  const g = validate(groupPatchSchema, patch, 'patch');
  await requireReader(ctx, 'edit a group');
  const row = await run<GroupRow | null>(
    ctx.rest.from('reading_groups').update(groupRow(g)).eq('id', id).select(GROUP_COLUMNS).maybeSingle(),
    options,
  );
  return toGroup(found(row, 'Group', id));
}

/** Implementation of `community.groups.delete()`. */
async function deleteGroup(ctx: CommunityContext, groupId: string, options?: RequestOptions): Promise<void> {
  const id = checkId(groupId, 'groupId');
  await requireReader(ctx, 'delete a group');
  const rows = await run<unknown[]>(ctx.rest.from('reading_groups').delete().eq('id', id).select('id'), options);
  found(rows[0] ?? null, 'Group', id);
}

export { deleteGroup as delete };

/** Implementation of `community.groups.join()`. */
export async function join(ctx: CommunityContext, groupId: string, options?: RequestOptions): Promise<void> {
  const id = checkId(groupId, 'groupId');
  const me = await requireReader(ctx, 'join a group');
  await run(ctx.rest.from('group_members').insert({ group_id: id, user_id: me }), options);
}

/** Implementation of `community.groups.leave()`. */
export async function leave(ctx: CommunityContext, groupId: string, options?: RequestOptions): Promise<void> {
  const id = checkId(groupId, 'groupId');
  const me = await requireReader(ctx, 'leave a group');
  await run(ctx.rest.from('group_members').delete().eq('group_id', id).eq('user_id', me), options);
}

/** Implementation of `community.groups.invite()`. */
export async function invite(
  ctx: CommunityContext,
  groupId: string,
  userId: string,
  options?: RequestOptions,
): Promise<GroupInvitation> {
  const group = checkId(groupId, 'groupId');
  const user = checkId(userId, 'userId');
  await requireReader(ctx, 'invite');
  const row = await run<InvitationRow>(
    ctx.rest.from('group_invitations').insert({ group_id: group, user_id: user }).select(INVITATION_COLUMNS).single(),
    options,
  );
  return toInvitation(row);
}

/** Implementation of `community.groups.invitations()`. */
export async function invitations(
  ctx: CommunityContext,
  params: { status?: InvitationStatus } = {},
  options?: RequestOptions,
): Promise<GroupInvitation[]> {
  const p = validate(invitationsParamsSchema, params, 'params');
  const me = await requireReader(ctx, 'see your invitations');
  const rows = await run<InvitationRow[]>(
    ctx.rest
      .from('group_invitations')
      .select(INVITATION_COLUMNS)
      .eq('user_id', me)
      .eq('status', p.status)
      .order('created_at', { ascending: false }),
    options,
  );
  return rows.map(toInvitation);
}

/** Implementation of `community.groups.respondToInvitation()`. */
export async function respondToInvitation(
  ctx: CommunityContext,
  invitationId: string,
  accept: boolean,
  options?: RequestOptions,
): Promise<GroupInvitation> {
  const id = checkId(invitationId, 'invitationId');
  await requireReader(ctx, 'answer an invitation');
  const row = await run<InvitationRow | null>(
    ctx.rest
      .from('group_invitations')
      .update({ status: accept === true ? 'accepted' : 'declined' })
      .eq('id', id)
      .select(INVITATION_COLUMNS)
      .maybeSingle(),
    options,
  );
  return toInvitation(found(row, 'Invitation', id));
}

/** Implementation of `community.groups.requestToJoin()`. */
export async function requestToJoin(
  ctx: CommunityContext,
  groupId: string,
  params: { message?: string | null } = {},
  options?: RequestOptions,
): Promise<GroupJoinRequest> {
  const id = checkId(groupId, 'groupId');
  const p = validate(joinRequestSchema, params, 'params');
  await requireReader(ctx, 'ask to join a group');
  const row = await run<RequestRow>(
    ctx.rest
      .from('group_join_requests')
      .insert({ group_id: id, message: p.message ?? null })
      .select(REQUEST_COLUMNS)
      .single(),
    options,
  );
  return toRequest(row);
}

/** Implementation of `community.groups.joinRequests()`. */
export async function joinRequests(
  ctx: CommunityContext,
  groupId: string,
  options?: RequestOptions,
): Promise<GroupJoinRequest[]> {
  const id = checkId(groupId, 'groupId');
  const rows = await run<RequestRow[]>(
    ctx.rest
      .from('group_join_requests')
      .select(REQUEST_COLUMNS)
      .eq('group_id', id)
      .eq('status', 'pending')
      .order('created_at'),
    options,
  );
  return rows.map(toRequest);
}

/** Implementation of `community.groups.decideJoinRequest()`. */
export async function decideJoinRequest(
  ctx: CommunityContext,
  requestId: string,
  approve: boolean,
  options?: RequestOptions,
): Promise<GroupJoinRequest> {
  const id = checkId(requestId, 'requestId');
  await requireReader(ctx, 'decide a join request');
  const row = await run<RequestRow | null>(
    ctx.rest
      .from('group_join_requests')
      .update({ status: approve === true ? 'approved' : 'rejected' })
      .eq('id', id)
      .select(REQUEST_COLUMNS)
      .maybeSingle(),
    options,
  );
  return toRequest(found(row, 'Join request', id));
}

const ROLE_ORDER = { owner: 0, moderator: 1, member: 2 } as const;

/** Implementation of `community.groups.members()`. */
export async function members(
  ctx: CommunityContext,
  groupId: string,
  options?: RequestOptions,
): Promise<GroupMember[]> {
  const id = checkId(groupId, 'groupId');
  const rows = await run<{ user_id: string; role: GroupMember['role']; share_progress: boolean; joined_at: string }[]>(
    ctx.rest
      .from('group_members')
      .select('user_id,role,share_progress,joined_at')
      .eq('group_id', id)
      .order('joined_at')
      .order('user_id'),
    options,
  );
  const people = await profilesOf(
    ctx,
    rows.map((r) => r.user_id),
    options,
  );
  return rows
    .map((row) => ({
      userId: row.user_id,
      role: row.role,
      shareProgress: row.share_progress,
      joinedAt: row.joined_at,
      person: personOf(people, row.user_id)!,
    }))
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}

async function updateMember(
  ctx: CommunityContext,
  groupId: string,
  userId: string,
  patch: { role?: 'moderator' | 'member'; share_progress?: boolean },
  options?: RequestOptions,
): Promise<void> {
  const rows = await run<unknown[]>(
    ctx.rest.from('group_members').update(patch).eq('group_id', groupId).eq('user_id', userId).select('user_id'),
    options,
  );
  found(rows[0] ?? null, 'Member', userId);
}

/** Implementation of `community.groups.setRole()`. */
export async function setRole(
  ctx: CommunityContext,
  groupId: string,
  userId: string,
  role: 'moderator' | 'member',
  options?: RequestOptions,
): Promise<void> {
  const group = checkId(groupId, 'groupId');
  const user = checkId(userId, 'userId');
  const r = validate(roleSchema, role, 'role');
  await requireReader(ctx, 'change roles');
  await updateMember(ctx, group, user, { role: r }, options);
}

/** Implementation of `community.groups.removeMember()`. */
export async function removeMember(
  ctx: CommunityContext,
  groupId: string,
  userId: string,
  options?: RequestOptions,
): Promise<void> {
  const group = checkId(groupId, 'groupId');
  const user = checkId(userId, 'userId');
  await requireReader(ctx, 'remove a member');
  const rows = await run<unknown[]>(
    ctx.rest.from('group_members').delete().eq('group_id', group).eq('user_id', user).select('user_id'),
    options,
  );
  found(rows[0] ?? null, 'Member', user);
}

/** Implementation of `community.groups.setCurrentBook()`. */
export const setCurrentBook = (
  ctx: CommunityContext,
  groupId: string,
  bookId: string | null,
  options?: RequestOptions,
) => update(ctx, groupId, { currentBookId: bookId === null ? null : checkId(bookId, 'bookId') }, options);

/** Implementation of `community.groups.shareProgress()`. */
export async function shareProgress(
  ctx: CommunityContext,
  groupId: string,
  share: boolean,
  options?: RequestOptions,
): Promise<void> {
  const group = checkId(groupId, 'groupId');
  const me = await requireReader(ctx, 'share your progress');
  await updateMember(ctx, group, me, { share_progress: share === true }, options);
}

/** Implementation of `community.groups.progress()`. */
export async function progress(
  ctx: CommunityContext,
  groupId: string,
  options?: RequestOptions,
): Promise<MemberProgress[]> {
  const id = checkId(groupId, 'groupId');
  const rows = await run<
    {
      user_id: string;
      display_name: string | null;
      avatar_path: string | null;
      percentage: number;
      updated_at: string;
    }[]
  >(readOnly(ctx.rest.rpc('group_progress', { group_id: id })), options);
  return rows.map((row) => ({
    userId: row.user_id,
    displayName: row.display_name,
    avatarPath: row.avatar_path,
    percentage: Number(row.percentage),
    updatedAt: row.updated_at,
  }));
}
