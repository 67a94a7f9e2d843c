import type { Json } from '../core/json';
import type { Page } from '../core/pagination';
import type { BOOK_SORTS } from './schemas';

/**
 * Sort order of book lists. `relevance` (the default) ranks search matches; without a search it
 * lists featured books first, then the newest.
 */
export type BookSort = (typeof BOOK_SORTS)[number];

/** An author as embedded in book lists. */
export interface AuthorSummary {
  id: string;
  name: string;
}

/** A book in lists and search results (only the fields a list or grid needs). */
export interface ListBook {
  id: string;
  title: string;
  subtitle: string | null;
  coverPath: string | null;
  /** ISO 639-1 with an optional region (`fr`, `fr-SN`). */
  language: string;
  /** Integer, in the currency's minor unit. */
  price: number;
  currency: string;
  isFree: boolean;
  isFeatured: boolean;
  format: 'epub' | 'pdf' | null;
  /** `YYYY-MM-DD`. */
  publicationDate: string | null;
  /** Average rating of the visible reviews (1.00–5.00), `null` without reviews. */
  ratingAverage: number | null;
  /** Number of visible reviews. */
  ratingCount: number;
  /** Authors in credit order. */
  authors: AuthorSummary[];
}

/** A category as listed by `catalog.categories()` (a flat list; see `buildCategoryTree`). */
export interface Category {
  id: string;
  parentId: string | null;
  name: string;
  slug: string;
  description: string | null;
  position: number;
}

/** A category with its sub-categories, as built by `buildCategoryTree`. */
export type CategoryNode = Category & { children: CategoryNode[] };

/** An author as listed by `catalog.authors()`. */
export interface Author {
  id: string;
  name: string;
  slug: string;
  photoPath: string | null;
}

/** A publisher as listed by `catalog.publishers()`. */
export interface Publisher {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  website: string | null;
}

/** The full book returned by `catalog.get()`. */
export interface Book {
  id: string;
  title: string;
  subtitle: string | null;
  description: string | null;
  isbn: string | null;
  language: string;
  publicationDate: string | null;
  pageCount: number | null;
  fileSize: number | null;
  format: 'epub' | 'pdf' | null;
  coverPath: string | null;
  price: number;
  currency: string;
  isFree: boolean;
  isFeatured: boolean;
  /** ISO 3166-1 alpha-2 countries; empty: everywhere. */
  availableCountries: string[];
  metadata: NonNullable<Json>;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Average rating of the visible reviews (1.00–5.00), `null` without reviews. */
  ratingAverage: number | null;
  /** Number of visible reviews. */
  ratingCount: number;
  /** Visible reviews per rating, `[one star, …, five stars]`. */
  ratingHistogram: number[];
  /** Authors in credit order. */
  authors: Author[];
  categories: Pick<Category, 'id' | 'parentId' | 'name' | 'slug'>[];
  publisher: Pick<Publisher, 'id' | 'name' | 'slug'> | null;
}

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
  /** Full-text search (accent- and case-insensitive), 3 to 200 characters (empty: no search). */
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
  /** Page size, 1..100. Default `20`. */
  limit?: number;
  category?: string | null;
  language?: string | null;
  isFree?: boolean | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  /** Author id. */
  author?: string | null;
  /**
   * ISO 3166-1 alpha-2 country; only books sold there. Narrows what the reader may see (books sold
   * worldwide or in the reader's own country, see the client's `country` option); never widens it.
   */
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
  categories: Array<Pick<Category, 'id' | 'slug' | 'name'> & { count: number }>;
  languages: Array<{ language: string; count: number }>;
  price: Array<{ isFree: boolean; count: number }>;
}

/** Result of `catalog.search()`. */
export interface SearchResult extends Page<ListBook> {
  facets: SearchFacets;
  /**
   * Set when the query matched nothing and its misspelled words were corrected from the catalog's
   * words: the (lower-case, accent-free) query these results are for, e.g. `"cordonnier"` for
   * `"cordonier"` — show "Results for …".
   */
  corrected?: string;
}

/** The `search_books` RPC's JSON (docs/CONTRACT.md), with its keys in the SDK's casing (camelCase). */
export interface SearchBooksResponse {
  total: number;
  items: ListBook[];
  facets: SearchFacets;
  /** The corrected query the answer is for, when typos were corrected (see SearchResult.corrected). */
  corrected?: string;
}
