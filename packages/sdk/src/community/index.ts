import { lazyNamespace } from '../core/lazy';
import type { Transport } from '../core/transport';
import type { Discussions } from './discussion-types';
import type { Groups } from './group-types';
import type { Reviews } from './review-types';

/**
 * `coko.community`: reviews and ratings (and, as they land, discussions, reading groups, reports,
 * moderation and share links). Each sub-namespace is a separate chunk imported on its first call.
 */
export interface Community {
  /** Readers' reviews and ratings of books, and "helpful" votes. */
  reviews: Reviews;
  /** Threads about books and in groups, and their nested replies. */
  discussions: Discussions;
  /** Reading groups: members, invitations, join requests, the book read together, shared progress. */
  groups: Groups;
}

/** One line per sub-namespace: its module and method names (see core/lazy.ts). */
export function createCommunity(transport: Transport): Community {
  return {
    reviews: lazyNamespace(() => import('./reviews'), transport, [
      'list',
      'mine',
      'upsert',
      'delete',
      'vote',
      'unvote',
      'summary',
    ]),
    discussions: lazyNamespace(() => import('./discussions'), transport, [
      'threads',
      'thread',
      'createThread',
      'updateThread',
      'deleteThread',
      'posts',
      'reply',
      'editPost',
      'deletePost',
    ]),
    groups: lazyNamespace(() => import('./groups'), transport, [
      'list',
      'mine',
      'get',
      'create',
      'update',
      'delete',
      'join',
      'leave',
      'invite',
      'invitations',
      'respondToInvitation',
      'requestToJoin',
      'joinRequests',
      'decideJoinRequest',
      'members',
      'setRole',
      'removeMember',
      'setCurrentBook',
      'shareProgress',
      'progress',
    ]),
  };
}

export type * from './discussion-types';
export type * from './group-types';
export type * from './review-types';
