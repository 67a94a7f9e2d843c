'use client';

import type { AdminBook, CokoError } from '@coko/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { cokoKeys } from '../query-keys';
import { useCoko } from '../use-coko';
import { invalidateCatalog } from './options';

/**
 * Publishes (`published: true`) or unpublishes a book (`coko.admin.books.publish` / `unpublish`). A book
 * without a file fails with a `ValidationError` (status 422, `details.reason` `NO_FILE`).
 *
 * @example
 * ```tsx
 * const publish = usePublishBook()
 * publish.mutate({ id: book.id, published: true })
 * ```
 */
export function usePublishBook() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<AdminBook, CokoError, { id: string; published: boolean }>({
    mutationFn: ({ id, published }) => (published ? client.admin.books.publish(id) : client.admin.books.unpublish(id)),
    onSuccess: (book) => {
      queryClient.setQueryData(cokoKeys.admin.book(book.id), book);
      return invalidateCatalog(queryClient, 'books');
    },
  });
}
