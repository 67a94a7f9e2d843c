import * as z from 'zod/mini';

export const GROUP_VISIBILITIES = ['public', 'private'] as const;
export const INVITATION_STATUSES = ['pending', 'accepted', 'declined', 'revoked'] as const;

const text = (max: number) => z.string().check(z.maxLength(max), z.regex(/\S/));

/** `groups.list()` parameters. */
export const groupsParamsSchema = z.strictObject({
  visibility: z.optional(z.enum(GROUP_VISIBILITIES)),
  cursor: z.nullish(z.string().check(z.maxLength(500), z.regex(/^[A-Za-z0-9_-]+$/))),
  limit: z._default(z.int().check(z.gte(1), z.lte(50)), 20),
});

const groupFields = {
  name: text(100),
  description: z.nullish(text(2000)),
  visibility: z.optional(z.enum(GROUP_VISIBILITIES)),
  memberLimit: z.optional(z.int().check(z.gte(2), z.lte(500))),
  currentBookId: z.nullish(z.guid()),
};

/** `groups.create()` input. */
export const newGroupSchema = z.strictObject(groupFields);

/** `groups.update()` patch. */
export const groupPatchSchema = z.strictObject({ ...groupFields, name: z.optional(groupFields.name) });

/** `groups.requestToJoin()` parameters. */
export const joinRequestSchema = z.strictObject({ message: z.nullish(text(500)) });

/** `groups.invitations()` parameters. */
export const invitationsParamsSchema = z.strictObject({
  status: z._default(z.enum(INVITATION_STATUSES), 'pending'),
});

export const roleSchema = z.enum(['moderator', 'member']);
