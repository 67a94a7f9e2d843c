// The discussions sub-namespace's implementation, loaded on first use (see ./index.ts). Reads and
// writes go to PostgREST as the reader: RLS decides what they see and may write, triggers set the
// author, the depth and the mentions (docs/CONTRACT-community.md §2).
import { NotFoundError, ValidationError } from '../core/errors';
import type { RequestOptions } from '../core/transport';
import { validate } from '../core/validate';
import { pageQuery, toCursorPage } from './cursor';
import {
  newReplySchema,
  newThreadSchema,
  postPatchSchema,
  postsParamsSchema,
  threadPatchSchema,
  threadsParamsSchema,
  withLists,
} from './discussion-schemas';
import type {
  CursorPage,
  NewReply,
  NewThread,
  Person,
  Post,
  PostPatch,
  PostsParams,
  Thread,
  ThreadPatch,
  ThreadsParams,
} from './discussion-types';
import { type CommunityContext, checkId, personOf, profilesOf, requireReader } from './people';

const THREAD_COLUMNS =
  'id,book_id,group_id,user_id,title,body,tags,reply_count,last_posted_at,hidden_at,deleted_at,edited_at,created_at,updated_at';
const POST_COLUMNS =
  'id,thread_id,parent_id,depth,user_id,body,mentions,hidden_at,deleted_at,edited_at,created_at,updated_at';

interface ThreadRow {
  id: string;
  book_id: string | null;
  group_id: string | null;
  user_id: string | null;
  title: string | null;
  body: string | null;
  tags: string[];
  reply_count: number;
  last_posted_at: string;
  hidden_at: string | null;
  deleted_at: string | null;
  edited_at: string | null;
  created_at: string;
  updated_at: string;
}

interface PostRow {
  id: string;
  thread_id: string;
  parent_id: string | null;
  depth: number;
  user_id: string | null;
  body: string | null;
  mentions: string[];
  hidden_at: string | null;
  deleted_at: string | null;
  edited_at: string | null;
  created_at: string;
  updated_at: string;
}

