// The editors' catalog shapes (docs/CONTRACT-publishing.md §3), as the API validates and publishes them.
// They mirror the table constraints of supabase/migrations/*_catalog.sql, so bad input is a 400 naming the
// field before any SQL runs; the database's constraints stay the final word (see catalog-admin/errors.ts).
import { z } from '@hono/zod-openapi';
import { ApiError } from '../app/errors.ts';
import { isbn13 } from '../catalog-admin/isbn.ts';
import { decodeCursor } from '../catalog-admin/pagination.ts';
import { error } from './payment-schemas.ts';
import { text } from './schemas.ts';

const id = (description: string) => z.uuid().openapi({ description });
const nullableText = (max: number) => text({ max }).nullable();
const idList = (description: string) =>
  z
    .array(z.uuid())
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id')
    .openapi({ description });

export const IsbnSchema = z
  .string()
  .max(17)
  .refine((value) => isbn13(value) !== undefined, 'must be a valid ISBN-10 or ISBN-13 (checksum verified)')
  .openapi({ example: '978-2-07-036822-8' });

export const BookWriteSchema = z
  .strictObject({
    title: text({ max: 300 }),
    subtitle: nullableText(300),
    description: text({ max: 20_000 }).nullable(),
    isbn: IsbnSchema.nullable(),
    language: z
      .string()
      .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a lower-case ISO 639-1 code with an optional region (fr, fr-SN)')
      .openapi({ example: 'fr' }),
    publicationDate: z.iso.date().nullable(),
    pageCount: z.number().int().min(1).max(1_000_000).nullable(),
    price: z
      .number()
      .int()
      .min(0)
      .max(2_147_483_647)
      .openapi({ description: "In the currency's ISO 4217 minor unit (1500 XOF = 1 500 F CFA; 499 EUR = 4.99 €)." }),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code (XOF)'),
    isFree: z.boolean().openapi({ description: 'Free to read; then price must be 0.' }),
    isFeatured: z.boolean(),
    availableCountries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code (SN)'))
      .max(250)
      .refine((codes) => new Set(codes).size === codes.length, 'must not repeat a country')
      .openapi({ description: 'Where the book is sold; empty = worldwide.' }),
    publisherId: id('The publisher').nullable(),
    metadata: z.record(z.string(), z.unknown()),
    authorIds: idList('The authors, in credit order (replaces the list).'),
    categoryIds: idList('The categories, main one first (replaces the list).'),
  })
  .partial();

/** A free book has no price: said where the client can see it, before the database's check says it. */
const freeHasNoPrice = (body: { isFree?: boolean | undefined; price?: number | undefined }, ctx: z.RefinementCtx) => {
  if (body.isFree === true && body.price !== undefined && body.price !== 0)
    ctx.addIssue({ code: 'custom', path: ['price'], message: 'must be 0 for a free book' });
};

export const BookCreateSchema = BookWriteSchema.required({ title: true })
  .superRefine(freeHasNoPrice)
  .openapi('AdminBookCreate');
export const BookUpdateSchema = BookWriteSchema.superRefine(freeHasNoPrice).openapi('AdminBookUpdate');

export const AdminBookSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    subtitle: z.string().nullable(),
    description: z.string().nullable(),
    isbn: z.string().nullable(),
    language: z.string(),
    publicationDate: z.string().nullable(),
    pageCount: z.number().int().nullable(),
    fileSize: z.number().int().nullable(),
    format: z.enum(['epub', 'pdf']).nullable(),
    coverPath: z.string().nullable(),
    filePath: z.string().nullable(),
    price: z.number().int(),
    currency: z.string(),
    isFree: z.boolean(),
    isFeatured: z.boolean(),
    status: z.enum(['draft', 'published']),
    availableCountries: z.array(z.string()),
    publisherId: z.uuid().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    publishedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    authorIds: z.array(z.uuid()),
    categoryIds: z.array(z.uuid()),
  })
  .openapi('AdminBook');

const slug = z
  .string()
  .max(120)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens')
  .openapi({ description: 'Unique URL slug; derived from the name when omitted.' });

export const AuthorWriteSchema = z
  .strictObject({
    name: text({ max: 200 }),
    slug,
    biography: text({ max: 10_000 }).nullable(),
    photoPath: text({ max: 1024 }).nullable(),
  })
  .partial();
export const AuthorSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    biography: z.string().nullable(),
    photoPath: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('AdminAuthor');

export const PublisherWriteSchema = z
  .strictObject({
    name: text({ max: 200 }),
    slug,
    description: text({ max: 10_000 }).nullable(),
    website: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
      .nullable(),
  })
  .partial();
export const PublisherSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    website: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('AdminPublisher');

export const CategoryWriteSchema = z
  .strictObject({
    name: text({ max: 100 }),
    slug,
    parentId: z
      .uuid()
      .nullable()
      .openapi({ description: 'The parent (null: top level); moving into a subcategory of itself is a 409.' }),
    description: text({ max: 5000 }).nullable(),
    position: z.number().int().min(-2_147_483_648).max(2_147_483_647),
  })
  .partial();
export const CategorySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    parentId: z.uuid().nullable(),
    description: z.string().nullable(),
    position: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('AdminCategory');

export const ListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'Rows per page (1–100, default 20).' }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'The `nextCursor` of the previous page.' }),
  q: text({ max: 200 })
    .optional()
    .openapi({
      param: { name: 'q', in: 'query' },
      description: 'Part of the title or name (accents and case ignored).',
    }),
});

export const pageSchema = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

/** The keyset a `cursor` names; 400 when this API did not make it. */
export function cursorOf(cursor: string | undefined) {
  if (cursor === undefined) return undefined;
  const after = decodeCursor(cursor);
  if (!after) throw new ApiError(400, 'VALIDATION_ERROR', 'Invalid cursor', { details: { cursor } });
  return after;
}

export const editorErrors = {
  401: error('Missing, invalid or expired access token'),
  403: error('Without the books:update permission (PERMISSION_DENIED)'),
};
export const deleterErrors = {
  401: error('Missing, invalid or expired access token'),
  403: error('Without the books:delete permission (PERMISSION_DENIED)'),
};
