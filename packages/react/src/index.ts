export { useConsents, useSetConsent } from './account/use-consents';
export { useProfile, useUpdatePreferences, useUpdateProfile } from './account/use-profile';
export * from './admin';
export { useAuthors } from './catalog/use-authors';
export { useBook } from './catalog/use-book';
export { useBookSearch } from './catalog/use-book-search';
export { useBooks } from './catalog/use-books';
export { useCategories } from './catalog/use-categories';
export { useCategoryTree } from './catalog/use-category-tree';
export { usePublishers } from './catalog/use-publishers';
export {
  postsQueryOptions,
  type ReplyNode,
  replyTree,
  threadQueryOptions,
  threadsQueryOptions,
  useCreateThread,
  useDeletePost,
  useEditPost,
  useReply,
  useThread,
  useThreadPosts,
  useThreads,
} from './community/discussions';
export {
  groupQueryOptions,
  groupsQueryOptions,
  useCreateGroup,
  useGroup,
  useGroupInvitations,
  useGroupMembers,
  useGroupProgress,
  useGroups,
  useJoinGroup,
  useLeaveGroup,
  useMyGroups,
  useRequestToJoin,
  useRespondToInvitation,
  useSetCurrentBook,
  useShareProgress,
  useUpdateGroup,
} from './community/groups';
export {
  useCreateShareLink,
  useModerate,
  useModerationActions,
  useModerationQueue,
  useReport,
  useRevokeShareLink,
  useShareLinks,
  useSharePreview,
} from './community/moderation';
export {
  useBookReviews,
  useDeleteReview,
  useMyReview,
  useRatingSummary,
  useReviewVote,
  useUpsertReview,
} from './community/reviews';
export {
  useBadges,
  useChallenges,
  useJoinChallenge,
  useLeaderboard,
  useLeaderboardVisibility,
  useLeaveChallenge,
  useLedger,
  useMyEngagement,
  useMyRank,
} from './engagement/hooks';
export {
  notificationsQueryOptions,
  unreadCountQueryOptions,
  useDeleteNotification,
  useMarkRead,
  useNotificationPreferences,
  useNotifications,
  usePushDevice,
  useUnreadCount,
} from './notifications';
export * from './options';
export { useCanRead } from './payments/use-can-read';
export { useCheckout } from './payments/use-checkout';
export { useEntitlements } from './payments/use-entitlements';
export { type UseOrderOptions, useOrder } from './payments/use-order';
export { usePlans } from './payments/use-plans';
export { CokoProvider, type CokoProviderProps } from './provider';
export { type AnnotationInput, useAnnotations } from './reading/use-annotations';
export { type UseReadingProgressOptions, useReadingProgress } from './reading/use-reading-progress';
export { useReadingStats } from './reading/use-reading-stats';
export { useSyncStatus } from './reading/use-sync-status';
export type { CokoQueryOptions } from './types';
export { useCoko } from './use-coko';
