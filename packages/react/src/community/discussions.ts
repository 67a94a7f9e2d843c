'use client';

import type {
  CokoClient,
  CokoError,
  CursorPage,
  NewReply,
  NewThread,
  Post,
  PostsParams,
  Thread,
  ThreadsParams,
} from '@coko/sdk';
import {
  type InfiniteData,
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useCallback } from 'react';
import { cokoRetry } from '../catalog/options';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';

type Place = string | { groupId: string };
type PostPages = InfiniteData<CursorPage<Post>, string | null>;

/** Infinite query options for a book's or a group's threads (`coko.community.discussions.threads`). */
export function threadsQueryOptions(client: CokoClient, place: Place, params: Omit<ThreadsParams, 'cursor'> = {}) {
  return infiniteQueryOptions<
    CursorPage<Thread>,
    CokoError,
    { pages: CursorPage<Thread>[] },
    readonly unknown[],
    string | null
  >({
    queryKey: cokoKeys.community.threads(place, params),
    queryFn: ({ signal, pageParam }) =>
      client.community.discussions.threads(place, { ...params, cursor: pageParam }, { signal }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    retry: cokoRetry,
  });
}

/** Query options for one thread (`coko.community.discussions.thread`). */
export function threadQueryOptions(client: CokoClient, threadId: string) {
  return queryOptions<Thread, CokoError>({
    queryKey: cokoKeys.community.thread(threadId),
    queryFn: ({ signal }) => client.community.discussions.thread(threadId, { signal }),
    retry: cokoRetry,
  });
}

/** Infinite query options for a thread's replies, oldest first by default (`coko.community.discussions.posts`). */
export function postsQueryOptions(client: CokoClient, threadId: string, params: Omit<PostsParams, 'cursor'> = {}) {
  return infiniteQueryOptions<CursorPage<Post>, CokoError, PostPages, readonly unknown[], string | null>({
    queryKey: cokoKeys.community.posts(threadId, params),
    queryFn: ({ signal, pageParam }) =>
      client.community.discussions.posts(threadId, { ...params, cursor: pageParam }, { signal }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    retry: cokoRetry,
  });
}

/**
 * A book's threads (`bookId`) or a group's (`{ groupId }`), a page at a time. Idle while `place` is empty.
 *
 * @example
 * ```tsx
 * const { data } = useThreads(bookId, { tag: 'spoilers' })
 * const threads = data?.pages.flatMap((page) => page.data) ?? []
 * ```
 */
export function useThreads(
  place: Place | null | undefined,
  params: Omit<ThreadsParams, 'cursor'> = {},
  options: { enabled?: boolean } = {},
) {
  const client = useCoko();
  return useInfiniteQuery({
    ...threadsQueryOptions(client, place ?? '', params),
    enabled: place ? (options.enabled ?? true) : false,
  });
}

/** One thread. Idle while `threadId` is empty. */
export function useThread(threadId: string | null | undefined, options?: CokoQueryOptions<Thread>) {
  const client = useCoko();
  return useQuery({
    ...threadQueryOptions(client, threadId ?? ''),
    ...options,
    enabled: threadId ? (options?.enabled ?? true) : false,
  });
}

/**
 * A thread's replies as flat pages (oldest first); nest them with {@link replyTree}.
 *
 * @example
 * ```tsx
 * const { data, fetchNextPage, hasNextPage } = useThreadPosts(threadId)
 * const tree = replyTree(data?.pages.flatMap((page) => page.data) ?? [])
 * ```
 */
export function useThreadPosts(
  threadId: string | null | undefined,
  params: Omit<PostsParams, 'cursor'> = {},
  options: { enabled?: boolean } = {},
) {
  const client = useCoko();
  return useInfiniteQuery({
    ...postsQueryOptions(client, threadId ?? '', params),
    enabled: threadId ? (options.enabled ?? true) : false,
  });
}

/** A reply with its children, for rendering the tree. */
export interface ReplyNode {
  post: Post;
  children: ReplyNode[];
}

/**
 * Nests a flat list of replies (any order) by `parentId`, children oldest first. A reply whose
 * parent is not in the list (on a later page) is shown at the top level.
 */
export function replyTree(posts: readonly Post[]): ReplyNode[] {
  const nodes = new Map(posts.map((post) => [post.id, { post, children: [] as ReplyNode[] }]));
  const roots: ReplyNode[] = [];
  const ordered = [...nodes.values()].sort(
    (a, b) => a.post.createdAt.localeCompare(b.post.createdAt) || a.post.id.localeCompare(b.post.id),
  );
  for (const node of ordered) {
    const parent = node.post.parentId ? nodes.get(node.post.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/**
 * Opens a thread on a book or in a group; then that place's thread lists refetch.
 *
 * @example
 * ```tsx
 * const { mutate } = useCreateThread()
 * mutate({ bookId, title: 'La fin ?', tags: ['spoilers'] })
 * ```
 */
export function useCreateThread() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<Thread, CokoError, NewThread>({
    mutationFn: (input) => client.community.discussions.createThread(input),
    onSuccess: (thread) => {
      queryClient.setQueryData(cokoKeys.community.thread(thread.id), thread);
      const place = thread.bookId ?? { groupId: thread.groupId ?? '' };
      return queryClient.invalidateQueries({ queryKey: cokoKeys.community.threadLists(place) });
    },
  });
}

/** The cached pages with `update` applied to every post. */
const mapPosts = (pages: PostPages | undefined, update: (posts: Post[], last: boolean) => Post[]) =>
  pages && {
    ...pages,
    pages: pages.pages.map((page, i) => ({ ...page, data: update(page.data, i === pages.pages.length - 1) })),
  };

/**
 * Replies in a thread, optimistically: the reply appears at once at the end of the cached replies
 * (oldest-first lists whose last page is loaded) with a client-generated id, so a retry never posts
 * twice; the server's version replaces it (depth and mentions as stored), or it goes away if the
 * server refuses (the error is the mutation's: `RateLimitError`, `PermissionDeniedError`…).
 *
 * @example
 * ```tsx
 * const { mutate: reply, isPending } = useReply(threadId, me)
 * reply({ body: text, parentId: post.id })
 * ```
 */
export function useReply(
  threadId: string,
  author: { id: string; displayName?: string | null; avatarPath?: string | null } | null = null,
) {
  const client = useCoko();
  const queryClient = useQueryClient();
  const thread = cokoKeys.community.thread(threadId);
  const lists = [...thread, 'posts'] as const;
  type Context = { previous: [readonly unknown[], PostPages | undefined][]; previousThread: Thread | undefined };
  const mutation = useMutation<Post, CokoError, NewReply & { id: string }, Context>({
    mutationFn: (input) => client.community.discussions.reply(threadId, input),
    onMutate: async (input) => {
      await queryClient.cancelQueries({ queryKey: thread });
      const previous = queryClient.getQueriesData<PostPages>({ queryKey: lists });
      const previousThread = queryClient.getQueryData<Thread>(thread);
      const now = new Date().toISOString();
      const cached = previous.flatMap(([, pages]) => pages?.pages.flatMap((p) => p.data) ?? []);
      const parent = cached.find((p) => p.id === input.parentId);
      const optimistic: Post = {
        id: input.id,
        threadId,
        parentId: input.parentId ?? null,
        depth: parent ? Math.min(parent.depth + 1, 4) : 0,
        body: input.body,
        mentions: input.mentions ?? [],
        author: author && {
          id: author.id,
          displayName: author.displayName ?? null,
          avatarPath: author.avatarPath ?? null,
        },
        hidden: false,
        deleted: false,
        editedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      for (const [key, pages] of previous) {
        const params = (key[key.length - 1] ?? {}) as PostsParams;
        const lastLoaded = pages && pages.pages[pages.pages.length - 1]?.nextCursor === null;
        if (params.order === 'newest' || !lastLoaded) continue;
        queryClient.setQueryData<PostPages>(
          key,
          mapPosts(pages, (posts, last) => (last ? [...posts, optimistic] : posts)),
        );
      }
      if (previousThread) {
        queryClient.setQueryData<Thread>(thread, {
          ...previousThread,
          replyCount: previousThread.replyCount + 1,
          lastPostedAt: now,
        });
      }
      return { previous, previousThread };
    },
    onSuccess: (stored) => {
      queryClient.setQueriesData<PostPages>({ queryKey: lists }, (pages) =>
        mapPosts(pages, (posts) => posts.map((p) => (p.id === stored.id ? stored : p))),
      );
    },
    onError: (_error, _input, context) => {
      for (const [key, pages] of context?.previous ?? []) queryClient.setQueryData(key, pages);
      if (context?.previousThread) queryClient.setQueryData(thread, context.previousThread);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: thread }),
  });
  // The id is chosen before the mutation so the optimistic reply and the stored one are the same row.
  const { mutate, mutateAsync } = mutation;
  const withId = useCallback((input: NewReply) => ({ ...input, id: input.id ?? crypto.randomUUID() }), []);
  return {
    ...mutation,
    mutate: useCallback(
      (input: NewReply, options?: Parameters<typeof mutate>[1]) => mutate(withId(input), options),
      [mutate, withId],
    ),
    mutateAsync: useCallback(
      (input: NewReply, options?: Parameters<typeof mutateAsync>[1]) => mutateAsync(withId(input), options),
      [mutateAsync, withId],
    ),
  };
}

/** Edits a reply (the author, within 15 minutes); the thread's replies refetch. */
export function useEditPost(threadId: string) {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<Post, CokoError, { postId: string; body: string; mentions?: string[] }>({
    mutationFn: ({ postId, ...patch }) => client.community.discussions.editPost(postId, patch),
    onSettled: () => queryClient.invalidateQueries({ queryKey: cokoKeys.community.thread(threadId) }),
  });
}

/** Deletes a reply (a placeholder stays); the thread and its replies refetch. */
export function useDeletePost(threadId: string) {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<void, CokoError, string>({
    mutationFn: (postId) => client.community.discussions.deletePost(postId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: cokoKeys.community.thread(threadId) }),
  });
}
