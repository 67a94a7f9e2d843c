import { lazyNamespace } from '../core/lazy';
import type { Transport } from '../core/transport';
import type { Moderation, Reports, Shares } from './moderation-types';
import type { Reviews } from './review-types';

/**
 * `coko.community`: reviews and ratings (and, as they land, discussions, reading groups, reports,
 * moderation and share links). Each sub-namespace is a separate chunk imported on its first call.
 */
export interface Community {
  /** Readers' reviews and ratings of books, and "helpful" votes. */
  reviews: Reviews;
  /** Reporting reviews, threads, posts and groups to the moderators. */
  reports: Reports;
  /** The moderation queue and actions (moderators), and actions concerning the reader. */
  moderation: Moderation;
  /** Public share links to a book, a review or a highlight, and their previews. */
  shares: Shares;
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
    reports: lazyNamespace(() => import('./reports'), transport, ['create', 'mine']),
    moderation: lazyNamespace(() => import('./moderation'), transport, ['queue', 'act', 'actions']),
    shares: lazyNamespace(() => import('./shares'), transport, ['create', 'revoke', 'mine', 'preview']),
  };
}

export type * from './moderation-types';
export type * from './review-types';
