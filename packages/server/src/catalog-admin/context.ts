// Every catalog write of the editors' API runs here: AS the editor (role `authenticated` + their claims, so
// Row Level Security decides and the audit log's actor is the editor), after the permission check, with the
// request's IP and user agent for the audit rows, and with SQL errors turned into the API's errors.
import { ApiError } from '../app/errors.ts';
import { type ActingUser, asUser } from '../db/as-user.ts';
import type { Queryable } from '../db/pool.ts';
import type { Database } from '../db/transaction.ts';
import { catalogSqlError } from './errors.ts';

/** Editing needs `books:update` (moderators, admins); deleting needs `books:delete` (admins). */
export type CatalogPermission = 'books:update' | 'books:delete';

export interface EditorRequest {
  db: Database;
  user: ActingUser;
  /** First `x-forwarded-for` hop, for the audit log. */
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/**
 * Runs `fn` in one transaction as the editor, once `permission` is checked (403 PERMISSION_DENIED otherwise:
 * the same `authorize()` the policies call). Class 22/23 SQL errors become 400/409 naming the field.
 */
export async function asEditor<T>(
  request: EditorRequest,
  permission: CatalogPermission,
  fn: (tx: Queryable) => Promise<T>,
  options: { readOnly?: boolean; action?: 'write' | 'delete' } = {},
): Promise<T> {
  try {
    return await asUser(
      request.db,
      request.user,
      async (tx) => {
        const { rows } = await tx.query(
          `select public.authorize($1) as allowed, set_config('coko.ip', $2, true), set_config('coko.user_agent', $3, true)`,
          [permission, request.ip ?? '', (request.userAgent ?? '').slice(0, 512)],
        );
        if ((rows[0] as { allowed: boolean }).allowed !== true)
          throw new ApiError(403, 'PERMISSION_DENIED', `This needs the ${permission} permission`, {
            details: { permission },
          });
        return fn(tx);
      },
      { readOnly: options.readOnly ?? false },
    );
  } catch (error) {
    throw catalogSqlError(error, options.action) ?? error;
  }
}

/** 404 NOT_FOUND for `kind` `id` (invisible to the editor counts as absent). */
export function notFound(kind: string, id: string): ApiError {
  return new ApiError(404, 'NOT_FOUND', `${kind} not found`, { details: { id } });
}
