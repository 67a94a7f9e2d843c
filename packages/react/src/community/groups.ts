'use client';

import type {
  CokoClient,
  CokoError,
  CursorPage,
  Group,
  GroupInvitation,
  GroupMember,
  GroupPatch,
  GroupsParams,
  MemberProgress,
  MyGroup,
  NewGroup,
} from '@coko/sdk';
import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { cokoRetry } from '../catalog/options';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';

/** Infinite query options for the groups list (`coko.community.groups.list`). */
export function groupsQueryOptions(client: CokoClient, params: Omit<GroupsParams, 'cursor'> = {}) {
  return infiniteQueryOptions<
    CursorPage<Group>,
    CokoError,
    { pages: CursorPage<Group>[] },
    readonly unknown[],
    string | null
  >({
    queryKey: cokoKeys.community.groupList(params),
    queryFn: ({ signal, pageParam }) => client.community.groups.list({ ...params, cursor: pageParam }, { signal }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    retry: cokoRetry,
  });
}

/** Query options for one group (`coko.community.groups.get`). */
export function groupQueryOptions(client: CokoClient, groupId: string) {
  return queryOptions<Group, CokoError>({
    queryKey: cokoKeys.community.group(groupId),
    queryFn: ({ signal }) => client.community.groups.get(groupId, { signal }),
    retry: cokoRetry,
  });
}

/** Groups, newest first, a page at a time. */
export function useGroups(params: Omit<GroupsParams, 'cursor'> = {}, options: { enabled?: boolean } = {}) {
  const client = useCoko();
  return useInfiniteQuery({ ...groupsQueryOptions(client, params), enabled: options.enabled ?? true });
}

/** The signed-in reader's groups with their role. Pass `{ enabled: signedIn }`. */
export function useMyGroups(options?: CokoQueryOptions<MyGroup[]>) {
  const client = useCoko();
  return useQuery({
    queryKey: cokoKeys.community.myGroups(),
    queryFn: ({ signal }) => client.community.groups.mine({ signal }),
    retry: cokoRetry,
    ...options,
  });
}

/** One group. Idle while `groupId` is empty. */
export function useGroup(groupId: string | null | undefined, options?: CokoQueryOptions<Group>) {
  const client = useCoko();
  return useQuery({
    ...groupQueryOptions(client, groupId ?? ''),
    ...options,
    enabled: groupId ? (options?.enabled ?? true) : false,
  });
}

/** A group's members, owner first, with their public profiles. */
export function useGroupMembers(groupId: string | null | undefined, options?: CokoQueryOptions<GroupMember[]>) {
  const client = useCoko();
  return useQuery({
    queryKey: cokoKeys.community.groupMembers(groupId ?? ''),
    queryFn: ({ signal }) => client.community.groups.members(groupId ?? '', { signal }),
    retry: cokoRetry,
    ...options,
    enabled: groupId ? (options?.enabled ?? true) : false,
  });
}

/**
 * The progress members share on the group's current book, furthest first (members only: pass
 * `{ enabled: isMember }`).
 *
 * @example
 * ```tsx
 * const { data: progress = [] } = useGroupProgress(groupId, { enabled: isMember })
 * progress.map((m) => <Bar key={m.userId} label={m.displayName} value={m.percentage} />)
 * ```
 */
export function useGroupProgress(groupId: string | null | undefined, options?: CokoQueryOptions<MemberProgress[]>) {
  const client = useCoko();
  return useQuery({
    queryKey: cokoKeys.community.groupProgress(groupId ?? ''),
    queryFn: ({ signal }) => client.community.groups.progress(groupId ?? '', { signal }),
    retry: cokoRetry,
    ...options,
    enabled: groupId ? (options?.enabled ?? true) : false,
  });
}

/** The invitations the signed-in reader received and has not answered. */
export function useGroupInvitations(options?: CokoQueryOptions<GroupInvitation[]>) {
  const client = useCoko();
  return useQuery({
    queryKey: cokoKeys.community.invitations(),
    queryFn: ({ signal }) => client.community.groups.invitations({}, { signal }),
    retry: cokoRetry,
    ...options,
  });
}

/** Refetches everything about groups once a membership write settles (lists, the group, members, progress). */
function useGroupsMutation<T, V>(fn: (client: CokoClient, variables: V) => Promise<T>) {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<T, CokoError, V>({
    mutationFn: (variables) => fn(client, variables),
    onSettled: () => queryClient.invalidateQueries({ queryKey: cokoKeys.community.groups() }),
  });
}

/**
 * Creates a group (the reader becomes its owner).
 *
 * @example
 * ```tsx
 * const { mutate } = useCreateGroup()
 * mutate({ name: 'Club de Dakar', visibility: 'private', currentBookId: bookId })
 * ```
 */
export const useCreateGroup = () => useGroupsMutation((c, input: NewGroup) => c.community.groups.create(input));

/** Edits a group (its owner and moderators). */
export const useUpdateGroup = (groupId: string) =>
  useGroupsMutation((c, patch: GroupPatch) => c.community.groups.update(groupId, patch));

/** Joins a public group (`ConflictError` when full). */
export const useJoinGroup = (groupId: string) => useGroupsMutation<void, void>((c) => c.community.groups.join(groupId));

/** Leaves a group. */
export const useLeaveGroup = (groupId: string) =>
  useGroupsMutation<void, void>((c) => c.community.groups.leave(groupId));

/** Asks to join a private group. */
export const useRequestToJoin = (groupId: string) =>
  useGroupsMutation((c, message: string | null | undefined) => c.community.groups.requestToJoin(groupId, { message }));

/** Accepts or declines an invitation. */
export const useRespondToInvitation = () =>
  useGroupsMutation((c, { invitationId, accept }: { invitationId: string; accept: boolean }) =>
    c.community.groups.respondToInvitation(invitationId, accept),
  );

/** Shares (or stops sharing) the reader's progress on the group's current book. */
export const useShareProgress = (groupId: string) =>
  useGroupsMutation((c, share: boolean) => c.community.groups.shareProgress(groupId, share));

/** Sets the book the group reads now. */
export const useSetCurrentBook = (groupId: string) =>
  useGroupsMutation((c, bookId: string | null) => c.community.groups.setCurrentBook(groupId, bookId));
