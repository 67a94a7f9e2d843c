import * as z from 'zod/mini';
import { idSchema } from '../catalog/schemas';

// The API's rules (routes/admin-catalog-schemas.ts), checked before any request so that a form shows the
// mistake at once; the server checks again (ISBN checksums, uniqueness) and names the field in its errors.
// Only zod features the core bundle already uses (object, string, regex, int, enum …): zod's code is
// shared with the core bundle, so a new kind of schema (array, record, union) would grow every catalog page
// (+1 kB brotli when this file used them). Lists and the metadata object are checked by `checkBookLists`.

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const nullableText = (max: number) => z.nullable(z.string().check(z.maxLength(max)));
const slug = z.string().check(z.maxLength(120), z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/));

export const bookInputSchema = z.strictObject({
  title: z.optional(text(300)),
  subtitle: z.optional(nullableText(300)),
  description: z.optional(nullableText(20_000)),
  isbn: z.optional(z.nullable(z.string().check(z.regex(/^[0-9Xx -]{10,17}$/)))),
  language: z.optional(z.string().check(z.regex(/^[a-z]{2}(?:-[A-Z]{2})?$/))),
  publicationDate: z.optional(z.nullable(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)))),
  pageCount: z.optional(z.nullable(z.int().check(z.gte(1)))),
  price: z.optional(z.int().check(z.gte(0), z.lte(2_147_483_647))),
  currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/))),
  isFree: z.optional(z.boolean()),
  isFeatured: z.optional(z.boolean()),
  publisherId: z.optional(z.nullable(idSchema)),
});

/** The list and object fields of a book input (checked by hand: see the note above). */
export const BOOK_LISTS = {
  authorIds: { max: 50, item: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i },
  categoryIds: { max: 50, item: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i },
  availableCountries: { max: 250, item: /^[A-Z]{2}$/ },
} as const;

export const authorInputSchema = z.strictObject({
  name: z.optional(text(200)),
  slug: z.optional(slug),
  biography: z.optional(nullableText(10_000)),
  photoPath: z.optional(nullableText(1024)),
});

export const publisherInputSchema = z.strictObject({
  name: z.optional(text(200)),
  slug: z.optional(slug),
  description: z.optional(nullableText(10_000)),
  website: z.optional(z.nullable(z.string().check(z.maxLength(2048), z.regex(/^https?:\/\/\S+$/)))),
});

export const categoryInputSchema = z.strictObject({
  name: z.optional(text(100)),
  slug: z.optional(slug),
  parentId: z.optional(z.nullable(idSchema)),
  description: z.optional(nullableText(5000)),
  position: z.optional(z.int()),
});

export const listSchema = z.strictObject({
  limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
  cursor: z.nullish(z.string().check(z.maxLength(200))),
  q: z.optional(z.string().check(z.maxLength(200))),
  status: z.optional(z.enum(['draft', 'published'])),
  language: z.optional(z.string().check(z.regex(/^[a-z]{2}(?:-[A-Z]{2})?$/))),
  publisherId: z.optional(idSchema),
  parentId: z.optional(
    z.string().check(z.regex(/^(?:root|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i)),
  ),
});
