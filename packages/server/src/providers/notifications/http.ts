import { ChannelUnavailableError, PermanentSendError } from './port.ts';

/** A provider that has not answered in this long is treated as down; the job retries later. */
export const CHANNEL_TIMEOUT_MS = 10_000;

export interface ChannelRequest {
  provider: string;
  fetch: typeof fetch;
  url: string;
  headers: Record<string, string>;
  /** A string is sent as is (form bodies); anything else as JSON. */
  body: unknown;
  timeoutMs?: number;
}

export interface ChannelResponse {
  status: number;
  ok: boolean;
  headers: Headers;
  /** The parsed JSON body, or undefined (empty, or not JSON: Africa's Talking answers errors in plain text). */
  json: unknown;
  text: string;
}

/** POSTs to a provider. Unreachable or timed out → {@link ChannelUnavailableError}; every answer is returned. */
export async function postToProvider(request: ChannelRequest): Promise<ChannelResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string;
  if (typeof request.body === 'string') body = request.body;
  else {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  let text: string;
  try {
    response = await request.fetch(request.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(request.timeoutMs ?? CHANNEL_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (cause) {
    throw new ChannelUnavailableError(request.provider, `${request.provider} could not be reached`, { cause });
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, ok: response.ok, headers: response.headers, json, text };
}

/**
 * The default reading of an HTTP failure: 408/429/5xx, refused credentials (401/403) and an unknown account
 * or project (404: a wrong SID or project id in the configuration) are transient — the operator fixes the
 * variable and the retries go through; any other 4xx is the request itself refused, and the same request
 * will be refused again.
 */
export function httpFailure(provider: string, response: ChannelResponse, providerCode?: string): Error {
  const details = { provider, status: response.status, providerCode };
  const message = `${provider} answered ${response.status}${providerCode ? ` (${providerCode})` : ''}`;
  const { status } = response;
  if ([401, 403, 404, 408, 429].includes(status) || status >= 500) {
    return new ChannelUnavailableError(provider, message, details);
  }
  return new PermanentSendError('rejected', message, details);
}
