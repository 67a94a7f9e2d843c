'use client';

import type { AdminCategoryListParams } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import { useCoko } from '../use-coko';
import { type AdminResourceName, adminListQueryOptions } from './options';

/**
 * A page of authors, publishers or categories for an editor's screen (`coko.admin.<resource>.list`).
 *
 * @example
 * ```tsx
 * const { data } = useAdminList('categories', { parentId: 'root' })
 * ```
 */
export function useAdminList<R extends AdminResourceName>(resource: R, params: AdminCategoryListParams = {}) {
  const client = useCoko();
  return useQuery(adminListQueryOptions(client, resource, params));
}
