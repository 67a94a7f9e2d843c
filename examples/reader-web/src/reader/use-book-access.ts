import { useCoko } from '@coko/react';
import { useQuery } from '@tanstack/react-query';

/** What `GET /v1/books/{id}/access` answers (docs/CONTRACT-payments.md §3). */
export interface Access {
  bookId: string;
  right: 'free' | 'purchase' | 'subscription';
  format: 'epub' | 'pdf';
  expiresAt: string;
  file: { url: string; size: number; etag: string; contentType: string };
  manifest: { url: string } | null;
  cover: { small: string; large: string } | null;
}

/** TEMPORARY until @coko/sdk's `payments.access` lands (branch sdk-pay). */
export function useBookAccess(bookId: string, accessToken: () => Promise<string | null>) {
  useCoko();
  return useQuery<Access, Error & { code?: string }>({
    queryKey: ['coko', 'payments', 'access', bookId],
    queryFn: async ({ signal }) => {
      const token = await accessToken();
      const response = await fetch(`${import.meta.env.VITE_COKO_URL}/functions/v1/api/v1/books/${bookId}/access`, {
        signal,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      const body = await response.json();
      if (!response.ok) throw Object.assign(new Error(body.error?.message), { code: body.error?.code });
      return body as Access;
    },
    retry: false,
  });
}
