import type { Page } from '../core/pagination';
import type { Tables } from '../database.types';
import type { BOOK_SORTS } from './schemas';

/**
 * Sort order of book lists. `relevance` (the default) ranks search matches; without a search it
 * lists featured books first, then the newest.
 */
export type BookSort = (typeof BOOK_SORTS)[number];

/** An author as embedded in book lists. */
export type AuthorSummary = Pick<Tables<'authors'>, 'id' | 'name'>;

/** A book in lists and search results (only the fields a list or grid needs). */
export type ListBook = Pick<
  Tables<'books'>,
  | 'id'
  | 'title'
  | 'subtitle'
  | 'cover_path'
  | 'language'
  | 'price'
  | 'currency'
  | 'is_free'
  | 'is_featured'
  | 'format'
  | 'publication_date'
> & {
  /** Authors in credit order. */
  authors: AuthorSummary[];
};

/** A category as listed by `catalog.categories()` (a flat list; see `buildCategoryTree`). */
export type Category = Pick<Tables<'categories'>, 'id' | 'parent_id' | 'name' | 'slug' | 'description' | 'position'>;

/** A category with its sub-categories, as built by `buildCategoryTree`. */
export type CategoryNode = Category & { children: CategoryNode[] };

/** An author as listed by `catalog.authors()`. */
export type Author = Pick<Tables<'authors'>, 'id' | 'name' | 'slug' | 'photo_path'>;

/** A publisher as listed by `catalog.publishers()`. */
export type Publisher = Pick<Tables<'publishers'>, 'id' | 'name' | 'slug' | 'description' | 'website'>;

/** The full book returned by `catalog.get()`. */
export type Book = Pick<
  Tables<'books'>,
  | 'id'
  | 'title'
  | 'subtitle'
  | 'description'
  | 'isbn'
  | 'language'
  | 'publication_date'
  | 'page_count'
  | 'file_size'
  | 'format'
  | 'cover_path'
  | 'price'
  | 'currency'
  | 'is_free'
  | 'is_featured'
  | 'available_countries'
  | 'metadata'
  | 'published_at'
  | 'created_at'
  | 'updated_at'
> & {
  /** Authors in credit order. */
  authors: Pick<Tables<'authors'>, 'id' | 'name' | 'slug' | 'photo_path'>[];
  categories: Pick<Tables<'categories'>, 'id' | 'parent_id' | 'name' | 'slug'>[];
  publisher: Pick<Tables<'publishers'>, 'id' | 'name' | 'slug'> | null;
};

/** Parameters of `catalog.list()`. */
export interface ListBooksParams {
  /** 1-based page. Default `1`. */
  page?: number;
  /** Page size, 1..100. Default `20`. */
  limit?: number;
  /** Category slug; sub-categories are included. */
  category?: string | null;
  /** Language as stored on books: ISO 639-1 with an optional region (`fr`, `en`, `fr-SN`). */
  language?: string | null;
  /** Full-text search (accent- and case-insensitive), at most 200 characters. */
  search?: string | null;
  /** Default `relevance`: best matches first; without a search, featured books then newest. */
  sort?: BookSort | null;
  isFree?: boolean | null;
  /** Only featured books. Not combinable with `search`/`category` (the search RPC has no such filter). */
  featured?: boolean | null;
}

/** Filters of `catalog.search()`. Prices are integers in the currency's minor unit. */
export interface SearchFilters {
  page?: number;
  limit?: number;
  category?: string | null;
  language?: string | null;
  isFree?: boolean | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  /** Author id. */
  author?: string | null;
  /** ISO 3166-1 alpha-2 country; only books available there. */
  country?: string | null;
  sort?: BookSort | null;
}

/** Parameters of `catalog.authors()`. */
export interface ListAuthorsParams {
  page?: number;
  limit?: number;
  /** Case-insensitive substring of the name. */
  search?: string | null;
}

/** Parameters of `catalog.publishers()`: a page, and a case-insensitive part of the name. */
export type ListPublishersParams = ListAuthorsParams;

/** Facet counts over all matches of a search (not just the current page). */
export interface SearchFacets {
  categories: Array<Pick<Tables<'categories'>, 'id' | 'slug' | 'name'> & { count: number }>;
  languages: Array<{ language: Tables<'books'>['language']; count: number }>;
  price: Array<{ is_free: Tables<'books'>['is_free']; count: number }>;
}

/** Result of `catalog.search()`. */
export interface SearchResult extends Page<ListBook> {
  facets: SearchFacets;
}

/** The `search_books` RPC's JSON (docs/CONTRACT.md), typed. */
export interface SearchBooksResponse {
  total: number;
  items: ListBook[];
  facets: SearchFacets;
}
