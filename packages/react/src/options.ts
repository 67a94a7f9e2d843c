// Server-safe entry (`@coko/react/options`): query keys and queryOptions factories, without
// 'use client', for prefetching in React Server Components, loaders and route handlers.
export { consentsQueryOptions, profileQueryOptions } from './account/options';
export {
  authorsQueryOptions,
  bookQueryOptions,
  bookSearchQueryOptions,
  booksQueryOptions,
  CATEGORIES_STALE_TIME,
  categoriesQueryOptions,
  cokoRetry,
  publishersQueryOptions,
} from './catalog/options';
export {
  bookReviewsQueryOptions,
  myReviewQueryOptions,
  ratingSummaryQueryOptions,
} from './community/review-options';
export {
  badgesQueryOptions,
  challengesQueryOptions,
  ENGAGEMENT_STALE_TIME,
  leaderboardQueryOptions,
  ledgerQueryOptions,
  myEngagementQueryOptions,
  myRankQueryOptions,
} from './engagement/options';
export {
  canReadQueryOptions,
  entitlementsQueryOptions,
  orderQueryOptions,
  PLANS_STALE_TIME,
  plansQueryOptions,
} from './payments/options';
export { cokoKeys } from './query-keys';
export {
  annotationsQueryOptions,
  READING_STATS_STALE_TIME,
  readingProgressQueryOptions,
  readingStatsQueryOptions,
} from './reading/options';
