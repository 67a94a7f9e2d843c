import type {
  AdminBookListParams,
  AdminCategoryListParams,
  GroupsParams,
  LeaderboardParams,
  ListAuthorsParams,
  ListBooksParams,
  ListEntitlementsParams,
  ListNotificationsParams,
  ListPublishersParams,
  ListReviewsParams,
  ModerationActionsParams,
  ModerationQueueParams,
  MyRankParams,
  PostsParams,
  SearchFilters,
  StatsRange,
  ThreadsParams,
} from '@coko/sdk';

/**
 * Every TanStack Query key Coko's hooks use, from one factory, so apps can invalidate or prefetch
 * precisely. Keys are hierarchical: invalidating `cokoKeys.all` refetches everything (do it when
 * the signed-in reader changes), `cokoKeys.catalog.books()` every book list, search and detail.
 *
 * @example
 * ```ts
 * queryClient.invalidateQueries({ queryKey: cokoKeys.catalog.books() })
 * queryClient.getQueryData(cokoKeys.catalog.detail(id))
 * queryClient.invalidateQueries({ queryKey: cokoKeys.reading.all() }) // the reader's progress, annotations, stats
 * queryClient.invalidateQueries({ queryKey: cokoKeys.payments.canRead(bookId) }) // after a purchase elsewhere
 * ```
 */
