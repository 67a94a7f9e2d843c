// @vitest-environment happy-dom
import { type CokoClient, type Post, RateLimitError } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { replyTree, useReply, useThreadPosts } from '../src';
import { deferred, testQueryClient, wrapper } from './helpers';

// useReply's optimism against a fake client: the reply shows at once with the id the server will
// store, the server's version replaces it, and it goes away when the server refuses it.
const THREAD = '50000000-0000-4000-8000-000000000001';
const post = (id: string, parentId: string | null = null, depth = 0, createdAt = '2026-12-01T10:00:00Z'): Post => ({
  id,
  threadId: THREAD,
  parentId,
  depth,
  body: `Post ${id}`,
  mentions: [],
  author: null,
  hidden: false,
  deleted: false,
  editedAt: null,
  createdAt,
  updatedAt: createdAt,
});

function fakeDiscussions(answer: () => Promise<void>) {
  let server = [post('p1')];
  const discussions = {
    posts: vi.fn(async () => ({ data: server, nextCursor: null })),
    thread: vi.fn(async () => ({ id: THREAD, replyCount: server.length })),
    reply: vi.fn(async (_thread: string, input: { id: string; body: string; parentId?: string }) => {
      await answer();
      const stored = { ...post(input.id, input.parentId ?? null, input.parentId ? 1 : 0), body: input.body };
      server = [...server, stored];
      return stored;
    }),
  };
  return { client: { community: { discussions } } as unknown as CokoClient, discussions };
}

describe('useReply', () => {
  it('shows the reply at once, with the id the server stores', async () => {
    const answer = deferred<void>();
    const { client, discussions } = fakeDiscussions(() => answer.promise);
    const { result } = renderHook(() => ({ posts: useThreadPosts(THREAD), reply: useReply(THREAD, { id: 'me' }) }), {
      wrapper: wrapper(client, testQueryClient()),
    });
    await waitFor(() => expect(result.current.posts.isSuccess).toBe(true));

    act(() => result.current.reply.mutate({ body: 'Moi aussi', parentId: 'p1' }));
    await waitFor(() => expect(result.current.posts.data?.pages[0]?.data).toHaveLength(2));
    const optimistic = result.current.posts.data!.pages[0]!.data[1]!;
    expect(optimistic).toMatchObject({ body: 'Moi aussi', parentId: 'p1', depth: 1, author: { id: 'me' } });
    expect(discussions.reply).toHaveBeenCalledWith(THREAD, expect.objectContaining({ id: optimistic.id }));
    answer.resolve();
    await waitFor(() => expect(result.current.reply.isSuccess).toBe(true));
    await waitFor(() => expect(discussions.posts).toHaveBeenCalledTimes(2));
    expect(result.current.posts.data?.pages[0]?.data.map((p) => p.id)).toEqual(['p1', optimistic.id]);
  });

  it('takes the reply back when the server refuses it', async () => {
    const answer = deferred<void>();
    const { client } = fakeDiscussions(() => answer.promise);
    const { result } = renderHook(() => ({ posts: useThreadPosts(THREAD), reply: useReply(THREAD) }), {
      wrapper: wrapper(client, testQueryClient()),
    });
    await waitFor(() => expect(result.current.posts.isSuccess).toBe(true));
    act(() => result.current.reply.mutate({ body: 'Trop vite' }));
    await waitFor(() => expect(result.current.posts.data?.pages[0]?.data).toHaveLength(2));
    answer.reject(new RateLimitError('Too many post writes: at most 10 per minute'));
    await waitFor(() => expect(result.current.reply.error).toBeInstanceOf(RateLimitError));
    expect(result.current.posts.data?.pages[0]?.data.map((p) => p.id)).toEqual(['p1']);
  });
});

describe('replyTree', () => {
  it('nests replies by parent, oldest first, orphans at the top', () => {
    const tree = replyTree([
      post('c2', 'r1', 1, '2026-12-01T10:03:00Z'),
      post('r1', null, 0, '2026-12-01T10:00:00Z'),
      post('c1', 'r1', 1, '2026-12-01T10:01:00Z'),
      post('g1', 'c1', 2, '2026-12-01T10:02:00Z'),
      post('o1', 'missing', 3, '2026-12-01T10:04:00Z'),
    ]);
    const shape = (nodes: ReturnType<typeof replyTree>): unknown[] => nodes.map((n) => [n.post.id, shape(n.children)]);
    expect(shape(tree)).toEqual([
      [
        'r1',
        [
          ['c1', [['g1', []]]],
          ['c2', []],
        ],
      ],
      ['o1', []],
    ]);
  });
});
