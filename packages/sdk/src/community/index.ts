import { lazyModule } from '../core/lazy';
import type { Transport } from '../core/transport';
import type { Discussions } from './discussion-types';
import type { Groups } from './group-types';
import type { Moderation, Reports, Shares } from './moderation-types';
import type { Reviews } from './review-types';

/**
 * `coko.community`: reviews and ratings, discussions, reading groups, reports, moderation and share
 * links. Each sub-namespace is a separate chunk imported on its first call.
 */
export interface Community {
  /** Readers' reviews and ratings of books, and "helpful" votes. */
  reviews: Reviews;
  /** Threads about books and in groups, and their nested replies. */
  discussions: Discussions;
  /** Reading groups: members, invitations, join requests, the book read together, shared progress. */
  groups: Groups;
  /** Reporting reviews, threads, posts and groups to the moderators. */
  reports: Reports;
  /** The moderation queue and actions (moderators), and actions concerning the reader. */
  moderation: Moderation;
  /** Public share links to a book, a review or a highlight, and their previews. */
  shares: Shares;
}

/** One line per sub-namespace: its chunk. */
export function createCommunity(transport: Transport): Community {
  return {
    reviews: lazyModule(() => import('./reviews'), transport),
    discussions: lazyModule(() => import('./discussions'), transport),
    groups: lazyModule(() => import('./groups'), transport),
    reports: lazyModule(() => import('./reports'), transport),
    moderation: lazyModule(() => import('./moderation'), transport),
    shares: lazyModule(() => import('./shares'), transport),
  };
}

export type * from './discussion-types';
export type * from './group-types';
export type * from './moderation-types';
export type * from './review-types';
