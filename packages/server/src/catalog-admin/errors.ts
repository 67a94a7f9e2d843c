// The catalog's SQL errors as the editor's API answers them: which field a constraint guards, and the one
// error format. A check constraint is bad input (400 VALIDATION_ERROR), a unique key or a foreign key is a
// clash with existing data (409 CONFLICT), and the category tree's cycle trigger is a conflict with the tree.
import { ApiError } from '../app/errors.ts';
import { sqlState } from '../db/rows.ts';

/** Constraint name → the API field it guards (camelCase, as the client sent it). */
const CONSTRAINT_FIELDS: Record<string, string> = {
  books_title_length: 'title',
  books_subtitle_length: 'subtitle',
  books_description_length: 'description',
  books_isbn_valid: 'isbn',
  books_isbn13_key: 'isbn',
  books_language_format: 'language',
  books_page_count_positive: 'pageCount',
  books_price_non_negative: 'price',
  books_currency_format: 'currency',
  books_free_has_no_price: 'price',
  books_published_has_format: 'format',
  books_published_has_date: 'publishedAt',
  books_available_countries_format: 'availableCountries',
  books_metadata_object: 'metadata',
  books_publisher_id_fkey: 'publisherId',
  book_authors_author_id_fkey: 'authorIds',
  book_authors_pkey: 'authorIds',
  book_categories_category_id_fkey: 'categoryIds',
  book_categories_pkey: 'categoryIds',
  authors_name_length: 'name',
  authors_slug_key: 'slug',
  authors_slug_format: 'slug',
  authors_biography_length: 'biography',
  publishers_name_length: 'name',
  publishers_slug_key: 'slug',
  publishers_slug_format: 'slug',
  publishers_description_length: 'description',
  publishers_website_format: 'website',
  categories_name_length: 'name',
  categories_slug_key: 'slug',
  categories_slug_format: 'slug',
  categories_description_length: 'description',
  categories_parent_id_fkey: 'parentId',
  categories_not_own_parent: 'parentId',
};

/** Deleting a row still referenced (an author credited on a book, a category with subcategories). */
const STILL_REFERENCED: Record<string, string> = {
  book_authors_author_id_fkey: 'The author is credited on books: remove them from those books first',
  categories_parent_id_fkey: 'The category has subcategories: move or delete them first',
};

interface PgLike {
  code?: string;
  constraint?: string;
  message?: string;
  detail?: string;
}

/**
 * The {@link ApiError} for a catalog SQL error, or undefined when it is not the client's doing. `action`
 * tells a delete blocked by a reference (409, "still used") from an insert naming nothing (409, unknown id).
 */
export function catalogSqlError(error: unknown, action: 'write' | 'delete' = 'write'): ApiError | undefined {
  const state = sqlState(error);
  if (!state) return undefined;
  const { constraint, message } = error as PgLike;
  const field = constraint ? CONSTRAINT_FIELDS[constraint] : undefined;
  const details: Record<string, unknown> = { sqlstate: state };
  if (constraint) details.constraint = constraint;
  if (field) details.field = field;

  if (state === '23514' && message === 'category cannot be its own ancestor') {
    return new ApiError(409, 'CONFLICT', 'A category cannot be moved under itself or one of its subcategories', {
      details: { ...details, field: 'parentId' },
      cause: error,
    });
  }
  if (state === '23505') {
    return new ApiError(409, 'CONFLICT', `${field ?? 'A value'} is already used by another record`, {
      details,
      cause: error,
    });
  }
  if (state === '23503') {
    const text =
      action === 'delete'
        ? ((constraint && STILL_REFERENCED[constraint]) ?? 'The record is still used elsewhere')
        : `${field ?? 'A reference'} names a record that does not exist`;
    return new ApiError(409, 'CONFLICT', text, { details, cause: error });
  }
  if (state === '23514' || state === '23502' || state.startsWith('22')) {
    return new ApiError(400, 'VALIDATION_ERROR', field ? `${field} is invalid` : 'A value is invalid', {
      details: field
        ? { ...details, issues: [{ path: field, code: 'custom', message: `${field} is invalid` }] }
        : details,
      cause: error,
    });
  }
  return undefined;
}
