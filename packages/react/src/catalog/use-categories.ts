'use client';

import type { Category } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { categoriesQueryOptions } from './options';

/**
 * Every category as a flat list with `parentId` (`coko.catalog.categories`), cached for an hour.
 * For a tree, use `useCategoryTree()` or `buildCategoryTree(data)`.
 *
 * @example
 * ```tsx
 * const { data: categories = [] } = useCategories()
 * ```
 */
export function useCategories(options?: CokoQueryOptions<Category[]>) {
  const client = useCoko();
  return useQuery({ ...categoriesQueryOptions(client), ...options });
}
