import type { Bound } from '../core/lazy';
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

/**
 * A sub-namespace whose every method is the chunk's function of the same name, bound to the
 * transport. A Proxy rather than `lazyNamespace`'s list of names: the core bundle pays one line per
 * sub-namespace, not one string per method (the community has dozens). Only string names other than
 * `then` are methods (so the object is not mistaken for a promise); TypeScript checks the names
 * against the chunk (`Bound`).
 */
function chunk<M>(load: () => Promise<M>, transport: Transport): { [K in keyof M]: Bound<M[K]> } {
  let loaded: Promise<M> | undefined;
  return new Proxy({} as { [K in keyof M]: Bound<M[K]> }, {
    get: (_, name) =>
      typeof name === 'string' && name !== 'then'
        ? async (...args: unknown[]) => {
            loaded ??= load();
            return ((await loaded)[name as keyof M] as (...a: unknown[]) => unknown)(transport, ...args);
          }
        : undefined,
  });
}

/** One line per sub-namespace: its chunk. */
export function createCommunity(transport: Transport): Community {
  return {
    reviews: chunk(() => import('./reviews'), transport),
    discussions: chunk(() => import('./discussions'), transport),
    groups: chunk(() => import('./groups'), transport),
    reports: chunk(() => import('./reports'), transport),
    moderation: chunk(() => import('./moderation'), transport),
    shares: chunk(() => import('./shares'), transport),
  };
}

export type * from './discussion-types';
export type * from './group-types';
export type * from './moderation-types';
export type * from './review-types';
