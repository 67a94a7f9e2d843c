import { crud } from './crud';
import { authorInputSchema } from './schemas';
import type { AdminAuthor, AdminAuthorInput, AdminListParams } from './types';

const methods = crud<AdminAuthor, AdminAuthorInput, AdminListParams>('authors', authorInputSchema);

/** Implementations of `admin.authors.*` (`/v1/admin/authors`). */
export const { create, update, get, list } = methods;
const remove = methods.delete;

export { remove as delete };
