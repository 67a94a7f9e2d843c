'use client';

import { buildCategoryTree } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import { useCoko } from '../use-coko';
import { categoriesQueryOptions } from './options';

/**
 * The categories as a tree (`children` nested), from the same cache entry as `useCategories()`.
 *
 * @example
 * ```tsx
 * const { data: tree = [] } = useCategoryTree()
 * return <Menu items={tree} />
 * ```
 */
export function useCategoryTree() {
  const client = useCoko();
  return useQuery({ ...categoriesQueryOptions(client), select: buildCategoryTree });
}
