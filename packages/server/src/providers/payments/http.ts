import type { z } from 'zod';
import {
  ProviderAuthenticationError,
  ProviderRejectedError,
  ProviderResponseError,
  ProviderUnavailableError,
} from './errors.ts';
import type { ProviderName } from './port.ts';

/** A provider that has not answered in this long is treated as down: the reader is waiting on checkout. */
export const PROVIDER_TIMEOUT_MS = 10_000;

export interface ProviderCall<Schema extends z.ZodType> {
  provider: ProviderName;
  fetch: typeof fetch;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A string is sent as is (form bodies); anything else as JSON. */
  body?: unknown;
  schema: Schema;
  timeoutMs?: number;
}

/** The provider's own error code from its usual error bodies (Wave, Stripe, PayPal, Orange, OAuth). */
function providerCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const nested =
    typeof record.error === 'object' && record.error !== null ? (record.error as Record<string, unknown>) : {};
  for (const candidate of [nested.code, record.code, record.name, record.error]) {
    if (typeof candidate === 'string' || typeof candidate === 'number') return String(candidate);
  }
  return undefined;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Calls a provider's HTTP API and validates the answer with `schema`. Failures become one error type per
 * kind: unreachable/timeout/429/5xx → {@link ProviderUnavailableError}, 401/403 →
 * {@link ProviderAuthenticationError}, other 4xx → {@link ProviderRejectedError}, an unexpected body →
 * {@link ProviderResponseError}.
 */
export async function callProvider<Schema extends z.ZodType>(call: ProviderCall<Schema>): Promise<z.output<Schema>> {
  const { provider } = call;
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  let body: string | undefined;
  if (typeof call.body === 'string') body = call.body;
  else if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await call.fetch(call.url, {
      method: call.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal: AbortSignal.timeout(call.timeoutMs ?? PROVIDER_TIMEOUT_MS),
    });
  } catch (cause) {
    throw new ProviderUnavailableError(provider, `${provider} could not be reached`, { cause });
  }
  const json = await readJson(response);
  if (!response.ok) {
    const details = { httpStatus: response.status, providerCode: providerCode(json) };
    const message = `${provider} answered ${response.status}${details.providerCode ? ` (${details.providerCode})` : ''}`;
    if (response.status === 401 || response.status === 403)
      throw new ProviderAuthenticationError(provider, message, details);
    if (response.status === 429 || response.status >= 500)
      throw new ProviderUnavailableError(provider, message, details);
    throw new ProviderRejectedError(provider, message, details);
  }
  const parsed = call.schema.safeParse(json);
  if (!parsed.success) {
    throw new ProviderResponseError(provider, `${provider} answered with an unexpected body`, {
      httpStatus: response.status,
      cause: parsed.error,
    });
  }
  return parsed.data;
}
