import * as z from 'zod/mini';

export const REVIEW_SORTS = ['newest', 'helpful', 'rating_high', 'rating_low'] as const;

/** `community.reviews.list()` parameters. */
export const listReviewsSchema = z.strictObject({
  sort: z._default(z.enum(REVIEW_SORTS), 'newest'),
  cursor: z.nullish(z.string().check(z.maxLength(500), z.regex(/^[A-Za-z0-9_-]+$/))),
  limit: z._default(z.int().check(z.gte(1), z.lte(50)), 10),
});

// The database's rule (private.is_community_text) is checked there too; here the lengths, so a
// form gets a field error before any request.
const text = (max: number) => z.nullish(z.string().check(z.maxLength(max), z.regex(/\S/)));

/** `community.reviews.upsert()` input. */
export const reviewInputSchema = z.strictObject({
  rating: z.int().check(z.gte(1), z.lte(5)),
  title: text(120),
  body: text(5000),
});
