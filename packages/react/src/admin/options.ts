import type {
  AdminAuthor,
  AdminAuthorInput,
  AdminBook,
  AdminBookListParams,
  AdminCategory,
  AdminCategoryInput,
  AdminCategoryListParams,
  AdminPage,
  AdminPublisher,
  AdminPublisherInput,
  CokoClient,
  CokoError,
} from '@coko/sdk';
import { type QueryClient, queryOptions } from '@tanstack/react-query';
import { cokoRetry } from '../catalog/options';
import { cokoKeys } from '../query-keys';

/** The catalog resources besides books that editors manage. */
export type AdminResourceName = 'authors' | 'publishers' | 'categories';
/** A row of each resource. */
export type AdminItem<R extends AdminResourceName> = {
  authors: AdminAuthor;
  publishers: AdminPublisher;
  categories: AdminCategory;
}[R];
/** What an editor writes on each resource. */
export type AdminInput<R extends AdminResourceName> = {
  authors: AdminAuthorInput;
  publishers: AdminPublisherInput;
  categories: AdminCategoryInput;
}[R];

/** Query options for a page of books as editors see them, drafts included (`coko.admin.books.list`). */
export function adminBooksQueryOptions(client: CokoClient, params: AdminBookListParams = {}) {
  return queryOptions<AdminPage<AdminBook>, CokoError>({
    queryKey: cokoKeys.admin.bookList(params),
    queryFn: ({ signal }) => client.admin.books.list(params, { signal }),
    retry: cokoRetry,
  });
}

/** Query options for one book, draft or published (`coko.admin.books.get`). */
export function adminBookQueryOptions(client: CokoClient, id: string) {
  return queryOptions<AdminBook, CokoError>({
    queryKey: cokoKeys.admin.book(id),
    queryFn: ({ signal }) => client.admin.books.get(id, { signal }),
    retry: cokoRetry,
  });
}

/** Query options for a page of authors, publishers or categories (`coko.admin.<resource>.list`). */
export function adminListQueryOptions<R extends AdminResourceName>(
  client: CokoClient,
  resource: R,
  params: AdminCategoryListParams = {},
) {
  return queryOptions<AdminPage<AdminItem<R>>, CokoError>({
    queryKey: cokoKeys.admin.list(resource, params),
    queryFn: ({ signal }) => client.admin[resource].list(params, { signal }) as Promise<AdminPage<AdminItem<R>>>,
    retry: cokoRetry,
  });
}

/**
 * After an editor's change: the editors' lists refetch, and so does everything readers see of the catalog
 * (a book's title, an author's name or a category move shows in lists, search, facets and details).
 */
export function invalidateCatalog(queryClient: QueryClient, resource: 'books' | AdminResourceName) {
  return Promise.all([
    queryClient.invalidateQueries({
      queryKey: resource === 'books' ? cokoKeys.admin.books() : cokoKeys.admin.resource(resource),
    }),
    queryClient.invalidateQueries({ queryKey: cokoKeys.catalog.all() }),
  ]);
}
