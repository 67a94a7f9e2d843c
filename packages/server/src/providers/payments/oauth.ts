import { z } from 'zod';
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

/**
 * OAuth 2 client-credentials tokens (Orange Money, PayPal): Basic auth on the token endpoint, then a
 * bearer token, cached until shortly before it expires. Concurrent callers share one request.
 */
export function clientCredentialsToken(options: ClientCredentials): () => Promise<string> {
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

  return () => {
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
  };
}
