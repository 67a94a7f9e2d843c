import type { MiddlewareHandler } from 'hono';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Drops response headers nobody reads, which every progress save paid for (docs/DECISIONS.md "Bytes per
 * save, second round"):
 *
 * - `server` on every answer: PostgREST's version (`postgrest/12.0.2`) is of use only to someone probing
 *   for a vulnerable one.
 * - On writes, `content-range` unless the client asked for a count (`Prefer: count=…`): PostgREST sends an
 *   unknown range (star slash star) on every write, and postgrest-js reads the header only to fill `count` when one was asked.
 * - On writes, `preference-applied` unless the client asked for `return=`, `count=` or `tx=`: the SDK's
 *   upserts ask only `resolution=merge-duplicates`, which PostgREST applies to every upsert (it refuses
 *   what it cannot apply), so echoing it tells the client nothing; no Supabase client reads it.
 *
 * Reads keep theirs: `content-range` is how a page says where it is, and reads are cached and ETagged.
 */
export function trimAnswerHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    headers.delete('server');
    if (READS.has(c.req.method)) return;
    const prefer = c.req.header('prefer') ?? '';
    if (!/\bcount=/.test(prefer)) headers.delete('content-range');
    if (!/\b(?:return|count|tx)=/.test(prefer)) headers.delete('preference-applied');
  };
}
