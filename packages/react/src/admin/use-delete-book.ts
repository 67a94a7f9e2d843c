'use client';

import type { CokoError } from '@coko/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { cokoKeys } from '../query-keys';
import { useCoko } from '../use-coko';
import { invalidateCatalog } from './options';

/** Deletes a book (admins: `books:delete`; `coko.admin.books.delete`) and refetches the catalog queries. */
export function useDeleteBook() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<void, CokoError, string>({
    mutationFn: (id) => client.admin.books.delete(id),
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: cokoKeys.admin.book(id) });
      return invalidateCatalog(queryClient, 'books');
    },
  });
}
