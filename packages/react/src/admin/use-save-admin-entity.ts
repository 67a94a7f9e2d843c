'use client';

import type { AdminAuthorInput, CokoClient, CokoError } from '@coko/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCoko } from '../use-coko';
import { type AdminInput, type AdminItem, type AdminResourceName, invalidateCatalog } from './options';

/** `{ input }` creates one; `{ id, input }` changes it; `{ id, delete: true }` deletes it (admins). */
export type SaveAdminEntityVariables<R extends AdminResourceName> =
  | { id?: string; input: AdminInput<R>; delete?: false }
  | { id: string; delete: true };

/**
 * Creates, edits (moves, for a category) or deletes an author, publisher or category
 * (`coko.admin.<resource>.*`), then refetches the editors' list and the readers' catalog queries. Resolves
 * with the saved row, or `undefined` after a delete.
 *
 * @example
 * ```tsx
 * const save = useSaveAdminEntity('categories')
 * save.mutate({ id: category.id, input: { parentId: newParent } }) // a cycle fails with a ConflictError
 * ```
 */
export function useSaveAdminEntity<R extends AdminResourceName>(resource: R) {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<AdminItem<R> | undefined, CokoError, SaveAdminEntityVariables<R>>({
    mutationFn: async (variables) => {
      // The three resources share one signature (crud.ts in the SDK); TypeScript cannot see it through R.
      const api = client.admin[resource] as unknown as CokoClient['admin']['authors'];
      if (variables.delete) return void (await api.delete(variables.id));
      const input = variables.input as AdminAuthorInput;
      return (variables.id === undefined
        ? await api.create(input as AdminAuthorInput & { name: string })
        : await api.update(variables.id, input)) as unknown as AdminItem<R>;
    },
    onSuccess: () => invalidateCatalog(queryClient, resource),
  });
}
