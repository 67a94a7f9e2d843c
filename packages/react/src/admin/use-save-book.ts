'use client';

import type { AdminBook, AdminBookInput, CokoError } from '@coko/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { cokoKeys } from '../query-keys';
import { useCoko } from '../use-coko';
import { invalidateCatalog } from './options';

/** `{ input }` creates a draft; `{ id, input }` changes a book. */
export interface SaveBookVariables {
  id?: string;
  input: AdminBookInput;
}

/**
 * Creates or edits a book (`coko.admin.books.create` / `update`); the saved book is cached and the catalog
 * queries (editors' and readers') refetch.
 *
 * @example
 * ```tsx
 * const save = useSaveBook()
 * save.mutate({ id: book.id, input: { title, authorIds } })
 * ```
 */
export function useSaveBook() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<AdminBook, CokoError, SaveBookVariables>({
    mutationFn: ({ id, input }) =>
      id === undefined
        ? client.admin.books.create(input as AdminBookInput & { title: string })
        : client.admin.books.update(id, input),
    onSuccess: (book) => {
      queryClient.setQueryData(cokoKeys.admin.book(book.id), book);
      return invalidateCatalog(queryClient, 'books');
    },
  });
}
