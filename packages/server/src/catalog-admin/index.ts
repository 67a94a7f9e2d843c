// The editors' catalog (docs/CONTRACT-publishing.md §3): books, authors, publishers and categories written
// AS the editor. Routes: routes/admin-catalog-*.ts.
export {
  type AdminBook,
  type BookFilter,
  type BookInput,
  createBook,
  deleteBook,
  getBook,
  listBooks,
  publishBook,
  publishRefusal,
  unpublishBook,
  updateBook,
} from './books.ts';
export { asEditor, type CatalogPermission, type EditorRequest, notFound } from './context.ts';
export {
  AUTHORS,
  CATEGORIES,
  createEntity,
  deleteEntity,
  type EntitySpec,
  getEntity,
  listEntities,
  PUBLISHERS,
  updateEntity,
} from './entities.ts';
export { catalogSqlError } from './errors.ts';
export { isbn13 } from './isbn.ts';
export { decodeCursor, encodeCursor, type Page, type PageRequest } from './pagination.ts';
