import { crud } from './crud';
import { categoryInputSchema } from './schemas';
import type { AdminCategory, AdminCategoryInput, AdminCategoryListParams } from './types';

const methods = crud<AdminCategory, AdminCategoryInput, AdminCategoryListParams>('categories', categoryInputSchema);

/** Implementations of `admin.categories.*` (`/v1/admin/categories`); moving is `update(id, { parentId })`. */
export const { create, update, get, list } = methods;
const remove = methods.delete;

export { remove as delete };
