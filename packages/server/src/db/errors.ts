import { codeForPostgrestError } from '../errors/codes.ts';

/** Node socket error codes that mean "the database cannot be reached right now". */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Messages node-postgres and pg-pool throw without a code when a connection dies or never comes:
 * the server went away mid-query, the pool's `connectionTimeoutMillis` ran out, a client broken by
 * an earlier connection error is reused.
 */
const CONNECTION_MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i,
];

/**
 * True when `error` says the database is unreachable or going away (not that the query was wrong):
 * a socket error (ECONNREFUSED, ECONNRESET…), a pool connect timeout, a connection terminated
 * mid-query, or a SQLSTATE of class 08 (connection exception), 57P01–57P03 (admin/crash shutdown,
 * cannot connect now) or 53300 (too many connections). Follows `cause` and `AggregateError.errors`
 * (Node reports ECONNREFUSED for each address of `localhost` as one AggregateError).
 *
 * The API answers such errors 503 SERVICE_UNAVAILABLE instead of 500: the request may be retried.
 *
 * @example
 * ```ts
 * isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })) // true
 * isDatabaseUnavailable(Object.assign(new Error('syntax error'), { code: '42601' })) // false
 * ```
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (CONNECTION_ERRNOS.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      if (code === '57P02') return true; // crash_shutdown: another backend crashed, the server restarts
      if (codeForPostgrestError(code, 500) === 'SERVICE_UNAVAILABLE') return true;
    }
  }
  if (typeof message === 'string' && CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return cause !== undefined && isDatabaseUnavailable(cause, depth + 1);
}
