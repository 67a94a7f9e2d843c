// The five calls authors, publishers and categories share (create, update, delete, get, list), bound to a
// path and an input schema by each resource's module.
import type * as z from 'zod/mini';
import { validate } from '../core/validate';
import { type AdminContext, checkId, listPage, requireField, send } from './context';
import type { AdminPage, AdminRequestOptions } from './types';

export function crud<T, I, L>(path: string, schema: z.ZodMiniType) {
  return {
    create: (ctx: AdminContext, input: I & { name: string }, options?: AdminRequestOptions): Promise<T> => {
      const body = validate(schema, input, 'input') as Record<string, unknown>;
      requireField(body, 'name');
      return send<T>(ctx, 'POST', path, body, options);
    },
    update: (ctx: AdminContext, id: string, input: I, options?: AdminRequestOptions): Promise<T> =>
      send<T>(ctx, 'PATCH', `${path}/${checkId(id)}`, validate(schema, input, 'input'), options),
    delete: (ctx: AdminContext, id: string, options?: AdminRequestOptions): Promise<void> =>
      send<void>(ctx, 'DELETE', `${path}/${checkId(id)}`, undefined, options),
    get: (ctx: AdminContext, id: string, options?: AdminRequestOptions): Promise<T> =>
      send<T>(ctx, 'GET', `${path}/${checkId(id)}`, undefined, options),
    list: (ctx: AdminContext, params?: L, options?: AdminRequestOptions): Promise<AdminPage<T>> =>
      listPage<T>(ctx, path, params, options),
  };
}
