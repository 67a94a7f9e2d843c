/** Who a request to the data API acts as, once the gateway has checked its key. */
export interface Access {
  /** `anon` for publishable keys (the project's or a partner's), `service` for the secret key. */
  kind: 'anon' | 'service';
  /** The caller's own user JWT (`Authorization: Bearer …`), passed on as it is. */
  userToken?: string | undefined;
  /** The publishable key used (the project's `sb_publishable_…` or a partner's `pk_…`). */
  publishableKey?: string | undefined;
  /** The partner of a `pk_…` key. */
  partnerId?: string | undefined;
}

/** Where `/rest/v1` goes and how a checked request authenticates there. */
export interface RestUpstream {
  /** The URL `/rest/v1` stands for (no trailing slash). */
  url: string;
  /** The headers that make `access` upstream (`authorization`, `apikey`). */
  credentials(access: Access): Record<string, string>;
}

/**
 * PostgREST itself (the local stack, or a self-hosted PostgREST): the gateway swaps keys for the
 * long-lived anon / service_role JWTs as Supabase's gateway does. The publishable key used is passed
 * on as `apikey` (the database sees it in `request.headers`); the secret key never is.
 */
export function postgrestUpstream(options: { url: string; anonJwt: string; serviceRoleJwt: string }): RestUpstream {
  return {
    url: options.url.replace(/\/+$/, ''),
    credentials(access) {
      const jwt = access.kind === 'service' ? options.serviceRoleJwt : options.anonJwt;
      return {
        authorization: `Bearer ${access.userToken ?? jwt}`,
        ...(access.kind === 'anon' && access.publishableKey ? { apikey: access.publishableKey } : {}),
      };
    },
  };
}

/**
 * A Supabase project (production): its own gateway knows only the project's `sb_…` keys, so a checked
 * partner key goes on as the project's publishable key and the secret key as the project's secret key;
 * a user token is passed on in `Authorization`, as Supabase's gateway expects.
 */
export function supabaseUpstream(options: { url: string; publishableKey: string; secretKey: string }): RestUpstream {
  return {
    url: `${options.url.replace(/\/+$/, '')}/rest/v1`,
    credentials(access) {
      return {
        apikey: access.kind === 'service' ? options.secretKey : options.publishableKey,
        ...(access.userToken ? { authorization: `Bearer ${access.userToken}` } : {}),
      };
    },
  };
}
