import type { ApiRequestOptions } from '../core/transport';

/** A book as editors see it (`AdminBook` of the API): drafts too, with ordered author and category ids. */
export interface AdminBook {
  id: string;
  title: string;
  subtitle: string | null;
  description: string | null;
  /** As entered (hyphens allowed); unique across ISBN-10 and ISBN-13 forms. */
  isbn: string | null;
  /** `fr`, `en`, `fr-SN` … */
  language: string;
  /** `YYYY-MM-DD`. */
  publicationDate: string | null;
  pageCount: number | null;
  fileSize: number | null;
  /** Set by the upload pipeline; a book without a file cannot be published. */
  format: 'epub' | 'pdf' | null;
  coverPath: string | null;
  filePath: string | null;
  /** In the currency's minor unit (1500 XOF = 1 500 F CFA; 499 EUR = 4.99 €). */
  price: number;
  currency: string;
  isFree: boolean;
  isFeatured: boolean;
  status: 'draft' | 'published';
  /** ISO 3166-1 alpha-2 codes where it is sold; empty = worldwide. */
  availableCountries: string[];
  publisherId: string | null;
  metadata: Record<string, unknown>;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** In credit order. */
  authorIds: string[];
  /** Main category first. */
  categoryIds: string[];
}

/** What an editor writes on a book (file columns come from uploads; status from publish/unpublish). */
export interface AdminBookInput {
  title?: string;
  subtitle?: string | null;
  description?: string | null;
  isbn?: string | null;
  language?: string;
  publicationDate?: string | null;
  pageCount?: number | null;
  price?: number;
  currency?: string;
  isFree?: boolean;
  isFeatured?: boolean;
  availableCountries?: string[];
  publisherId?: string | null;
  metadata?: Record<string, unknown>;
  /** Replaces the book's authors, in this order. */
  authorIds?: string[];
  /** Replaces the book's categories, in this order. */
  categoryIds?: string[];
}

/** `admin.books.create()` input: a title at least. */
export type AdminBookCreate = AdminBookInput & { title: string };

export interface AdminAuthor {
  id: string;
  name: string;
  slug: string;
  biography: string | null;
  photoPath: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface AdminAuthorInput {
  name?: string;
  /** Derived from the name when omitted. */
  slug?: string;
  biography?: string | null;
  photoPath?: string | null;
}

export interface AdminPublisher {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  website: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface AdminPublisherInput {
  name?: string;
  slug?: string;
  description?: string | null;
  website?: string | null;
}

export interface AdminCategory {
  id: string;
  name: string;
  slug: string;
  parentId: string | null;
  description: string | null;
  position: number;
  createdAt: string;
  updatedAt: string;
}
export interface AdminCategoryInput {
  name?: string;
  slug?: string;
  /** Moving a category: its new parent (`null`: top level). Under itself or a descendant → `ConflictError`. */
  parentId?: string | null;
  description?: string | null;
  position?: number;
}

/** One page of an editors' list, newest first. */
export interface AdminPage<T> {
  data: T[];
  /** Pass it as `cursor` for the next page; `null` on the last one. */
  nextCursor: string | null;
}

export interface AdminListParams {
  /** 1–100, default 20. */
  limit?: number;
  cursor?: string | null;
  /** Part of the title or name (accents and case ignored). */
  q?: string;
}

export interface AdminBookListParams extends AdminListParams {
  status?: 'draft' | 'published';
  language?: string;
  publisherId?: string;
}

export interface AdminCategoryListParams extends AdminListParams {
  /** Only the children of this category; `'root'` for the top level. */
  parentId?: string;
}

/** Per-call options of the admin methods. */
export type AdminRequestOptions = ApiRequestOptions;
