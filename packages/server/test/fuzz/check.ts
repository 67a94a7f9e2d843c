// What a response to bad input must look like, per layer.
import { codeForPostgrestError, ERROR_STATUS, isErrorCode } from '../../src/errors/codes.ts';

/** Where a response came from: Coko's own layers (gateway, API) or PostgREST behind the gateway. */
export type Layer = 'api' | 'gateway' | 'rest';

export interface Outcome {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
  method: string;
}

/** A sane request id: what the gateway and the API may echo (issue 8: no unvalidated echo). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Why `outcome` breaks the rules, or undefined when it is fine: never 5xx; a 4xx body in Coko's error format
 * `{ error: { code, message, details?, id } }` with a code of the vocabulary and its status (gateway and API), or
 * PostgREST's `{ code, message, details, hint }` for errors PostgREST itself answers under /rest/v1.
 */
export function problemOf(layer: Layer, outcome: Outcome): string | undefined {
  const { status, headers, body } = outcome;
  const requestId = headers['x-request-id'];
  if (requestId !== undefined && !SANE_REQUEST_ID.test(requestId)) return 'x-request-id echoed unvalidated';
  if (status === 503 && isProbeAnswer(body)) return undefined;
  if (status >= 500) return `status ${status}`;
  if (status < 400) return undefined;
  if (outcome.method === 'HEAD') return undefined;
  if (body === '') return `status ${status} with an empty body`;
  if (!(headers['content-type'] ?? '').includes('json'))
    return `status ${status} not JSON (${headers['content-type']})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `status ${status} with a body that is not JSON`;
  }
  if (!isObject(parsed)) return `status ${status} with a JSON body that is not an object`;
  if (layer === 'rest' && !('error' in parsed)) return postgrestProblem(parsed, status);
  return cokoProblem(parsed, status, requestId);
}

function cokoProblem(body: Record<string, unknown>, status: number, requestId: string | undefined): string | undefined {
  const error = body.error;
  if (!isObject(error)) return 'not the error format (no error object)';
  if (typeof error.code !== 'string') return 'not the error format (no code)';
  if (!isErrorCode(error.code)) return `code ${error.code} is not in error-codes.ts`;
  if (ERROR_STATUS[error.code] !== status) return `code ${error.code} sent with status ${status}`;
  if (typeof error.message !== 'string' || error.message === '') return 'not the error format (no message)';
  if (typeof error.id !== 'string' || error.id === '') return 'not the error format (no id)';
  if (error.details !== undefined && !isObject(error.details)) return 'details is not an object';
  const extra = Object.keys(error).filter((key) => !['code', 'message', 'details', 'id'].includes(key));
  if (extra.length > 0) return `unexpected error fields: ${extra.join(', ')}`;
  if (requestId !== undefined && requestId !== error.id) return 'error id differs from x-request-id';
  return undefined;
}

/**
 * `/health` and `/ready` answer 503 with their own documented body (`degraded`, `not_ready`) when a check times out,
 * which a loaded machine can cause at any moment: that is the probe's verdict on the stack, not a fault of the input.
 */
function isProbeAnswer(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { status?: unknown; checks?: unknown };
    return (parsed.status === 'degraded' || parsed.status === 'not_ready') && isObject(parsed.checks);
  } catch {
    return false;
  }
}

/**
 * PostgREST's own errors pass the gateway unchanged (docs/DECISIONS.md: "/rest/v1 errors stay PostgREST's"), so they
 * are checked against PostgREST's shape, and the SDK's mapping must give them a client-error code of the vocabulary.
 */
function postgrestProblem(body: Record<string, unknown>, status: number): string | undefined {
  if (typeof body.code !== 'string' || typeof body.message !== 'string') {
    return 'not PostgREST error format ({ code, message, details, hint })';
  }
  if (!('details' in body) || !('hint' in body)) return 'PostgREST error without details/hint';
  const code = codeForPostgrestError(body.code, status);
  if (ERROR_STATUS[code] >= 500) return `PostgREST error ${body.code} maps to ${code}`;
  return undefined;
}

/** The PostgREST error behind a /rest/v1 4xx (status and code), or undefined when Coko's own layers answered. */
export function postgrestErrorOf(outcome: Outcome): string | undefined {
  if (outcome.status < 400 || outcome.method === 'HEAD') return undefined;
  try {
    const parsed = JSON.parse(outcome.body) as unknown;
    if (!isObject(parsed) || 'error' in parsed || typeof parsed.code !== 'string') return undefined;
    return `${outcome.status} ${parsed.code}`;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
