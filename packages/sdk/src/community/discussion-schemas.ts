import * as z from 'zod/mini';

export const DISCUSSION_ORDERS = ['newest', 'oldest'] as const;

const cursor = z.nullish(z.string().check(z.maxLength(500), z.regex(/^[A-Za-z0-9_-]+$/)));
const text = (max: number) => z.string().check(z.maxLength(max), z.regex(/\S/));
const tag = z.string().check(z.regex(/^[a-z0-9-]{1,30}$/));
const tags = z.array(tag).check(z.maxLength(5));
const mentions = z.array(z.guid()).check(z.maxLength(20));

/** `discussions.threads()` parameters. */
export const threadsParamsSchema = z.strictObject({
  tag: z.optional(tag),
  cursor,
  order: z._default(z.enum(DISCUSSION_ORDERS), 'newest'),
  limit: z._default(z.int().check(z.gte(1), z.lte(50)), 20),
});

/** `discussions.posts()` parameters. */
export const postsParamsSchema = z.strictObject({
  cursor,
  order: z._default(z.enum(DISCUSSION_ORDERS), 'oldest'),
  limit: z._default(z.int().check(z.gte(1), z.lte(100)), 50),
});

/** `discussions.createThread()` input. */
export const newThreadSchema = z.strictObject({
  bookId: z.optional(z.guid()),
  groupId: z.optional(z.guid()),
  title: text(200),
  body: z.nullish(text(10_000)),
  tags: z.optional(tags),
});

/** `discussions.updateThread()` patch. */
export const threadPatchSchema = z.strictObject({
  title: z.optional(text(200)),
  body: z.nullish(text(10_000)),
  tags: z.optional(tags),
});

/** `discussions.reply()` input. */
export const newReplySchema = z.strictObject({
  id: z.optional(z.guid()),
  body: text(10_000),
  parentId: z.nullish(z.guid()),
  mentions: z.optional(mentions),
});

/** `discussions.editPost()` patch. */
export const postPatchSchema = z.strictObject({ body: text(10_000), mentions: z.optional(mentions) });