export const cokoKeys = {
  all: ['coko'] as const,
  catalog: {
    all: () => [...cokoKeys.all, 'catalog'] as const,
    books: () => [...cokoKeys.catalog.all(), 'books'] as const,
    lists: () => [...cokoKeys.catalog.books(), 'list'] as const,
    list: (params: ListBooksParams = {}) => [...cokoKeys.catalog.lists(), params] as const,
    details: () => [...cokoKeys.catalog.books(), 'detail'] as const,
    detail: (id: string) => [...cokoKeys.catalog.details(), id] as const,
    searches: () => [...cokoKeys.catalog.books(), 'search'] as const,
    search: (query: string, filters: SearchFilters = {}) =>
      [...cokoKeys.catalog.searches(), query.trim(), filters] as const,
    categories: () => [...cokoKeys.catalog.all(), 'categories'] as const,
    authors: (params: ListAuthorsParams = {}) => [...cokoKeys.catalog.all(), 'authors', params] as const,
    publishers: (params: ListPublishersParams = {}) => [...cokoKeys.catalog.all(), 'publishers', params] as const,
  },
  account: {
    all: () => [...cokoKeys.all, 'account'] as const,
    profile: () => [...cokoKeys.account.all(), 'profile'] as const,
    consents: () => [...cokoKeys.account.all(), 'consents'] as const,
  },
  community: {
    all: () => [...cokoKeys.all, 'community'] as const,
    /** Everything about one book's reviews: its lists, the reader's review and the rating summary. */
    book: (bookId: string) => [...cokoKeys.community.all(), 'book', bookId] as const,
    reviewLists: (bookId: string) => [...cokoKeys.community.book(bookId), 'reviews'] as const,
    reviews: (bookId: string, params: Omit<ListReviewsParams, 'cursor'> = {}) =>
      [...cokoKeys.community.reviewLists(bookId), params] as const,
    myReview: (bookId: string) => [...cokoKeys.community.book(bookId), 'mine'] as const,
    ratingSummary: (bookId: string) => [...cokoKeys.community.book(bookId), 'summary'] as const,
    /** A book's (a string) or a group's (`{ groupId }`) thread lists. */
    threadLists: (place: string | { groupId: string }) =>
      [...cokoKeys.community.all(), 'threads', typeof place === 'string' ? place : `group:${place.groupId}`] as const,
    threads: (place: string | { groupId: string }, params: Omit<ThreadsParams, 'cursor'> = {}) =>
      [...cokoKeys.community.threadLists(place), params] as const,
    /** One thread and its replies. */
    thread: (threadId: string) => [...cokoKeys.community.all(), 'thread', threadId] as const,
    posts: (threadId: string, params: Omit<PostsParams, 'cursor'> = {}) =>
      [...cokoKeys.community.thread(threadId), 'posts', params] as const,
    groups: () => [...cokoKeys.community.all(), 'groups'] as const,
    groupList: (params: Omit<GroupsParams, 'cursor'> = {}) => [...cokoKeys.community.groups(), 'list', params] as const,
    myGroups: () => [...cokoKeys.community.groups(), 'mine'] as const,
    invitations: () => [...cokoKeys.community.groups(), 'invitations'] as const,
    /** One group: its card, members, join requests and shared progress. */
    group: (groupId: string) => [...cokoKeys.community.groups(), 'group', groupId] as const,
    groupMembers: (groupId: string) => [...cokoKeys.community.group(groupId), 'members'] as const,
    groupProgress: (groupId: string) => [...cokoKeys.community.group(groupId), 'progress'] as const,
    joinRequests: (groupId: string) => [...cokoKeys.community.group(groupId), 'requests'] as const,
    /** The moderation queue (moderators), by parameters. */
    moderationQueue: (params: ModerationQueueParams = {}) =>
      [...cokoKeys.community.all(), 'moderation', 'queue', params] as const,
    /** Moderation actions (all for moderators, the reader's otherwise). */
    moderationActions: (params: Omit<ModerationActionsParams, 'cursor'> = {}) =>
      [...cokoKeys.community.all(), 'moderation', 'actions', params] as const,
    myReports: () => [...cokoKeys.community.all(), 'reports', 'mine'] as const,
    myShareLinks: () => [...cokoKeys.community.all(), 'shares', 'mine'] as const,
    sharePreview: (code: string) => [...cokoKeys.community.all(), 'shares', 'preview', code] as const,
  },
  reading: {
    all: () => [...cokoKeys.all, 'reading'] as const,
    progress: (bookId: string) => [...cokoKeys.reading.all(), 'progress', bookId] as const,
    annotations: (bookId: string) => [...cokoKeys.reading.all(), 'annotations', bookId] as const,
    stats: (range: StatsRange) => [...cokoKeys.reading.all(), 'stats', range] as const,
  },
  notifications: {
    all: () => [...cokoKeys.all, 'notifications'] as const,
    lists: () => [...cokoKeys.notifications.all(), 'list'] as const,
    list: (params: Omit<ListNotificationsParams, 'cursor' | 'signal'> = {}) =>
      [...cokoKeys.notifications.lists(), params] as const,
    unreadCount: () => [...cokoKeys.notifications.all(), 'unread-count'] as const,
    preferences: () => [...cokoKeys.notifications.all(), 'preferences'] as const,
  },
  payments: {
    all: () => [...cokoKeys.all, 'payments'] as const,
    plans: () => [...cokoKeys.payments.all(), 'plans'] as const,
    orders: () => [...cokoKeys.payments.all(), 'orders'] as const,
    order: (id: string) => [...cokoKeys.payments.orders(), id] as const,
    entitlements: () => [...cokoKeys.payments.all(), 'entitlements'] as const,
    entitlementList: (params: ListEntitlementsParams = {}) => [...cokoKeys.payments.entitlements(), params] as const,
    canReads: () => [...cokoKeys.payments.all(), 'can-read'] as const,
    canRead: (bookId: string) => [...cokoKeys.payments.canReads(), bookId] as const,
    receipts: () => [...cokoKeys.payments.all(), 'receipts'] as const,
  },
  /** The reader's points, badges, challenges, and the leaderboards (`coko.engagement`). */
  engagement: {
    all: () => [...cokoKeys.all, 'engagement'] as const,
    me: () => [...cokoKeys.engagement.all(), 'me'] as const,
    badges: () => [...cokoKeys.engagement.all(), 'badges'] as const,
    ledger: (limit = 20) => [...cokoKeys.engagement.all(), 'ledger', limit] as const,
    challenges: () => [...cokoKeys.engagement.all(), 'challenges'] as const,
    /** Every leaderboard page and the reader's ranks (invalidate after an opt-out). */
    boards: () => [...cokoKeys.engagement.all(), 'boards'] as const,
    leaderboard: (params: LeaderboardParams = {}) => [...cokoKeys.engagement.boards(), 'page', params] as const,
    myRank: (params: MyRankParams = {}) => [...cokoKeys.engagement.boards(), 'mine', params] as const,
  },
  /** The editors' view of the catalog (`coko.admin`): drafts included. */
  admin: {
    all: () => [...cokoKeys.all, 'admin'] as const,
    books: () => [...cokoKeys.admin.all(), 'books'] as const,
    bookList: (params: AdminBookListParams = {}) => [...cokoKeys.admin.books(), 'list', params] as const,
    book: (id: string) => [...cokoKeys.admin.books(), 'detail', id] as const,
    resource: (resource: 'authors' | 'publishers' | 'categories') => [...cokoKeys.admin.all(), resource] as const,
    list: (resource: 'authors' | 'publishers' | 'categories', params: AdminCategoryListParams = {}) =>
      [...cokoKeys.admin.resource(resource), 'list', params] as const,
  },
} as const;
