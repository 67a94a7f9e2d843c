import { lazyModule } from '../core/lazy';
import type { Transport } from '../core/transport';
import type {
  AdminAuthor,
  AdminAuthorInput,
  AdminBook,
  AdminBookCreate,
  AdminBookInput,
  AdminBookListParams,
  AdminCategory,
  AdminCategoryInput,
  AdminCategoryListParams,
  AdminListParams,
  AdminPage,
  AdminPublisher,
  AdminPublisherInput,
  AdminRequestOptions,
} from './types';
import type { AdminUploads } from './upload-types';

/** The calls each catalog resource of `coko.admin` offers. */
export interface AdminResource<T, I, L = AdminListParams> {
  /** Creates one (`name` required). @throws `ConflictError` for a slug already used. */
  create(input: I & { name: string }, options?: AdminRequestOptions): Promise<T>;
  /** Changes the fields given. */
  update(id: string, input: I, options?: AdminRequestOptions): Promise<T>;
  /** Deletes one (admins: `books:delete`). @throws `ConflictError` while still used. */
  delete(id: string, options?: AdminRequestOptions): Promise<void>;
  /** One, by id. @throws `NotFoundError`. */
  get(id: string, options?: AdminRequestOptions): Promise<T>;
  /** A page, newest first; pass `nextCursor` back as `cursor` for the next one. */
  list(params?: L, options?: AdminRequestOptions): Promise<AdminPage<T>>;
}

/** `coko.admin.books`: drafts included. */
export interface AdminBooks {
  /**
   * Creates a draft. `authorIds` and `categoryIds` are ordered (credit order, main category first).
   *
   * @throws `ValidationError` (before any request, or from the server naming `details.field`) for a bad
   *   field; `ConflictError` for an ISBN already used or an unknown publisher, author or category.
   *
   * @example
   * ```ts
   * const book = await coko.admin.books.create({ title: 'Une si longue lettre', price: 2500, authorIds: [ba] })
   * ```
   */
  create(input: AdminBookCreate, options?: AdminRequestOptions): Promise<AdminBook>;
  /** Changes the fields given; `authorIds` / `categoryIds` replace the lists. */
  update(id: string, input: AdminBookInput, options?: AdminRequestOptions): Promise<AdminBook>;
  /** Deletes a book (admins: `books:delete`; moderators unpublish instead). */
  delete(id: string, options?: AdminRequestOptions): Promise<void>;
  /**
   * Makes a book visible to readers.
   *
   * @throws `ValidationError` with status 422 and `details.reason` `NO_FILE` while it has no readable file.
   */
  publish(id: string, options?: AdminRequestOptions): Promise<AdminBook>;
  /** Takes a book back to draft: readers stop seeing it. */
  unpublish(id: string, options?: AdminRequestOptions): Promise<AdminBook>;
  /** One book, draft or published. @throws `NotFoundError`. */
  get(id: string, options?: AdminRequestOptions): Promise<AdminBook>;
  /**
   * Books newest first, drafts included, a page at a time.
   *
   * @example
   * ```ts
   * let page = await coko.admin.books.list({ status: 'draft' })
   * while (page.nextCursor) page = await coko.admin.books.list({ status: 'draft', cursor: page.nextCursor })
   * ```
   */
  list(params?: AdminBookListParams, options?: AdminRequestOptions): Promise<AdminPage<AdminBook>>;
}

/**
 * `coko.admin`: the catalog as editors write it (`/v1/admin/*` of the Coko API). Needs a signed-in user
 * holding `books:update` (moderators, admins); deleting needs `books:delete` (admins). Others get
 * `PermissionDeniedError`, guests `AuthenticationError`. Every change is audited under the editor's id.
 * Each resource is a separate chunk, imported on its first call.
 */
export interface Admin {
  books: AdminBooks;
  authors: AdminResource<AdminAuthor, AdminAuthorInput>;
  publishers: AdminResource<AdminPublisher, AdminPublisherInput>;
  /** Moving a category is `update(id, { parentId })`; a cycle is a `ConflictError`. */
  categories: AdminResource<AdminCategory, AdminCategoryInput, AdminCategoryListParams>;
  /** EPUB and PDF files into draft books (resumable TUS uploads, processing status). */
  uploads: AdminUploads;
}

/** Builds the admin namespace; each resource's module (its exports are the methods) loads on its first call. */
export function createAdmin(transport: Transport): Admin {
  return {
    books: lazyModule(() => import('./books'), transport),
    authors: lazyModule(() => import('./authors'), transport),
    publishers: lazyModule(() => import('./publishers'), transport),
    categories: lazyModule(() => import('./categories'), transport),
    uploads: lazyModule(() => import('./uploads'), transport),
  };
}

export type * from './types';
export type * from './upload-types';
