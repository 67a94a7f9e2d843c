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
 * - On writes, `access-control-expose-headers` names only the headers the answer has (and `x-request-id`,
 *   which the request-id middleware adds after this one): a browser's save no longer lists ten headers it
 *   does not carry. Not on reads: a 304's headers replace the cached answer's, and a 304 carries fewer.
 *
 * Reads keep theirs: `content-range` is how a page says where it is, and reads are cached and ETagged.
 */
export function trimAnswerHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const drop = ['server'];
    let exposed: string | undefined;
    if (!READS.has(c.req.method)) {
      const prefer = c.req.header('prefer') ?? '';
      if (!/\bcount=/.test(prefer)) drop.push('content-range');
      if (!/\b(?:return|count|tx)=/.test(prefer)) drop.push('preference-applied');
      exposed = c.res.headers.get('access-control-expose-headers') ?? undefined;
    }
    const present = drop.filter((name) => c.res.headers.has(name));
    const expose = exposed === undefined ? undefined : exposedPresent(exposed, c.res.headers, present);
    if (present.length === 0 && expose === exposed) return;
    const edit = (headers: Headers) => {
      for (const name of present) headers.delete(name);
      if (expose !== exposed)
        expose ? headers.set('access-control-expose-headers', expose) : headers.delete('access-control-expose-headers');
    };
    // A response straight from fetch() has immutable headers: copied first (the gateway's own are not).
    try {
      edit(c.res.headers);
    } catch {
      const copy = new Response(c.res.body, c.res);
      edit(copy.headers);
      // Hono merges the previous answer's headers into a new `c.res`: cleared first, so none come back.
      c.res = undefined;
      c.res = copy;
    }
  };
}

/** The exposed names the answer has (`x-request-id` always: it is set after this runs), once dropped ones are gone. */
function exposedPresent(exposed: string, headers: Headers, dropped: string[]): string {
  return exposed
    .split(',')
    .filter((name) => name === 'x-request-id' || (headers.has(name) && !dropped.includes(name)))
    .join(',');
}
