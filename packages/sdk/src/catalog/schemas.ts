import * as z from 'zod/mini';

/** Longest accepted search string, in characters (after trimming). */
export const MAX_SEARCH_LENGTH = 200;

/** Shortest book search, in characters (after trimming); an empty search browses instead. */
export const MIN_SEARCH_LENGTH = 3;

/** Sort orders understood by the catalog (and by the `search_books` RPC). */
export const BOOK_SORTS = ['relevance', 'newest', 'title', 'price_asc', 'price_desc'] as const;

const page = z._default(z.int().check(z.gte(1)), 1);
const limit = z._default(z.int().check(z.gte(1), z.lte(100)), 20);
const searchText = z.string().check(z.trim(), z.maxLength(MAX_SEARCH_LENGTH));
const slug = z.string().check(z.maxLength(120), z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/));
// As stored in books.language: ISO 639-1, optional region (fr, en, fr-SN).
const language = z.string().check(z.regex(/^[a-z]{2}(?:-[A-Z]{2})?$/));
const country = z.string().check(z.regex(/^[A-Za-z]{2}$/), z.toUpperCase());
/** An ISO 3166-1 alpha-2 country, either case (the client's `country` option, the search filter). */
export const countrySchema = country;
const amount = z.int().check(z.gte(0));
const sort = z.enum(BOOK_SORTS);

/** `catalog.list()` parameters. */
export const listBooksSchema = z.object({
  page,
  limit,
  category: z.nullish(slug),
  language: z.nullish(language),
  search: z.nullish(searchText),
  sort: z.nullish(sort),
  isFree: z.nullish(z.boolean()),
  featured: z.nullish(z.boolean()),
});

/** `catalog.search()` filters. */
export const searchFiltersSchema = z.object({
  page,
  limit,
  category: z.nullish(slug),
  language: z.nullish(language),
  isFree: z.nullish(z.boolean()),
  minPrice: z.nullish(amount),
  maxPrice: z.nullish(amount),
  author: z.nullish(z.guid()),
  country: z.nullish(country),
  sort: z.nullish(sort),
});

/** `catalog.search()` query text (empty = browse with filters only). */
export const searchQuerySchema = z.nullish(searchText);

/** `catalog.authors()` parameters. */
export const listAuthorsSchema = z.object({
  page,
  limit,
  search: z.nullish(searchText),
});

/** A book, author or category id. */
export const idSchema = z.guid();
