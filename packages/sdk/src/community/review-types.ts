import type { RequestOptions } from '../core/transport';

/** Orders of a book's reviews: newest first, most helpful first, best or worst rating first (then newest). */
export type ReviewSort = 'newest' | 'helpful' | 'rating_high' | 'rating_low';

/** A review's author as other readers see them; `null` once the author's account was deleted. */
export interface ReviewAuthor {
  id: string;
  displayName: string | null;
  /** Path of the avatar in storage (`avatars` bucket), or null. */
  avatarPath: string | null;
}

/**
 * A reader's review of a book. `title` and `body` are stored as typed (plain text or the Markdown
 * subset) and never as HTML: escape them when rendering.
 */
export interface Review {
  id: string;
  bookId: string;
  /** 1..5 stars. */
  rating: number;
  title: string | null;
  body: string | null;
  /** The author read at least 1 % of the book or bought it. */
  isVerifiedReader: boolean;
  helpfulCount: number;
  /** The signed-in reader found it helpful (always `false` for guests). */
  votedByMe: boolean;
  author: ReviewAuthor | null;
  /** Hidden by moderation: only its author (and moderators) still see it; it does not count in the rating. */
  hidden: boolean;
  editedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A page of reviews; pass `nextCursor` back as `cursor` for the next one (`null`: no more). */
export interface ReviewsPage {
  data: Review[];
  nextCursor: string | null;
}

/** Parameters of `community.reviews.list()`. */
export interface ListReviewsParams {
  /** Default `newest`. */
  sort?: ReviewSort;
  cursor?: string | null;
  /** Page size, 1..50. Default `10`. */
  limit?: number;
}

/** What `community.reviews.upsert()` writes. Omitted `title`/`body` are cleared (the review is replaced). */
export interface ReviewInput {
  /** 1..5 stars. */
  rating: number;
  /** Up to 120 characters. */
  title?: string | null;
  /** Up to 5000 characters (plain text or the Markdown subset). */
  body?: string | null;
}

/** A book's rating: average (two decimals, `null` without reviews), count, and reviews per star. */
export interface RatingSummary {
  average: number | null;
  count: number;
  /** `[one star, two, three, four, five]`. */
  histogram: [number, number, number, number, number];
}

/**
 * `coko.community.reviews`: readers' reviews and ratings of books, and "helpful" votes. Reading is
 * open to guests; writing needs a signed-in reader in good standing (`PermissionDeniedError`
 * otherwise, e.g. while suspended from the community, or for a book they cannot see) and is
 * limited per minute (`RateLimitError`).
 */
export interface Reviews {
  /**
   * A page of a book's reviews (hidden ones only for their author), with their authors.
   *
   * @example
   * ```ts
   * const { data, nextCursor } = await coko.community.reviews.list(bookId, { sort: 'helpful' })
   * ```
   */
  list(bookId: string, params?: ListReviewsParams, options?: RequestOptions): Promise<ReviewsPage>;
  /** The signed-in reader's review of the book, or `null`. */
  mine(bookId: string, options?: RequestOptions): Promise<Review | null>;
  /**
   * Writes or replaces the signed-in reader's review of the book (one per reader and book).
   *
   * @example
   * ```ts
   * await coko.community.reviews.upsert(bookId, { rating: 5, body: 'Un grand roman.' })
   * ```
   */
  upsert(bookId: string, input: ReviewInput, options?: RequestOptions): Promise<Review>;
  /** Deletes the signed-in reader's review of the book (no-op without one). */
  delete(bookId: string, options?: RequestOptions): Promise<void>;
  /** Marks a review as helpful (idempotent). Not on one's own review (`PermissionDeniedError`). */
  vote(reviewId: string, options?: RequestOptions): Promise<void>;
  /** Withdraws the "helpful" vote (idempotent). */
  unvote(reviewId: string, options?: RequestOptions): Promise<void>;
  /** The book's rating: average, count and histogram (hidden reviews do not count). */
  summary(bookId: string, options?: RequestOptions): Promise<RatingSummary>;
}
