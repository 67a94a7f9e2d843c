import type { Page } from '../core/pagination';
import type { RequestOptions, Transport } from '../core/transport';
import { listAuthors, listPublishers } from './authors';
import { getBook, listBooks, searchBooks } from './books';
import { buildCategoryTree, listCategories } from './categories';
import type {
  Author,
  Book,
  Category,
  CategoryNode,
  ListAuthorsParams,
  ListBook,
  ListBooksParams,
  ListPublishersParams,
  Publisher,
  SearchFilters,
  SearchResult,
} from './types';

/** `coko.catalog`: books, search, categories and authors. Read-only; guests may call it. */
export interface Catalog {
  /**
   * One page of published books. Without `search`/`category` it reads the `books` table;
   * with either it goes through the `search_books` RPC (sub-categories, ranking, accents).
   *
   * @param params - `page` (default 1), `limit` (1..100, default 20), `category` (slug),
   *   `language`, `search`, `sort` (default `relevance`: featured then newest when browsing), `isFree`, `featured`.
   * @throws `ValidationError` (before any request) when a parameter is invalid, naming it in `details.field`.
   *
   * @example
   * ```ts
   * const { data, total, totalPages } = await coko.catalog.list({ language: 'fr', limit: 12 })
   * ```
   */
  list(params?: ListBooksParams, options?: RequestOptions): Promise<Page<ListBook>>;

  /**
   * A full book with its authors (credit order), categories and publisher.
   *
   * @throws `ValidationError` when `id` is not a UUID; `NotFoundError` when the book does not
   *   exist or is not visible to the caller: a draft, or a book not sold in the reader's country
   *   (their profile's country, else the client's `country` option; without one, books sold
   *   worldwide only).
   *
   * @example
   * ```ts
   * const book = await coko.catalog.get('6f1c…')
   * console.log(book.title, book.authors.map((a) => a.name).join(', '))
   * ```
   */
  get(id: string, options?: RequestOptions): Promise<Book>;

  /**
   * Full-text search (French/English stemming, accent-insensitive, typo-tolerant) with facets
   * over all matches. An empty `query` browses with the filters only; otherwise it needs at least
   * 3 characters (`ValidationError` before any request). `limit` is 1..100, default 20. Only books
   * the reader may see (sold worldwide or in their country) are matched and counted.
   *
   * @example
   * ```ts
   * const { data, total, facets } = await coko.catalog.search('ecole', { language: 'fr', page: 2 })
   * facets.categories.map((c) => `${c.name} (${c.count})`)
   * ```
   */
  search(query: string, filters?: SearchFilters, options?: RequestOptions): Promise<SearchResult>;

  /**
   * Every category as a flat list (with `parentId`), ordered by `position` then name.
   *
   * @example
   * ```ts
   * const categories = await coko.catalog.categories()
   * ```
   */
  categories(options?: RequestOptions): Promise<Category[]>;

  /**
   * The categories as a tree (`children` nested); same as `buildCategoryTree(await categories())`.
   *
   * @example
   * ```ts
   * for (const root of await coko.catalog.categoryTree()) console.log(root.name, root.children.length)
   * ```
   */
  categoryTree(options?: RequestOptions): Promise<CategoryNode[]>;

  /**
   * One page of authors ordered by name, optionally filtered by a name substring.
   *
   * @example
   * ```ts
   * const { data } = await coko.catalog.authors({ search: 'sow', limit: 10 })
   * ```
   */
  authors(params?: ListAuthorsParams, options?: RequestOptions): Promise<Page<Author>>;

  /**
   * One page of publishers, by name (`search`: a case-insensitive part of the name).
   *
   * @example
   * ```ts
   * const { data: publishers } = await coko.catalog.publishers({ search: 'Nouvelles' })
   * ```
   */
  publishers(params?: ListPublishersParams, options?: RequestOptions): Promise<Page<Publisher>>;
}

/** Builds the catalog namespace on the shared transport. */
export function createCatalog(transport: Transport): Catalog {
  return {
    list: (params, options) => listBooks(transport, params, options),
    get: (id, options) => getBook(transport, id, options),
    search: (query, filters, options) => searchBooks(transport, query, filters, options),
    categories: (options) => listCategories(transport, options),
    categoryTree: async (options) => buildCategoryTree(await listCategories(transport, options)),
    authors: (params, options) => listAuthors(transport, params, options),
    publishers: (params, options) => listPublishers(transport, params, options),
  };
}

export { buildCategoryTree } from './categories';
export type * from './types';
