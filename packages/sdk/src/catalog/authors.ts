import { camel } from '../core/case';
import { type Page, toPage, toRange, totalPastEnd } from '../core/pagination';
import type { RequestOptions, Transport } from '../core/transport';
import { validate } from '../core/validate';
import { listAuthorsSchema } from './schemas';
import type { Author, ListAuthorsParams, Publisher } from './types';

/** Escapes LIKE wildcards so a search for `50%` matches literally. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of a table of names (authors, publishers), by name, with an optional name search. */
async function listByName<T>(
  t: Transport,
  table: 'authors' | 'publishers',
  columns: string,
  params: ListAuthorsParams = {},
  options?: RequestOptions,
): Promise<Page<T>> {
  const p = validate(listAuthorsSchema, params, 'params');
  let query = t.rest.from(table).select(columns, { count: 'exact' });
  if (p.search) query = query.ilike('name', `%${escapeLike(p.search)}%`);
  query = query
    .order('name', { ascending: true })
    .order('id', { ascending: true })
    .range(...toRange(p.page, p.limit));
  if (options?.signal) query = query.abortSignal(options.signal);
  try {
    const { data, count } = await query.throwOnError();
    return toPage((data as object[]).map(camel) as T[], p.page, p.limit, count ?? data.length);
  } catch (error) {
    const total = totalPastEnd(error);
    if (total === undefined) throw error;
    return toPage([], p.page, p.limit, total);
  }
}

/** Implementation of `catalog.authors()`. */
export const listAuthors = (
  t: Transport,
  params?: ListAuthorsParams,
  options?: RequestOptions,
): Promise<Page<Author>> => listByName(t, 'authors', 'id,name,slug,photo_path', params, options);

/** Implementation of `catalog.publishers()`. */
export const listPublishers = (
  t: Transport,
  params?: ListAuthorsParams,
  options?: RequestOptions,
): Promise<Page<Publisher>> => listByName(t, 'publishers', 'id,name,slug,description,website', params, options);
