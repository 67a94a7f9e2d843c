import { idSchema } from '../catalog/schemas';
import { ValidationError } from '../core/errors';
import type { Transport } from '../core/transport';
import { validate } from '../core/validate';
import { listSchema } from './schemas';
import type { AdminPage, AdminRequestOptions } from './types';

/** What the admin namespace uses of the transport: the Coko API (`/v1/admin/*`), as the signed-in editor. */
export type AdminContext = Pick<Transport, 'api'>;

/** Validates an id argument before any request. */
export const checkId = (id: unknown, name = 'id'): string => validate(idSchema, id, name);

/** Throws the SDK's `ValidationError` when a create input lacks its required text field. */
export function requireField(input: Record<string, unknown>, field: string): void {
  if (typeof input[field] === 'string') return;
  const message = `${field} is required`;
  throw new ValidationError(message, { details: { field, message, issues: [{ field, message }] } });
}

/** `GET /v1/admin/<path>` with the validated list parameters. */
export async function listPage<T>(
  ctx: AdminContext,
  path: string,
  params: unknown,
  options?: AdminRequestOptions,
): Promise<AdminPage<T>> {
  const { limit, cursor, ...filters } = validate(listSchema, params ?? {}, 'params');
  const query: Record<string, string | undefined> = {
    limit: limit === undefined ? undefined : String(limit),
    cursor: cursor ?? undefined,
  };
  for (const [name, value] of Object.entries(filters)) query[name] = value ?? undefined;
  return (await ctx.api(`v1/admin/${path}`, { ...options, query })).json();
}

/** A JSON call to `/v1/admin/<path>`. */
export async function send<T>(
  ctx: AdminContext,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  json: unknown,
  options?: AdminRequestOptions,
  /** Safe to retry (publish, unpublish: doing it twice changes nothing). GET, DELETE are anyway. */
  idempotent?: boolean,
): Promise<T> {
  const response = await ctx.api(`v1/admin/${path}`, {
    ...options,
    method,
    json,
    ...(idempotent === undefined ? {} : { idempotent }),
  });
  return (method === 'DELETE' ? undefined : await response.json()) as T;
}
