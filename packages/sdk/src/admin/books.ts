// Implementations of `admin.books.*` (`/v1/admin/books`).
import { checkBookInput } from './book-input';
import { type AdminContext, checkId, listPage, requireField, send } from './context';
import type {
  AdminBook,
  AdminBookCreate,
  AdminBookInput,
  AdminBookListParams,
  AdminPage,
  AdminRequestOptions,
} from './types';

export function create(ctx: AdminContext, input: AdminBookCreate, options?: AdminRequestOptions): Promise<AdminBook> {
  const body = checkBookInput(input);
  requireField(body, 'title');
  return send(ctx, 'POST', 'books', body, options);
}

export function update(
  ctx: AdminContext,
  id: string,
  input: AdminBookInput,
  options?: AdminRequestOptions,
): Promise<AdminBook> {
  return send(ctx, 'PATCH', `books/${checkId(id)}`, checkBookInput(input), options);
}

function remove(ctx: AdminContext, id: string, options?: AdminRequestOptions): Promise<void> {
  return send(ctx, 'DELETE', `books/${checkId(id)}`, undefined, options);
}

export { remove as delete };

export function publish(ctx: AdminContext, id: string, options?: AdminRequestOptions): Promise<AdminBook> {
  return send(ctx, 'POST', `books/${checkId(id)}/publish`, undefined, options, true);
}

export function unpublish(ctx: AdminContext, id: string, options?: AdminRequestOptions): Promise<AdminBook> {
  return send(ctx, 'POST', `books/${checkId(id)}/unpublish`, undefined, options, true);
}

export function get(ctx: AdminContext, id: string, options?: AdminRequestOptions): Promise<AdminBook> {
  return send(ctx, 'GET', `books/${checkId(id)}`, undefined, options);
}

export function list(
  ctx: AdminContext,
  params?: AdminBookListParams,
  options?: AdminRequestOptions,
): Promise<AdminPage<AdminBook>> {
  return listPage(ctx, 'books', params, options);
}
