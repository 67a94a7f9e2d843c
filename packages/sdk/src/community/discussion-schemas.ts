import * as z from 'zod/mini';
import { ValidationError } from '../core/errors';
import { validate } from '../core/validate';

export const DISCUSSION_ORDERS = ['newest', 'oldest'] as const;

const cursor = z.nullish(z.string().check(z.maxLength(500), z.regex(/^[A-Za-z0-9_-]+$/)));
const text = (max: number) => z.string().check(z.maxLength(max), z.regex(/\S/));
const tag = z.string().check(z.regex(/^[a-z0-9-]{1,30}$/));
const mentionId = z.guid();

/**
 * Checks a list argument item by item. Lists are checked here rather than with `z.array`: the SDK's
 * core bundle shares zod's schema module with these lazy chunks, and the array schema would land in
 * every app's first download (scripts/size.mjs).
 */
function checkList(value: unknown, item: z.ZodMiniType, max: number, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > max) {
    const message = `${field} must be a list of at most ${max}`;
    throw new ValidationError(message, { details: { field, message } });
  }
  return value.map((v, i) => validate(item, v, `${field}[${i}]`) as string);
}

/** Validates `input` with `schema` after taking its `tags` and `mentions` lists out (checked by hand). */
export function withLists<T extends object>(
  schema: z.ZodMiniType<T>,
  input: unknown,
  field: string,
): T & { tags?: string[]; mentions?: string[] } {
  const { tags: rawTags, mentions: rawMentions, ...rest } = (input ?? {}) as Record<string, unknown>;
  const checked = validate(schema, rest, field);
  const tags = checkList(rawTags, tag, 5, 'tags');
  const mentions = checkList(rawMentions, mentionId, 20, 'mentions');
  return { ...checked, ...(tags && { tags }), ...(mentions && { mentions }) };
}

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

/** `discussions.createThread()` input (tags: see `withLists`). */
export const newThreadSchema = z.strictObject({
  bookId: z.optional(z.guid()),
  groupId: z.optional(z.guid()),
  title: text(200),
  body: z.nullish(text(10_000)),
});

/** `discussions.updateThread()` patch (tags: see `withLists`). */
export const threadPatchSchema = z.strictObject({
  title: z.optional(text(200)),
  body: z.nullish(text(10_000)),
});

/** `discussions.reply()` input (mentions: see `withLists`). */
export const newReplySchema = z.strictObject({
  id: z.optional(z.guid()),
  body: text(10_000),
  parentId: z.nullish(z.guid()),
});

/** `discussions.editPost()` patch (mentions: see `withLists`). */
export const postPatchSchema = z.strictObject({ body: text(10_000) });
