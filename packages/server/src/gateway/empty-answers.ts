import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';

/**
 * A fetch handler with what `@hono/node-server` passes as its second argument: node:http's request
 * (`env.incoming`, from which the gateway reads request bodies without WHATWG streams — a wrapper must
 * pass it on) and response (`env.outgoing`).
 */
export type NodeFetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

/**
 * `fetch`, with answers that have no body and no `content-type` (a progress save's `201`, a `304`, a
 * HEAD's answer) written to Node's response directly. `@hono/node-server` gives every answer without a
 * `content-type` one (`text/plain; charset=UTF-8`, 41 B): wrong for an empty answer, and paid by every
 * save. Answers with a body take the adapter's path as before. On other runtimes (Deno) the adapter
 * adds nothing and `env` carries no `outgoing`, so the answer is returned as is.
 */
export function writeEmptyAnswersBare(fetch: NodeFetch): NodeFetch {
  return async (request, env) => {
    const response = await fetch(request, env);
    const outgoing = env?.outgoing;
    // `content-type` first: asking a lightweight answer for its `body` builds the whole undici Response
    // (a ReadableStream and more, ~20 µs) that @hono/node-server otherwise never needs.
    if (!outgoing || response.headers.has('content-type') || response.body !== null) return response;
    const head: Record<string, string | string[]> = {};
    for (const [name, value] of response.headers) if (name !== 'set-cookie') head[name] = value;
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) head['set-cookie'] = cookies;
    outgoing.writeHead(response.status, head);
    outgoing.end();
    return RESPONSE_ALREADY_SENT;
  };
}
