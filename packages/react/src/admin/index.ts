// React hooks of `coko.admin` (editors). `pipeline` adds the uploads hooks here.
export {
  type AdminInput,
  type AdminItem,
  type AdminResourceName,
  adminBookQueryOptions,
  adminBooksQueryOptions,
  adminListQueryOptions,
  invalidateCatalog,
} from './options';
export { useAdminBook } from './use-admin-book';
export { useAdminBooks } from './use-admin-books';
export { useAdminList } from './use-admin-list';
export { useDeleteBook } from './use-delete-book';
export { usePublishBook } from './use-publish-book';
export { type SaveAdminEntityVariables, useSaveAdminEntity } from './use-save-admin-entity';
export { type SaveBookVariables, useSaveBook } from './use-save-book';