const toThread = (row: ThreadRow, people: Map<string, Person>): Thread => ({
  id: row.id,
  bookId: row.book_id,
  groupId: row.group_id,
  title: row.title,
  body: row.body,
  tags: row.tags,
  replyCount: row.reply_count,
  lastPostedAt: row.last_posted_at,
  author: personOf(people, row.user_id),
  hidden: row.hidden_at !== null,
  deleted: row.deleted_at !== null,
  editedAt: row.edited_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toPost = (row: PostRow, people: Map<string, Person>): Post => ({
  id: row.id,
  threadId: row.thread_id,
  parentId: row.parent_id,
  depth: row.depth,
  body: row.body,
  mentions: row.mentions,
  author: personOf(people, row.user_id),
  hidden: row.hidden_at !== null,
  deleted: row.deleted_at !== null,
  editedAt: row.edited_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

type Query = { abortSignal(signal: AbortSignal): Query; throwOnError(): PromiseLike<{ data: unknown }> };

async function run<T>(query: unknown, options?: RequestOptions): Promise<T> {
  let q = query as Query;
  if (options?.signal) q = q.abortSignal(options.signal);
  return (await q.throwOnError()).data as T;
}

async function oneThread(ctx: CommunityContext, row: ThreadRow | null, id: string, options?: RequestOptions) {
  if (!row) throw new NotFoundError(`Thread not found: ${id}`);
  return toThread(row, await profilesOf(ctx, [row.user_id], options));
}

async function onePost(ctx: CommunityContext, row: PostRow | null, id: string, options?: RequestOptions) {
  if (!row) throw new NotFoundError(`Post not found: ${id}`);
  return toPost(row, await profilesOf(ctx, [row.user_id], options));
}

/** Implementation of `community.discussions.threads()`. */
export async function threads(
  ctx: CommunityContext,
  place: string | { groupId: string },
  params: ThreadsParams = {},
  options?: RequestOptions,
): Promise<CursorPage<Thread>> {
  const p = validate(threadsParamsSchema, params, 'params');
  let query = ctx.rest.from('discussion_threads').select(THREAD_COLUMNS);
  query =
    typeof place === 'string'
      ? query.eq('book_id', checkId(place, 'bookId'))
      : query.eq('group_id', checkId(place?.groupId, 'groupId'));
  if (p.tag) query = query.contains('tags', [p.tag]);
  const rows = await run<ThreadRow[]>(pageQuery(query, p.order, p.limit, p.cursor), options);
  const people = await profilesOf(
    ctx,
    rows.map((r) => r.user_id),
    options,
  );
  return toCursorPage(rows, p.limit, (row) => toThread(row, people));
}

/** Implementation of `community.discussions.thread()`. */
export async function thread(ctx: CommunityContext, threadId: string, options?: RequestOptions): Promise<Thread> {
  const id = checkId(threadId, 'threadId');
  const row = await run<ThreadRow | null>(
    ctx.rest.from('discussion_threads').select(THREAD_COLUMNS).eq('id', id).maybeSingle(),
    options,
  );
  return oneThread(ctx, row, id, options);
}

/** Implementation of `community.discussions.createThread()`. */
export async function createThread(ctx: CommunityContext, input: NewThread, options?: RequestOptions): Promise<Thread> {
  const t = withLists(newThreadSchema, input, 'thread');
  if ((t.bookId === undefined) === (t.groupId === undefined)) {
    const message = 'thread needs exactly one of bookId and groupId';
    throw new ValidationError(message, { details: { field: 'bookId', message } });
  }
  await requireReader(ctx, 'start a discussion');
  const row = await run<ThreadRow>(
    ctx.rest
      .from('discussion_threads')
      .insert({
        book_id: t.bookId ?? null,
        group_id: t.groupId ?? null,
        title: t.title,
        body: t.body ?? null,
        tags: t.tags ?? [],
      })
      .select(THREAD_COLUMNS)
      .single(),
    options,
  );
  return oneThread(ctx, row, row.id, options);
}

/** Implementation of `community.discussions.updateThread()`. */
export async function updateThread(
  ctx: CommunityContext,
  threadId: string,
  patch: ThreadPatch,
  options?: RequestOptions,
): Promise<Thread> {
  const id = checkId(threadId, 'threadId');
  const t = withLists(threadPatchSchema, patch, 'patch');
  await requireReader(ctx, 'edit a discussion');
  const row = await run<ThreadRow | null>(
    ctx.rest
      .from('discussion_threads')
      .update({
        ...(t.title !== undefined && { title: t.title }),
        ...(t.body !== undefined && { body: t.body }),
        ...(t.tags !== undefined && { tags: t.tags }),
      })
      .eq('id', id)
      .select(THREAD_COLUMNS)
      .maybeSingle(),
    options,
  );
  return oneThread(ctx, row, id, options);
}

/** Implementation of `community.discussions.deleteThread()`: a soft delete. */
export async function deleteThread(ctx: CommunityContext, threadId: string, options?: RequestOptions): Promise<void> {
  const id = checkId(threadId, 'threadId');
  await requireReader(ctx, 'delete a discussion');
  const row = await run<{ id: string } | null>(
    ctx.rest
      .from('discussion_threads')
      .update({ deleted_at: new Date().toISOString() })
      .eq('id', id)
      .select('id')
      .maybeSingle(),
    options,
  );
  if (!row) throw new NotFoundError(`Thread not found: ${id}`);
}

/** Implementation of `community.discussions.posts()`. */
export async function posts(
  ctx: CommunityContext,
  threadId: string,
  params: PostsParams = {},
  options?: RequestOptions,
): Promise<CursorPage<Post>> {
  const id = checkId(threadId, 'threadId');
  const p = validate(postsParamsSchema, params, 'params');
  const query = ctx.rest.from('discussion_posts').select(POST_COLUMNS).eq('thread_id', id);
  const rows = await run<PostRow[]>(pageQuery(query, p.order, p.limit, p.cursor), options);
  const people = await profilesOf(
    ctx,
    rows.map((r) => r.user_id),
    options,
  );
  return toCursorPage(rows, p.limit, (row) => toPost(row, people));
}

/** Implementation of `community.discussions.reply()`. */
export async function reply(
  ctx: CommunityContext,
  threadId: string,
  input: NewReply,
  options?: RequestOptions,
): Promise<Post> {
  const id = checkId(threadId, 'threadId');
  const r = withLists(newReplySchema, input, 'reply');
  await requireReader(ctx, 'reply');
  const row = await run<PostRow>(
    ctx.rest
      .from('discussion_posts')
      .insert({
        ...(r.id && { id: r.id }),
        thread_id: id,
        parent_id: r.parentId ?? null,
        body: r.body,
        mentions: r.mentions ?? [],
      })
      .select(POST_COLUMNS)
      .single(),
    options,
  );
  return onePost(ctx, row, row.id, options);
}

/** Implementation of `community.discussions.editPost()`. */
export async function editPost(
  ctx: CommunityContext,
  postId: string,
  patch: PostPatch,
  options?: RequestOptions,
): Promise<Post> {
  const id = checkId(postId, 'postId');
  const p = withLists(postPatchSchema, patch, 'patch');
  await requireReader(ctx, 'edit a reply');
  const row = await run<PostRow | null>(
    ctx.rest
      .from('discussion_posts')
      .update({ body: p.body, ...(p.mentions && { mentions: p.mentions }) })
      .eq('id', id)
      .select(POST_COLUMNS)
      .maybeSingle(),
    options,
  );
  return onePost(ctx, row, id, options);
}

/** Implementation of `community.discussions.deletePost()`: a soft delete. */
export async function deletePost(ctx: CommunityContext, postId: string, options?: RequestOptions): Promise<void> {
  const id = checkId(postId, 'postId');
  await requireReader(ctx, 'delete a reply');
  const row = await run<{ id: string } | null>(
    ctx.rest
      .from('discussion_posts')
      .update({ deleted_at: new Date().toISOString() })
      .eq('id', id)
      .select('id')
      .maybeSingle(),
    options,
  );
  if (!row) throw new NotFoundError(`Post not found: ${id}`);
}
