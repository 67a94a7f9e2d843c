import type { MiddlewareHandler } from 'hono';
import type { ClientIdentifier } from './client-ip.ts';
import { gatewayError } from './errors.ts';
import type { PartnerKeyResolver } from './partner-keys.ts';
import { isSearchPath } from './search-cache.ts';
import { tokenPartnerId } from './token-binding.ts';
import type { Access } from './upstream.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Who the request acts as upstream (set by {@link checkApiKey}). */
    access: Access;
  }
}

/** The project's API keys, as Supabase issues them (`sb_publishable_…`, `sb_secret_…`). */
export interface ProjectApiKeys {
  publishableKey: string;
  secretKey: string;
}

export interface CheckApiKeyOptions {
  keys: ProjectApiKeys;
  /** Accepts partners' publishable keys (`pk_…`) too, like the project's publishable key. */
  partnerKeys?: PartnerKeyResolver | undefined;
  /** The client's identity for throttling failed partner key checks. */
  client: ClientIdentifier;
}

/**
 * Supabase's gateway rule, plus partner keys: a user JWT in `Authorization` passes through; the API
 * key (from `apikey`, or `Authorization: Bearer sb_…|pk_…`) decides the role otherwise. Refused, in
 * the error format:
 * - no key, an unknown key, the secret key from a browser (a request with an Origin): 401;
 * - a partner key from an origin its partner did not allow: 403 `ORIGIN_NOT_ALLOWED`;
 * - a user token with a partner key when the token's `app_metadata.partner_id` is not that key's
 *   partner (another partner's user, or a Coko reader): 403 `PERMISSION_DENIED`;
 * - a partner user's token with the project's publishable key from a browser (an Origin): 403
 *   `PERMISSION_DENIED`; a partner's users go through their partner's key, whose origins are checked.
 *   Without an Origin (native apps, servers) the project key still works for them.
 */
export function checkApiKey(options: CheckApiKeyOptions): MiddlewareHandler {
  const { keys, partnerKeys } = options;
  return async (c, next) => {
    const authorization = c.req.header('authorization');
    const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const bearerIsKey = bearer?.startsWith('sb_') || bearer?.startsWith('pk_') || bearer?.startsWith('sk_');
    const apikey = c.req.header('apikey') ?? (bearerIsKey ? bearer : undefined);
    if (!apikey) {
      return gatewayError(
        c,
        'AUTHENTICATION_ERROR',
        'No API key found in request (send the publishable key in the apikey header).',
      );
    }
    const userToken = bearer && !bearerIsKey ? bearer : undefined;
    const origin = c.req.header('origin') ?? null;

    if (apikey.startsWith('pk_') && partnerKeys) {
      // User tokens are re-checked by the database on every request (partner suspension included), so
      // a positive answer may be reused for 30 s; anonymous requests only for 5 s. Searches too: the
      // search cache may answer them from memory, where no database sees the token.
      const rechecked = userToken !== undefined && !isSearchPath(new URL(c.req.url).pathname);
      const resolved = await partnerKeys.resolve(apikey, origin, rechecked ? 30_000 : 5_000, options.client(c));
      if (!('partnerId' in resolved)) {
        const retry = resolved.retryAfterSeconds;
        return gatewayError(c, resolved.code, resolved.message, {
          ...(retry ? { headers: { 'retry-after': String(retry) } } : {}),
        });
      }
      if (userToken) {
        const tokenPartner = tokenPartnerId(userToken);
        if (tokenPartner === undefined) return gatewayError(c, 'AUTHENTICATION_ERROR', 'Invalid user token.');
        if (tokenPartner !== resolved.partnerId) {
          return gatewayError(
            c,
            'PERMISSION_DENIED',
            "This user token does not belong to this publishable key's partner.",
          );
        }
      }
      c.set('access', { kind: 'anon', userToken, publishableKey: apikey, partnerId: resolved.partnerId });
      return next();
    }

    const isPublishable = apikey === keys.publishableKey;
    const isSecret = !isPublishable && apikey === keys.secretKey;
    if (!isPublishable && !isSecret) return gatewayError(c, 'AUTHENTICATION_ERROR', 'Invalid API key.');
    if (isSecret && origin !== null) {
      return gatewayError(c, 'AUTHENTICATION_ERROR', 'Secret API keys cannot be used from a browser.');
    }
    if (isPublishable && userToken && origin !== null && tokenPartnerId(userToken)) {
      return gatewayError(
        c,
        'PERMISSION_DENIED',
        "A partner's user must use the partner's publishable key (pk_…) from a browser, not the project's.",
      );
    }
    c.set('access', {
      kind: isSecret ? 'service' : 'anon',
      userToken,
      publishableKey: isPublishable ? apikey : undefined,
    });
    return next();
  };
}
