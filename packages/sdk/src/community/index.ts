import { lazyNamespace } from '../core/lazy';
import type { Transport } from '../core/transport';
import type { Reviews } from './review-types';

/**
 * `coko.community`: reviews and ratings (and, as they land, discussions, reading groups, reports,
 * moderation and share links). Each sub-namespace is a separate chunk imported on its first call.
 */
export interface Community {
  /** Readers' reviews and ratings of books, and "helpful" votes. */
  reviews: Reviews;
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
  };
}

export type * from './review-types';
