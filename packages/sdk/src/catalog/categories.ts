import { camel } from '../core/case';
import type { RequestOptions, Transport } from '../core/transport';
import type { Category, CategoryNode } from './types';

/** Implementation of `catalog.categories()`: every category, parents before position/name order. */
export async function listCategories(t: Transport, options?: RequestOptions): Promise<Category[]> {
  let query = t.rest
    .from('categories')
    .select('id,parent_id,name,slug,description,position')
    .order('position', { ascending: true })
    .order('name', { ascending: true });
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.throwOnError();
  return data.map(camel);
}

/**
 * Turns the flat list from `catalog.categories()` into a tree (roots first, children nested),
 * keeping the input order among siblings. Categories whose parent is missing become roots.
 * Pure: safe to call in render or in a `select` of TanStack Query.
 *
 * @example
 * ```ts
 * import { buildCategoryTree } from '@coko/sdk'
 *
 * const tree = buildCategoryTree(await coko.catalog.categories())
 * tree[0]?.children.map((child) => child.name)
 * ```
 */
export function buildCategoryTree(categories: readonly Category[]): CategoryNode[] {
  const nodes = new Map<string, CategoryNode>();
  for (const category of categories) nodes.set(category.id, { ...category, children: [] });
  const roots: CategoryNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    // A self-parent would create a cycle; treat it as a root.
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
