import type { MiddlewareHandler } from 'hono';
import { gatewayError } from './errors.ts';

/** Header values as PostgREST reads them: visible ASCII and tabs. */
const ASCII_VALUE = /^[\t\x20-\x7e]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Refuses, with 400, what PostgREST would answer with a plain-text 500: a path or query string whose
 * percent-escapes are not UTF-8 (`%FF`, overlong `%C0%AF`), and header values outside ASCII. Cookies are
 * left alone: PostgREST does not read them and browsers may send anything there.
 */
export function refuseUndecodable(): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
      decodeURIComponent(url.search.replaceAll('+', ' '));
    } catch {
      return gatewayError(c, 'VALIDATION_ERROR', 'The path or query string is not valid percent-encoded UTF-8.');
    }
    // No table or function name holds a control character; PostgREST answers `{}` to a NUL.
    if (CONTROL.test(path)) return gatewayError(c, 'VALIDATION_ERROR', 'The path holds a control character.');
    for (const [name, value] of c.req.raw.headers) {
      if (name !== 'cookie' && !ASCII_VALUE.test(value)) {
        return gatewayError(c, 'VALIDATION_ERROR', `The ${name} header must be ASCII.`, { details: { header: name } });
      }
    }
    await next();
  };
}
