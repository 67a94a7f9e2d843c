// Authors, publishers and categories as editors write them: three small tables with the same shape (a
// name, a unique slug derived from it when omitted, a few text columns), hence one implementation driven by
// a column map. Functions take the editor's transaction (see context.ts).
import type { Queryable } from '../db/pool.ts';
import { notFound } from './context.ts';
import { likeLiteral, type Page, type PageRequest, pageOf } from './pagination.ts';

export interface EntitySpec {
  table: 'authors' | 'publishers' | 'categories';
  /** Singular, for messages ("Author not found"). */
  label: string;
  /** camelCase field → column, besides id, name, slug and the timestamps. */
  fields: Record<string, string>;
  /** Listed order. */
  orderBy: string;
}

export const AUTHORS: EntitySpec = {
  table: 'authors',
  label: 'Author',
  fields: { biography: 'biography', photoPath: 'photo_path' },
  orderBy: 'name',
};
export const PUBLISHERS: EntitySpec = {
  table: 'publishers',
  label: 'Publisher',
  fields: { description: 'description', website: 'website' },
  orderBy: 'name',
};
export const CATEGORIES: EntitySpec = {
  table: 'categories',
  label: 'Category',
  fields: { parentId: 'parent_id', description: 'description', position: 'position' },
  orderBy: 'position',
};

type Row = Record<string, unknown> & { id: string; created_at: Date };

const columnsOf = (spec: EntitySpec) => ['name', 'slug', ...Object.values(spec.fields)];

function json(spec: EntitySpec, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = { id: row.id, name: row.name, slug: row.slug };
  for (const [field, column] of Object.entries(spec.fields)) out[field] = row[column];
  out.createdAt = (row.created_at as Date).toISOString();
  out.updatedAt = (row.updated_at as Date).toISOString();
  return out;
}

const select = (spec: EntitySpec) =>
  `select id, ${columnsOf(spec).join(', ')}, created_at, updated_at from public.${spec.table}`;

/** camelCase input → [column, value] pairs of the fields present. */
function pairs(spec: EntitySpec, input: Record<string, unknown>): [string, unknown][] {
  const map: Record<string, string> = { name: 'name', slug: 'slug', ...spec.fields };
  return Object.entries(map)
    .filter(([field]) => input[field] !== undefined)
    .map(([field, column]) => [column, input[field]]);
}

export async function getEntity(tx: Queryable, spec: EntitySpec, id: string): Promise<Record<string, unknown>> {
  const { rows } = await tx.query(`${select(spec)} where id = $1`, [id]);
  if (!rows[0]) throw notFound(spec.label, id);
  return json(spec, rows[0] as Row);
}

/**
 * A page of rows, newest first (keyset), optionally filtered by name (accent- and case-insensitive
 * substring) and, for categories, by parent (`null`: top level).
 */
export async function listEntities(
  tx: Queryable,
  spec: EntitySpec,
  filter: { q?: string | undefined; parentId?: string | null | undefined },
  page: PageRequest,
): Promise<Page<Record<string, unknown>>> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.q) {
    values.push(likeLiteral(filter.q));
    where.push(`private.search_text(name) like '%' || private.search_text($${values.length}) || '%'`);
  }
  if (filter.parentId === null) where.push('parent_id is null');
  else if (filter.parentId) {
    values.push(filter.parentId);
    where.push(`parent_id = $${values.length}`);
  }
  if (page.after) {
    values.push(page.after.createdAt, page.after.id);
    where.push(`(created_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(page.limit + 1);
  const { rows } = await tx.query(
    `${select(spec)} ${where.length ? `where ${where.join(' and ')}` : ''}
     order by created_at desc, id desc limit $${values.length}`,
    values,
  );
  return pageOf(rows as Row[], page.limit, (row) => json(spec, row));
}

export async function createEntity(
  tx: Queryable,
  spec: EntitySpec,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const set = pairs(spec, input);
  const { rows } = await tx.query(
    `insert into public.${spec.table} (${set.map(([column]) => column).join(', ')})
     values (${set.map((_, i) => `$${i + 1}`).join(', ')}) returning id`,
    set.map(([, value]) => value),
  );
  return getEntity(tx, spec, (rows[0] as { id: string }).id);
}

export async function updateEntity(
  tx: Queryable,
  spec: EntitySpec,
  id: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const set = pairs(spec, input);
  const { rows } = await tx.query(
    set.length
      ? `update public.${spec.table} set ${set.map(([column], i) => `${column} = $${i + 2}`).join(', ')} where id = $1 returning id`
      : `select 1 from public.${spec.table} where id = $1`,
    [id, ...set.map(([, value]) => value)],
  );
  if (rows.length === 0) throw notFound(spec.label, id);
  return getEntity(tx, spec, id);
}

export async function deleteEntity(tx: Queryable, spec: EntitySpec, id: string): Promise<void> {
  const { rows } = await tx.query(`delete from public.${spec.table} where id = $1 returning id`, [id]);
  if (rows.length === 0) throw notFound(spec.label, id);
}
