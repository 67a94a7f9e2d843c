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
    const drop = ['server'];
    if (!READS.has(c.req.method)) {
      const prefer = c.req.header('prefer') ?? '';
      if (!/\bcount=/.test(prefer)) drop.push('content-range');
      if (!/\b(?:return|count|tx)=/.test(prefer)) drop.push('preference-applied');
    }
    const present = drop.filter((name) => c.res.headers.has(name));
    if (present.length === 0) return;
    // A response straight from fetch() has immutable headers: copied first (the gateway's own are not).
    try {
      for (const name of present) c.res.headers.delete(name);
    } catch {
      const copy = new Response(c.res.body, c.res);
      for (const name of present) copy.headers.delete(name);
      // Hono merges the previous answer's headers into a new `c.res`: cleared first, so none come back.
      c.res = undefined;
      c.res = copy;
    }
  };
}
