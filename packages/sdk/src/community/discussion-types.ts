import type { RequestOptions } from '../core/transport';

/** Order of a cursor page: by posting time, newest or oldest first. */
export type DiscussionOrder = 'newest' | 'oldest';

/** A reader as other readers see them (public profile). */
export interface Person {
  id: string;
  displayName: string | null;
  avatarPath: string | null;
}

/** One page and the cursor of the next (`null` at the end). */
export interface CursorPage<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * A discussion thread about a book or in a reading group. A deleted thread stays as a placeholder
 * (`deleted: true`, `title` and `body` null) so its replies stay readable; `hidden` is set when
 * moderation hid it (only its author and moderators see it then).
 */
export interface Thread {
  id: string;
  bookId: string | null;
  groupId: string | null;
  title: string | null;
  /** Plain text or the Markdown subset, never HTML: escape it when you render. */
  body: string | null;
  tags: string[];
  replyCount: number;
  lastPostedAt: string;
  /** `null` once the author's account is anonymised. */
  author: Person | null;
  hidden: boolean;
  deleted: boolean;
  editedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * A reply. `parentId`/`depth` (0–4) place it in the tree; a deleted reply stays as a placeholder
 * (`deleted: true`, `body` null) so its children keep their place.
 */
export interface Post {
  id: string;
  threadId: string;
  parentId: string | null;
  depth: number;
  /** Plain text or the Markdown subset, never HTML: escape it when you render. */
  body: string | null;
  /** The readers mentioned (ids), only those who can see the thread. */
  mentions: string[];
  author: Person | null;
  hidden: boolean;
  deleted: boolean;
  editedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ThreadsParams {
  /** Only threads with this tag. */
  tag?: string;
  cursor?: string | null;
  /** Default `newest`. */
  order?: DiscussionOrder;
  /** 1–50, default 20. */
  limit?: number;
}

export interface PostsParams {
  cursor?: string | null;
  /** Default `oldest` (reading order). */
  order?: DiscussionOrder;
  /** 1–100, default 50. */
  limit?: number;
}

/** `createThread()` input: exactly one of `bookId` and `groupId`. */
export interface NewThread {
  bookId?: string;
  groupId?: string;
  /** 1–200 characters. */
  title: string;
  /** Up to 10000 characters. */
  body?: string | null;
  /** Up to 5 tags, each lower-case letters, digits and hyphens (1–30). */
  tags?: string[];
}

export interface ThreadPatch {
  title?: string;
  body?: string | null;
  tags?: string[];
}

export interface NewReply {
  /** 1–10000 characters. */
  body: string;
  /** The post replied to; omitted = a reply to the thread. Deeper than 4 attaches at depth 4. */
  parentId?: string | null;
  /** Readers mentioned (user ids, ≤ 20); those who cannot see the thread are dropped by the server. */
  mentions?: string[];
  /** A client-generated id (UUID), so a retried reply is never posted twice. */
  id?: string;
}

export interface PostPatch {
  body: string;
  mentions?: string[];
}

/**
 * `coko.community.discussions`: threads about books and in reading groups, and their replies as a
 * tree. Reading is open to guests where the book or the group is public; writing needs a signed-in
 * reader in good standing (`PermissionDeniedError` when suspended, `RateLimitError` past the
 * per-minute limits). Authors edit within 15 minutes; deleting keeps a placeholder.
 */
export interface Discussions {
  /**
   * A book's threads, or a group's (`{ groupId }`), a cursor page at a time.
   *
   * @example
   * ```ts
   * const { data, nextCursor } = await coko.community.discussions.threads(bookId, { tag: 'spoilers' })
   * const group = await coko.community.discussions.threads({ groupId }, { order: 'oldest' })
   * ```
   */
  threads(
    place: string | { groupId: string },
    params?: ThreadsParams,
    options?: RequestOptions,
  ): Promise<CursorPage<Thread>>;
  /** One thread. @throws `NotFoundError` when it does not exist or the reader may not see it. */
  thread(threadId: string, options?: RequestOptions): Promise<Thread>;
  /**
   * Opens a thread on a book the reader can see or in a group they belong to.
   *
   * @example
   * ```ts
   * const thread = await coko.community.discussions.createThread({ bookId, title: 'La fin ?', tags: ['spoilers'] })
   * ```
   */
  createThread(input: NewThread, options?: RequestOptions): Promise<Thread>;
  /** Edits a thread (its author, within 15 minutes: `PermissionDeniedError` after). */
  updateThread(threadId: string, patch: ThreadPatch, options?: RequestOptions): Promise<Thread>;
  /** Deletes a thread: title and body are erased, the replies stay. */
  deleteThread(threadId: string, options?: RequestOptions): Promise<void>;
  /**
   * A flat page of a thread's replies with `parentId`/`depth`, for the app to nest (oldest first by
   * default).
   *
   * @example
   * ```ts
   * const { data } = await coko.community.discussions.posts(threadId)
   * const children = Map.groupBy(data, (p) => p.parentId)
   * ```
   */
  posts(threadId: string, params?: PostsParams, options?: RequestOptions): Promise<CursorPage<Post>>;
  /**
   * Replies in a thread, or to a post (`parentId`).
   *
   * @throws `RateLimitError` past 10 replies a minute, `ConflictError` in a deleted thread.
   *
   * @example
   * ```ts
   * await coko.community.discussions.reply(threadId, { body: 'Oui !', parentId, mentions: [friendId] })
   * ```
   */
  reply(threadId: string, input: NewReply, options?: RequestOptions): Promise<Post>;
  /** Edits a reply (its author, within 15 minutes). */
  editPost(postId: string, patch: PostPatch, options?: RequestOptions): Promise<Post>;
  /** Deletes a reply: the body is erased, the placeholder keeps the tree. */
  deletePost(postId: string, options?: RequestOptions): Promise<void>;
}
