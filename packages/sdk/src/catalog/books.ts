import { camel } from '../core/case';
import { ValidationError } from '../core/errors';
import { type Page, toPage, toRange, totalPastEnd } from '../core/pagination';
import { type RequestOptions, readOnly, type Transport } from '../core/transport';
import { validate } from '../core/validate';
import type { Database, Tables } from '../database.types';
import { idSchema, listBooksSchema, MIN_SEARCH_LENGTH, searchFiltersSchema, searchQuerySchema } from './schemas';
import type {
  Book,
  BookSort,
  ListBook,
  ListBooksParams,
  SearchBooksResponse,
  SearchFacets,
  SearchFilters,
  SearchResult,
} from './types';

type SearchArgs = Database['public']['Functions']['search_books']['Args'];

/**
 * A list book as the database spells it: the RPC's `items`, and the list select (which names
 * `list_authors` `authors`). `authors` is jsonb kept by triggers: always `[{ id, name }]`.
 */
type SearchItem = Pick<
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
  | 'rating_average'
  | 'rating_count'
> & { authors: { id: string; name: string }[] };

/** The `search_books` RPC's JSON as sent (snake_case keys; docs/CONTRACT.md). */
interface SearchJson {
  total?: number;
  items?: SearchItem[];
  facets?: Partial<Omit<SearchFacets, 'price'>> & { price?: { is_free: boolean; count: number }[] };
  corrected?: string;
}

/**
 * List columns only. Authors come from `list_authors`, `[{ id, name }]` in credit order, kept by
 * triggers from `book_authors` and `authors.name`: embedding `book_authors(author:authors(id,name))`
 * made PostgREST join for every row up to OFFSET + LIMIT (page 50 of a list ~25× the cost of page 1).
 * Selected as `authors`, the RPC's name, so a page and the RPC's items are one shape ({@link SearchItem}).
 */
const LIST_SELECT =
  'id,title,subtitle,cover_path,language,price,currency,is_free,is_featured,format,publication_date,rating_average,rating_count,authors:list_authors';

/**
 * Detail columns: everything a reader may see (not `file_path`, nor the internal `search_vector`,
 * `facet_category_ids`, `is_published` and `title_search`). Authors (with more fields than the
 * lists' `list_authors`) are embedded through the `book_authors` junction (rather than `authors(…)`)
 * so the server can order them by `book_authors.position` (credit order:
 * `book_authors.order=position.asc`); the position itself is not sent. One row: the embed is cheap.
 */
const DETAIL_SELECT =
  'id,title,subtitle,description,isbn,language,publication_date,page_count,file_size,format,cover_path,price,currency,is_free,is_featured,available_countries,metadata,published_at,created_at,updated_at,rating_average,rating_count,rating_histogram,publisher:publishers(id,name,slug),book_authors(author:authors(id,name,slug,photo_path)),categories(id,parent_id,name,slug)';

type Order = [column: 'is_featured' | 'published_at' | 'title' | 'price' | 'id', ascending: boolean];

/** The RPC's orders (without a search, `relevance` = featured first, then newest). */
const ORDER: Record<BookSort, Order[]> = {
  relevance: [
    ['is_featured', false],
    ['published_at', false],
    ['id', true],
  ],
  newest: [
    ['published_at', false],
    ['id', true],
  ],
  title: [
    ['title', true],
    ['id', true],
  ],
  price_asc: [
    ['price', true],
    ['published_at', false],
    ['id', true],
  ],
  price_desc: [
    ['price', false],
    ['published_at', false],
    ['id', true],
  ],
};

/**
 * A search is empty (browse) or at least {@link MIN_SEARCH_LENGTH} characters, counted as
 * search_books() counts them (code points): refused here so a too-short search costs no round trip.
 */
function checkSearchLength(text: string | null | undefined, field: string): void {
  if (!text || [...text].length >= MIN_SEARCH_LENGTH) return;
  const message = `${field} must be at least ${MIN_SEARCH_LENGTH} characters (or empty)`;
  throw new ValidationError(message, { details: { field, message } });
}

/** Calls the `search_books` RPC (a POST marked read-only, so it is retried like a GET). */
async function searchRpc(t: Transport, args: SearchArgs, options?: RequestOptions): Promise<SearchBooksResponse> {
  let query = readOnly(t.rest.rpc('search_books', args));
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.throwOnError();
  const { total = 0, items = [], facets, corrected } = (data ?? {}) as SearchJson;
  return {
    total,
    items: items.map(camel),
    facets: { categories: [], languages: [], ...facets, price: (facets?.price ?? []).map(camel) },
    corrected,
  };
}

