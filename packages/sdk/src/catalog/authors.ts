import { type Page, toPage, toRange, totalPastEnd } from '../core/pagination';
import type { RequestOptions, Transport } from '../core/transport';
import { validate } from '../core/validate';
import { listAuthorsSchema } from './schemas';
import type { Author, ListAuthorsParams } from './types';

/** Escapes LIKE wildcards so a search for `50%` matches literally. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Implementation of `catalog.authors()`. */
export async function listAuthors(
  t: Transport,
  params: ListAuthorsParams = {},
  options?: RequestOptions,
): Promise<Page<Author>> {
  const p = validate(listAuthorsSchema, params, 'params');
  let query = t.rest.from('authors').select('id,name,slug,photo_path', { count: 'exact' });
  if (p.search) query = query.ilike('name', `%${escapeLike(p.search)}%`);
  query = query
    .order('name', { ascending: true })
    .order('id', { ascending: true })
    .range(...toRange(p.page, p.limit));
  if (options?.signal) query = query.abortSignal(options.signal);
  try {
    const { data, count } = await query.throwOnError();
    return toPage(data, p.page, p.limit, count ?? data.length);
  } catch (error) {
    const total = totalPastEnd(error);
    if (total === undefined) throw error;
    return toPage([], p.page, p.limit, total);
  }
}
