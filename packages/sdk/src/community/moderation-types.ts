import type { RequestOptions } from '../core/transport';

/** Why a reader reports community content. */
export type ReportReason = 'spam' | 'harassment' | 'hate' | 'sexual' | 'violence' | 'spoiler' | 'off_topic' | 'other';

/** What can be reported: a review, a discussion thread or post, a reading group. */
export type ReportTargetType = 'review' | 'thread' | 'post' | 'group';

/** What `community.reports.create()` sends. */
export interface ReportInput {
  targetType: ReportTargetType;
  targetId: string;
  reason: ReportReason;
  /** For the moderators, up to 1000 characters. */
  note?: string | null;
}

/** A report the signed-in reader made. */
export interface Report {
  id: string;
  targetType: ReportTargetType;
  targetId: string;
  reason: ReportReason;
  note: string | null;
  /** `open` until a moderator acts (`resolved`) or finds nothing to act on (`dismissed`). */
  status: 'open' | 'resolved' | 'dismissed';
  createdAt: string;
  resolvedAt: string | null;
}

/** What a moderator can do. */
export type ModerationActionKind = 'hide' | 'restore' | 'delete' | 'warn' | 'suspend' | 'lift_suspension' | 'dismiss';

/** A recorded moderation action. */
export interface ModerationAction {
  id: string;
  /** `null` for an action on a reader alone (warn, suspend, lift a suspension). */
  targetType: ReportTargetType | null;
  targetId: string | null;
  /** The reader concerned (the content's author); `null` once their account is anonymised. */
  targetUserId: string | null;
  action: ModerationActionKind;
  /** The moderator's reason, as shown to the reader. */
  reason: string | null;
  moderatorId: string | null;
  suspensionId: string | null;
  createdAt: string;
}

/** One open report in the queue. */
export interface QueuedReport {
  id: string;
  reason: ReportReason;
  note: string | null;
  reporterId: string;
  createdAt: string;
}

/** Reported content awaiting a moderator. */
export interface ModerationQueueItem {
  targetType: ReportTargetType;
  targetId: string;
  reportCount: number;
  reporterCount: number;
  firstReportedAt: string;
  lastReportedAt: string;
  authorId: string | null;
  /**
   * A preview of the content (hidden or not): the columns it has among `title`, `name`, `body`,
   * `description`, `rating`, `tags`, `book_id`, `thread_id`, `group_id`, `hidden_at`, `hidden_reason`,
   * `deleted_at`… with long texts cut at 500 characters. Escape it when rendering. `{}` when gone.
   */
  content: Record<string, unknown>;
  reports: QueuedReport[];
}

/** Parameters of `community.moderation.queue()`. */
export interface ModerationQueueParams {
  /** Only this kind of content. */
  targetType?: ReportTargetType | null;
  /** 1..100, default 20. */
  limit?: number;
  /** Items to skip (the queue is ordered by reporters, then recency). Default 0. */
  offset?: number;
}

/** What `community.moderation.act()` sends. */
export interface ModerateInput {
  /** A kind of content, or `user` (with `targetId` = the reader) for warn, suspend and lift_suspension. */
  targetType: ReportTargetType | 'user';
  targetId: string;
  action: ModerationActionKind;
  /** Shown to the reader; required for warn and suspend (1..1000 characters). */
  reason?: string | null;
  /** For suspend: when it ends (a future instant); omit for "until lifted". */
  suspendUntil?: string | Date | null;
}

/** Parameters of `community.moderation.actions()`. */
export interface ModerationActionsParams {
  cursor?: string | null;
  /** 1..100, default 20. */
  limit?: number;
}

/** A page of moderation actions, newest first. */
export interface ModerationActionsPage {
  data: ModerationAction[];
  nextCursor: string | null;
}

/** What a share link points at. */
export type ShareKind = 'book' | 'review' | 'highlight';

/** A share link the signed-in reader made. */
export interface ShareLink {
  id: string;
  code: string;
  kind: ShareKind;
  targetId: string;
  /** For a highlight: the highlighted text as it was when shared (never the note). */
  excerpt: string | null;
  /** The public preview URL to share (`…/functions/v1/api/v1/share/<code>`). */
  url: string;
  createdAt: string;
  revokedAt: string | null;
}

/** What anyone with the link sees (`community.shares.preview()`, no session needed). */
export interface SharePreview {
  code: string;
  kind: ShareKind;
  /** The card's title and text (plain text: escape when rendering). */
  title: string;
  description: string;
  imageUrl: string | null;
  url: string;
  language: string;
  book: { id: string; title: string; subtitle: string | null; authors: string[] };
  review: { rating: number; title: string | null; body: string | null; authorName: string | null } | null;
  highlight: { excerpt: string | null } | null;
  createdAt: string;
}

/** `coko.community.reports`: reporting content to the moderators. */
export interface Reports {
  /**
   * Reports a review, thread, post or group. Once per reader and target; never one's own content.
   *
   * @throws `PermissionDeniedError` for one's own content or while suspended; `NotFoundError` for content the
   *   reader cannot see; `ConflictError` when already reported; `RateLimitError` past 5 reports a minute.
   *
   * @example
   * ```ts
   * await coko.community.reports.create({ targetType: 'review', targetId: review.id, reason: 'spoiler' })
   * ```
   */
  create(input: ReportInput, options?: RequestOptions): Promise<Report>;
  /** The reader's own reports, newest first (at most 100). */
  mine(options?: RequestOptions): Promise<Report[]>;
}

/** `coko.community.moderation`: the queue and actions (moderators), and the actions concerning the reader. */
export interface Moderation {
  /**
   * Content with open reports, most distinct reporters first (moderators and admins).
   *
   * @throws `PermissionDeniedError` without `community:moderate`.
   */
  queue(params?: ModerationQueueParams, options?: RequestOptions): Promise<ModerationQueueItem[]>;
  /**
   * Acts on content or a reader and returns the recorded action (audited). hide / delete / warn / suspend
   * resolve the content's open reports; restore / dismiss dismiss them.
   *
   * @example
   * ```ts
   * await coko.community.moderation.act({ targetType: 'post', targetId, action: 'hide', reason: 'Hors sujet' })
   * await coko.community.moderation.act({ targetType: 'user', targetId: authorId, action: 'suspend',
   *   reason: 'Harcèlement', suspendUntil: new Date(Date.now() + 7 * 86_400_000) })
   * ```
   */
  act(input: ModerateInput, options?: RequestOptions): Promise<ModerationAction>;
  /** Moderation actions, newest first: all of them for moderators, those concerning the reader otherwise. */
  actions(params?: ModerationActionsParams, options?: RequestOptions): Promise<ModerationActionsPage>;
}

/** `coko.community.shares`: public links to a book, a review or a highlight. */
export interface Shares {
  /**
   * Makes a share link. A published book, a visible review, or one's own highlight (its text is
   * snapshotted; the note never leaves).
   *
   * @throws `NotFoundError` when the target cannot be shared.
   */
  create(input: { kind: ShareKind; targetId: string }, options?: RequestOptions): Promise<ShareLink>;
  /** Revokes one of the reader's links: its preview is gone (404) within minutes (caches). */
  revoke(code: string, options?: RequestOptions): Promise<void>;
  /** The reader's links, newest first (at most 100). */
  mine(options?: RequestOptions): Promise<ShareLink[]>;
  /**
   * The public preview of a link (`GET /v1/share/{code}`), without a session.
   *
   * @throws `NotFoundError` for an unknown or revoked link or content no longer public.
   */
  preview(code: string, options?: RequestOptions): Promise<SharePreview>;
}
