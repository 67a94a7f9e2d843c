import * as z from 'zod/mini';
import { ValidationError } from '../core/errors';
export {
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookEvent,
  type WebhookVerificationFailure,
  WebhookVerificationError,
} from './webhooks';
import { createSession } from '../core/session';
import { type ApiRequestOptions, apiCall, createSend, type HttpOptions } from '../core/transport';
import { validate } from '../core/validate';
import type { Order } from '../payments/types';

// The error classes, so a backend needs only this entry.
export {
  AuthenticationError,
  CokoError,
  type CokoErrorCode,
  ConflictError,
  isCokoError,
  NetworkError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  ValidationError,
} from '../core/errors';

/** Options of `createCokoServer()`. */
export interface CokoServerOptions extends HttpOptions {
  /** Base URL of the Coko project (the API is reached at `${url}/functions/v1/api`). */
  url: string;
  /** Your partner secret key (`sk_…`). Server-side only: Coko refuses it from browsers. */
  secretKey: string;
}

/** A user of yours for whom to open a Coko session (`POST /v1/sessions`). */
export interface SessionCreateParams {
  /** Your id for the user (opaque to Coko; 1–255 characters). */
  externalUserId: string;
  email?: string;
  /** E.164, e.g. `+221771234567`. */
  phone?: string;
  /** Display name (1–100 characters). */
  name?: string;
  /** ISO 3166-1 alpha-2; new users default to your partner country. */
  country?: string;
  /** ISO 639-1 with an optional region (`fr`, `fr-SN`); new users default to your partner language. */
  language?: string;
}

/** The Coko user a session belongs to. */
export interface SessionUser {
  id: string;
  externalUserId: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  country: string | null;
  language: string | null;
  partnerId: string;
}

/** A short-lived session: hand `accessToken` to your front end (the SDK's `accessToken` option). */
export interface CokoSession {
  accessToken: string;
  /** When the token expires (ISO 8601); mint a new one shortly before. */
  expiresAt: string;
  user: SessionUser;
}

/** The client of `createCokoServer()`, for partner backends. */
export interface CokoServer {
  sessions: {
    /**
     * Opens a session for one of your users: Coko creates the user on first use and updates what
     * you send on later calls. Safe to retry (the user is keyed by `externalUserId`), so network
     * errors, 429 and 5xx are retried like reads.
     *
     * @throws `ValidationError` (before any request) for a bad field; `AuthenticationError` for a
     *   wrong, revoked or expired secret key; `RateLimitError` past your sessions per minute; a
     *   `CokoError` with status 410 when the user deleted their Coko account.
     *
     * @example
     * ```ts
     * const { accessToken, expiresAt } = await coko.sessions.create({ externalUserId: user.id, email: user.email })
     * ```
     */
    create(params: SessionCreateParams, options?: ApiRequestOptions): Promise<CokoSession>;
  };
  orders: {
    /**
     * Your readers' orders, newest first, one page at a time (`GET /v1/partner/orders`): what they
     * bought, for how much, its state, and `externalUserId`, your id for the reader.
     *
     * @example
     * ```ts
     * let page = await coko.orders.list()
     * while (page.nextCursor) page = await coko.orders.list({ cursor: page.nextCursor })
     * ```
     */
    list(params?: PartnerOrderListParams, options?: ApiRequestOptions): Promise<PartnerOrdersPage>;
  };
  moderation: {
    /**
     * What Coko's moderators did about your readers, newest first, one page at a time
     * (`GET /v1/partner/moderation-actions`): content hidden, restored or deleted, warnings and
     * suspensions, with the moderator's reason and `externalUserId`, your id for the reader.
     *
     * @example
     * ```ts
     * let page = await coko.moderation.actions()
     * while (page.nextCursor) page = await coko.moderation.actions({ cursor: page.nextCursor })
     * ```
     */
    actions(params?: PartnerOrderListParams, options?: ApiRequestOptions): Promise<PartnerModerationActionsPage>;
  };
}

/** A moderation action on one of your readers. */
export interface PartnerModerationAction {
  id: string;
  action: 'hide' | 'restore' | 'delete' | 'warn' | 'suspend' | 'lift_suspension' | 'dismiss';
  /** `review`, `thread`, `post` or `group`; null for an action on the reader (warn, suspend…). */
  targetType: string | null;
  targetId: string | null;
  /** The moderator's reason, as shown to the reader. */
  reason: string | null;
  /** Your id for the reader; null once their Coko account is anonymised. */
  externalUserId: string | null;
  /** For `suspend`: when it ends (null = until lifted). */
  suspendedUntil: string | null;
  createdAt: string;
}

