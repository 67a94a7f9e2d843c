import type { RestUpstream } from './upstream.ts';

/**
 * The catalog's tables: public, changed by staff and jobs, never by the reader who reads them, so
 * a replica's lag (usually well under a second) shows a new book a moment late and nothing worse.
 */
export const CATALOG_TABLES: readonly string[] = [
  'books',
  'authors',
  'book_authors',
  'categories',
  'book_categories',
  'publishers',
];
/** Catalog functions that only read (`stable`); the SDK calls them with POST. */
export const CATALOG_READ_RPCS: readonly string[] = ['search_books'];

/** Where `/rest/v1` requests a read replica may answer go instead of the primary. */
export interface ReadReplicaRouting {
  /** The replica's PostgREST (or a Supabase read replica's API URL). */
  rest: RestUpstream;
  /** True when `request` (to `/rest/v1/…`) may be answered by the replica. */
  serves(request: Request): boolean;
}

// `name(`, `alias:name(` or `name!hint(` in `select`: an embedded resource (or an aggregate such as
// `count()`, which is then treated like one: anything unknown stays on the primary).
const EMBEDDED = /([A-Za-z_][\w]*)(?:![\w]+)?\s*\(/g;

/**
 * Sends catalog reads to a read replica: GET and HEAD of the catalog's tables whose `select` embeds
 * only catalog tables, and the read-only catalog RPCs. Everything else (a reader's progress,
 * annotations, orders, every write) stays on the primary, so a reader always reads their own writes.
 *
 * @example
 * ```ts
 * createGateway({ rest: primary, readReplica: catalogReadsOn(postgrestUpstream({ url: replicaUrl, … })), … })
 * ```
 */
export function catalogReadsOn(rest: RestUpstream): ReadReplicaRouting {
  const tables = new Set(CATALOG_TABLES);
  const rpcs = new Set(CATALOG_READ_RPCS.map((name) => `rpc/${name}`));
  return {
    rest,
    serves(request) {
      const url = new URL(request.url);
      const resource = url.pathname.slice('/rest/v1/'.length).replace(/\/+$/, '');
      if (rpcs.has(resource)) return ['GET', 'HEAD', 'POST'].includes(request.method);
      if (!tables.has(resource) || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
      const select = url.searchParams.getAll('select').join(',');
      return [...select.matchAll(EMBEDDED)].every(([, name]) => tables.has(name as string));
    },
  };
}
