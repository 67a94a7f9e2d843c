import { z } from 'zod';
import { isPaymentProviderError } from './errors.ts';
import { callProvider } from './http.ts';
import type { ProviderName } from './port.ts';

const TokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });

/** Renew this long before the provider's expiry, so a token never expires in flight. */
const RENEW_MARGIN_MS = 60_000;

export interface ClientCredentials {
  provider: ProviderName;
  fetch: typeof fetch;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  now: () => Date;
}

/** Runs `call` with a bearer token. */
export type WithAccessToken = <T>(call: (bearer: string) => Promise<T>) => Promise<T>;

/**
 * OAuth 2 client-credentials tokens (Orange Money, PayPal): Basic auth on the token endpoint, then a
 * bearer token, cached until shortly before it expires. Concurrent callers share one request. A call the
 * provider refuses with 401/403 is retried once with a new token: a token can be revoked before it
 * expires (credentials rotated in the provider's portal).
 */
export function clientCredentialsToken(options: ClientCredentials): WithAccessToken {
  let cached: { token: Promise<string>; expiresAt: number } | undefined;
  const basic = btoa(`${options.clientId}:${options.clientSecret}`);

  async function request(): Promise<{ token: string; expiresAt: number }> {
    const issuedAt = options.now().getTime();
    const answer = await callProvider({
      provider: options.provider,
      fetch: options.fetch,
      url: options.tokenUrl,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      schema: TokenResponse,
    });
    return { token: answer.access_token, expiresAt: issuedAt + answer.expires_in * 1000 - RENEW_MARGIN_MS };
  }

  function token(): Promise<string> {
    if (cached && cached.expiresAt > options.now().getTime()) return cached.token;
    // Until it resolves, concurrent callers share this request (expiry +∞); a failure is not cached.
    const entry = { token: Promise.resolve(''), expiresAt: Number.POSITIVE_INFINITY };
    entry.token = request().then(
      (result) => {
        entry.expiresAt = result.expiresAt;
        return result.token;
      },
      (error: unknown) => {
        if (cached === entry) cached = undefined;
        throw error;
      },
    );
    cached = entry;
    return entry.token;
  }

  return async (call) => {
    const bearer = await token();
    try {
      return await call(bearer);
    } catch (error) {
      if (!(isPaymentProviderError(error) && error.name === 'ProviderAuthenticationError')) throw error;
      const current = cached;
      if (current && (await current.token) === bearer && cached === current) cached = undefined;
      return call(await token());
    }
  };
}