/** One page of moderation actions on your readers. */
export interface PartnerModerationActionsPage {
  data: PartnerModerationAction[];
  /** Pass it as `cursor` for the next page; `null` on the last one. */
  nextCursor: string | null;
}

/** Which page of `orders.list()` or `moderation.actions()`. */
export interface PartnerOrderListParams {
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
  /** Orders per page, 1–100 (default 20). */
  limit?: number;
}

/** An order as your backend sees it: the reader's order plus your id for the reader. */
export interface PartnerOrder extends Order {
  externalUserId: string;
}

/** One page of your readers' orders. */
export interface PartnerOrdersPage {
  data: PartnerOrder[];
  /** Pass it as `cursor` for the next page; `null` on the last one. */
  nextCursor: string | null;
}

// Checked without zod features the browser entries do not use: tsup shares zod's modules between
// entries, so a feature first used here would land in the catalog page's core chunk.
function checkOrderList(params: PartnerOrderListParams): { cursor?: string; limit?: string } {
  const { cursor, limit } = params;
  if (cursor != null && (typeof cursor !== 'string' || cursor.length > 200)) {
    throw new ValidationError('cursor must be the nextCursor of a previous page', { details: { field: 'cursor' } });
  }
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100)) {
    throw new ValidationError('limit must be an integer from 1 to 100', { details: { field: 'limit' } });
  }
  return { cursor: cursor ?? undefined, limit: limit === undefined ? undefined : String(limit) };
}

const sessionCreateSchema = z.strictObject({
  externalUserId: z.string().check(z.minLength(1), z.maxLength(255)),
  email: z.optional(z.string().check(z.maxLength(255))),
  phone: z.optional(z.string().check(z.regex(/^\+[1-9][0-9]{6,14}$/))),
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  country: z.optional(z.string().check(z.regex(/^[A-Za-z]{2}$/))),
  language: z.optional(z.string()),
});

/**
 * Creates a Coko client for your backend (stripe-node style): it authenticates with your secret
 * key and shares the SDK's HTTP layer (timeouts, retries, `CokoError`s). Never bundle it into a
 * browser app.
 *
 * @example
 * ```ts
 * import { createCokoServer } from '@coko/sdk/server'
 *
 * const coko = createCokoServer({ url: process.env.COKO_URL, secretKey: process.env.COKO_SECRET_KEY })
 * const session = await coko.sessions.create({ externalUserId: 'user_8412', name: 'Awa Diop' })
 * ```
 */
export function createCokoServer(options: CokoServerOptions): CokoServer {
  if (!options || typeof options.url !== 'string' || !/^https?:\/\//.test(options.url)) {
    throw new ValidationError('url must be an http(s) URL', { details: { field: 'url' } });
  }
  if (typeof options.secretKey !== 'string' || options.secretKey === '') {
    throw new ValidationError('secretKey is required', { details: { field: 'secretKey' } });
  }
  const { secretKey } = options;
  const prefix = `${options.url.replace(/\/+$/, '')}/functions/v1/api`;
  // No user token: the secret key is the credential, and a 401 is final (nothing to refresh).
  const send = createSend(options, createSession(null), (headers) => {
    headers.set('authorization', `Bearer ${secretKey}`);
  });
  return {
    sessions: {
      async create(params, callOptions = {}) {
        const json = validate(sessionCreateSchema, params, 'params');
        const response = await apiCall(send, prefix, 'v1/sessions', {
          ...callOptions,
          method: 'POST',
          json,
          idempotent: true,
        });
        return response.json();
      },
    },
    orders: {
      async list(params = {}, callOptions = {}) {
        const query = checkOrderList(params);
        return (await apiCall(send, prefix, 'v1/partner/orders', { ...callOptions, query })).json();
      },
    },
    moderation: {
      async actions(params = {}, callOptions = {}) {
        const query = checkOrderList(params);
        return (await apiCall(send, prefix, 'v1/partner/moderation-actions', { ...callOptions, query })).json();
      },
    },
  };
}
