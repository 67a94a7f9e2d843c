// Google's OAuth 2.0 for service accounts (https://developers.google.com/identity/protocols/oauth2/service-account
// "Preparing to make an authorized API call"): a JWT signed RS256 with the account's private key, exchanged at
// `token_uri` for a bearer token that lives an hour. WebCrypto only, so it runs on Deno too.
import { httpFailure, postToProvider } from './http.ts';
import { ChannelUnavailableError } from './port.ts';

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** The fields of a service-account key file (`FCM_SERVICE_ACCOUNT`) Coko uses. */
export interface ServiceAccount {
  project_id: string;
  client_email: string;
  /** PKCS #8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

/** Renew this long before expiry, so a token never expires in flight. */
const RENEW_MARGIN_MS = 60_000;
/** Google's maximum assertion lifetime. */
const ASSERTION_SECONDS = 3600;

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  const base64 = pem
    .replace(/\\n/g, '\n')
    .replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '')
    .replace(/\s+/g, '');
  const binary = atob(base64);
  const der = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
  return der;
}

/** The signed JWT assertion (RS256) for `account`, issued at `now`. */
export async function serviceAccountAssertion(account: ServiceAccount, scope: string, now: Date): Promise<string> {
  const key = await crypto.subtle.importKey(
    'pkcs8',
    pemToDer(account.private_key),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const iat = Math.floor(now.getTime() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(account.private_key_id ? { kid: account.private_key_id } : {}) };
  const claims = {
    iss: account.client_email,
    scope,
    aud: account.token_uri ?? GOOGLE_TOKEN_URL,
    iat,
    exp: iat + ASSERTION_SECONDS,
  };
  const encoder = new TextEncoder();
  const input = `${base64url(encoder.encode(JSON.stringify(header)))}.${base64url(encoder.encode(JSON.stringify(claims)))}`;
  const signature = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, encoder.encode(input)));
  return `${input}.${base64url(signature)}`;
}

export interface TokenSourceOptions {
  account: ServiceAccount;
  scope: string;
  fetch: typeof fetch;
  now: () => Date;
}

export interface TokenSource {
  /** A bearer token, cached until shortly before it expires; concurrent callers share one request. */
  token(): Promise<string>;
  /** Forgets `token` (the API refused it: revoked key) so the next call fetches a new one. */
  invalidate(token: string): void;
}

/** Bearer tokens for a service account. A failed token request is not cached. */
export function serviceAccountTokens(options: TokenSourceOptions): TokenSource {
  const provider = 'fcm';
  let cached: { token: Promise<string>; expiresAt: number; value?: string } | undefined;

  async function request(): Promise<{ token: string; expiresAt: number }> {
    const issuedAt = options.now();
    const assertion = await serviceAccountAssertion(options.account, options.scope, issuedAt);
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    const response = await postToProvider({
      provider,
      fetch: options.fetch,
      url: options.account.token_uri ?? GOOGLE_TOKEN_URL,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const body = response.json as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (!response.ok) {
      // A refused service account (invalid_grant: deleted key, wrong clock) is the operator's to fix: retry later.
      throw new ChannelUnavailableError(provider, `Google refused the service account (${response.status})`, {
        provider,
        status: response.status,
        providerCode: (response.json as { error?: string } | undefined)?.error,
      });
    }
    const expiresIn = Number(body?.expires_in);
    if (typeof body?.access_token !== 'string' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw httpFailure(provider, { ...response, status: 502 });
    }
    return { token: body.access_token, expiresAt: issuedAt.getTime() + expiresIn * 1000 - RENEW_MARGIN_MS };
  }

  return {
    token() {
      if (cached && cached.expiresAt > options.now().getTime()) return cached.token;
      // Until it resolves, concurrent callers share this request (expiry +∞).
      const entry: NonNullable<typeof cached> = { token: Promise.resolve(''), expiresAt: Number.POSITIVE_INFINITY };
      entry.token = request().then(
        (result) => {
          entry.expiresAt = result.expiresAt;
          entry.value = result.token;
          return result.token;
        },
        (error: unknown) => {
          if (cached === entry) cached = undefined;
          throw error;
        },
      );
      cached = entry;
      return entry.token;
    },
    invalidate(token) {
      if (cached?.value === token) cached = undefined;
    },
  };
}
