import type { RequestOptions } from '../core/transport';
import type { CursorPage, Person } from './discussion-types';

export type GroupVisibility = 'public' | 'private';
export type GroupRole = 'owner' | 'moderator' | 'member';
export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'revoked';
export type JoinRequestStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

/**
 * A reading group. A private group's card is visible to signed-in readers (so they can ask to join);
 * its threads, members and progress are for members.
 */
export interface Group {
  id: string;
  name: string;
  description: string | null;
  visibility: GroupVisibility;
  ownerId: string;
  memberLimit: number;
  memberCount: number;
  currentBookId: string | null;
  /** Hidden by moderation (only its owner and moderators see it then). */
  hidden: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A group with the signed-in reader's place in it (`mine()`). */
export interface MyGroup extends Group {
  role: GroupRole;
  shareProgress: boolean;
  joinedAt: string;
}

export interface GroupMember {
  userId: string;
  role: GroupRole;
  shareProgress: boolean;
  joinedAt: string;
  person: Person;
}

export interface GroupInvitation {
  id: string;
  groupId: string;
  userId: string;
  invitedBy: string | null;
  status: InvitationStatus;
  createdAt: string;
  respondedAt: string | null;
}

export interface GroupJoinRequest {
  id: string;
  groupId: string;
  userId: string;
  message: string | null;
  status: JoinRequestStatus;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

/** A member who shares their progress on the group's current book. */
export interface MemberProgress {
  userId: string;
  displayName: string | null;
  avatarPath: string | null;
  /** 0–100. */
  percentage: number;
  updatedAt: string;
}

export interface GroupsParams {
  visibility?: GroupVisibility;
  cursor?: string | null;
  /** 1–50, default 20. */
  limit?: number;
}

export interface NewGroup {
  /** 1–100 characters. */
  name: string;
  /** Up to 2000 characters. */
  description?: string | null;
  /** Default `public`. */
  visibility?: GroupVisibility;
  /** 2–500, default 50. */
  memberLimit?: number;
  currentBookId?: string | null;
}

export type GroupPatch = Partial<NewGroup>;

/**
 * `coko.community.groups`: reading groups (public or private), members and roles, invitations and
 * join requests, the book read together and the progress members choose to share. Writes need a
 * signed-in reader in good standing; a full group answers `ConflictError` (409).
 */
export interface Groups {
  /**
   * Groups, newest first, a cursor page at a time.
   *
   * @example
   * ```ts
   * const { data } = await coko.community.groups.list({ visibility: 'public' })
   * ```
   */
  list(params?: GroupsParams, options?: RequestOptions): Promise<CursorPage<Group>>;
  /** The signed-in reader's groups with their role, most recently joined first. */
  mine(options?: RequestOptions): Promise<MyGroup[]>;
  /** One group. @throws `NotFoundError`. */
  get(groupId: string, options?: RequestOptions): Promise<Group>;
  /**
   * Creates a group; the reader becomes its owner and first member.
   *
   * @example
   * ```ts
   * const group = await coko.community.groups.create({ name: 'Club de Dakar', visibility: 'private', currentBookId: bookId })
   * ```
   */
  create(input: NewGroup, options?: RequestOptions): Promise<Group>;
  /** Edits a group (its owner and moderators). */
  update(groupId: string, patch: GroupPatch, options?: RequestOptions): Promise<Group>;
  /** Deletes a group with its threads (its owner). */
  delete(groupId: string, options?: RequestOptions): Promise<void>;
  /** Joins a public group. @throws `ConflictError` when it is full or already joined. */
  join(groupId: string, options?: RequestOptions): Promise<void>;
  /** Leaves a group (the owner cannot: delete the group instead). */
  leave(groupId: string, options?: RequestOptions): Promise<void>;
  /** Invites a reader (owners and moderators; any member of a public group). */
  invite(groupId: string, userId: string, options?: RequestOptions): Promise<GroupInvitation>;
  /** The invitations the reader received (pending by default). */
  invitations(params?: { status?: InvitationStatus }, options?: RequestOptions): Promise<GroupInvitation[]>;
  /** Accepts (becoming a member) or declines an invitation. */
  respondToInvitation(invitationId: string, accept: boolean, options?: RequestOptions): Promise<GroupInvitation>;
  /** Asks to join a private group. */
  requestToJoin(
    groupId: string,
    params?: { message?: string | null },
    options?: RequestOptions,
  ): Promise<GroupJoinRequest>;
  /** A group's pending join requests (its owner and moderators). */
  joinRequests(groupId: string, options?: RequestOptions): Promise<GroupJoinRequest[]>;
  /** Approves (adding the member) or rejects a join request (the group's owner and moderators). */
  decideJoinRequest(requestId: string, approve: boolean, options?: RequestOptions): Promise<GroupJoinRequest>;
  /** The group's members, owner first, with their public profiles. */
  members(groupId: string, options?: RequestOptions): Promise<GroupMember[]>;
  /** Appoints or demotes a group moderator (the owner). */
  setRole(groupId: string, userId: string, role: 'moderator' | 'member', options?: RequestOptions): Promise<void>;
  /** Removes a member (the owner and moderators). */
  removeMember(groupId: string, userId: string, options?: RequestOptions): Promise<void>;
  /** Sets the book the group reads now (`null` = none). */
  setCurrentBook(groupId: string, bookId: string | null, options?: RequestOptions): Promise<Group>;
  /** Shares (or stops sharing) the reader's progress on the current book with the other members. */
  shareProgress(groupId: string, share: boolean, options?: RequestOptions): Promise<void>;
  /**
   * The members who share their progress on the current book, furthest first (members only).
   *
   * @example
   * ```ts
   * for (const m of await coko.community.groups.progress(groupId)) console.log(m.displayName, `${m.percentage} %`)
   * ```
   */
  progress(groupId: string, options?: RequestOptions): Promise<MemberProgress[]>;
}