/** Drops `undefined`/`null` so the RPC's own defaults apply. */
function compact<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v != null)) as {
    [K in keyof T]?: NonNullable<T[K]>;
  };
}

/** Implementation of `catalog.list()`. */
export async function listBooks(
  t: Transport,
  params: ListBooksParams = {},
  options?: RequestOptions,
): Promise<Page<ListBook>> {
  const p = validate(listBooksSchema, params, 'params');
  const search = p.search || undefined;
  checkSearchLength(search, 'search');

  if (search || p.category) {
    if (p.featured != null) {
      throw new ValidationError('featured cannot be combined with search or category', {
        details: { field: 'featured', message: 'featured cannot be combined with search or category' },
      });
    }
    const result = await searchRpc(
      t,
      compact({
        query: search,
        category: p.category,
        language: p.language,
        is_free: p.isFree,
        sort: p.sort ?? 'relevance',
        page: p.page,
        page_size: p.limit,
      }),
      options,
    );
    return toPage(result.items, p.page, p.limit, result.total);
  }

  // count=estimated: PostgREST counts exactly up to db-max-rows (1000) and beyond that answers the
  // planner's estimate, within ~1 % here (see books.is_published), instead of counting every
  // visible book on every page (≈ 3 ms of a 4.3 ms page at 100k books, 10× that at 1M).
  let query = t.rest.from('books').select(LIST_SELECT, { count: 'estimated' });
  if (p.language) query = query.eq('language', p.language);
  if (p.isFree != null) query = query.eq('is_free', p.isFree);
  if (p.featured != null) query = query.eq('is_featured', p.featured);
  // No NULLS modifier: published books always have published_at, and the default null order
  // is what the partial indexes (published_at desc, id) … were built with.
  for (const [column, ascending] of ORDER[p.sort ?? 'relevance']) query = query.order(column, { ascending });
  query = query.range(...toRange(p.page, p.limit));
  if (options?.signal) query = query.abortSignal(options.signal);

  try {
    const { data, count } = await query.throwOnError();
    const books: ListBook[] = (data as SearchItem[]).map(camel);
    return toPage(books, p.page, p.limit, count ?? books.length);
  } catch (error) {
    const total = totalPastEnd(error);
    if (total === undefined) throw error;
    return toPage([], p.page, p.limit, total);
  }
}

/** Implementation of `catalog.get()`. */
export async function getBook(t: Transport, id: string, options?: RequestOptions): Promise<Book> {
  const bookId = validate(idSchema, id, 'id');
  let query = t.rest
    .from('books')
    .select(DETAIL_SELECT)
    .eq('id', bookId)
    .order('position', { referencedTable: 'book_authors', ascending: true });
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.single().throwOnError();
  const { book_authors, categories, ...book } = data;
  // Authors in the order the server sent them (`book_authors.order=position.asc`: credit order).
  return {
    ...camel(book),
    authors: book_authors.map(({ author }) => camel(author)),
    categories: categories.map(camel),
  };
}

/** Implementation of `catalog.search()`. */
export async function searchBooks(
  t: Transport,
  query: string,
  filters: SearchFilters = {},
  options?: RequestOptions,
): Promise<SearchResult> {
  const text = validate(searchQuerySchema, query, 'query') || undefined;
  checkSearchLength(text, 'query');
  const f = validate(searchFiltersSchema, filters, 'filters');
  if (f.minPrice != null && f.maxPrice != null && f.minPrice > f.maxPrice) {
    throw new ValidationError('minPrice must not exceed maxPrice', {
      details: { field: 'minPrice', message: 'minPrice must not exceed maxPrice' },
    });
  }
  const result = await searchRpc(
    t,
    compact({
      query: text,
      category: f.category,
      language: f.language,
      is_free: f.isFree,
      min_price: f.minPrice,
      max_price: f.maxPrice,
      author: f.author,
      country: f.country,
      sort: f.sort ?? 'relevance',
      page: f.page,
      page_size: f.limit,
    }),
    options,
  );
  return { ...toPage(result.items, f.page, f.limit, result.total), facets: result.facets, corrected: result.corrected };
}
