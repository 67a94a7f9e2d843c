import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Database } from '../db/transaction.ts';
import { canonicalLanguage, isCountryCode, isLanguageTag } from '../identity/countries.ts';
import { TokenError, type TokenService } from '../identity/tokens.ts';
import { AccountDeletedError, upsertPartnerUser } from '../identity/users.ts';
import type { RouteLimits } from '../limits/route-limits.ts';
import { type PartnerEnv, partnerAuth } from '../middleware/partner-auth.ts';
import { rateLimit } from '../middleware/rate-limit.ts';
import { ErrorSchema, errorResponses, text } from './schemas.ts';

export interface SessionRoutesOptions {
  db: Database;
  tokens: TokenService;
  /** `POST /v1/sessions` per partner (`sessions` policy, `SESSIONS_RATE_LIMIT`); none when limits are off. */
  limits?: RouteLimits | undefined;
}

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

export const SessionRequestSchema = z
  .strictObject({
    externalUserId: text({ max: 255, normalize: false }).openapi({
      description: 'Your id for the user (opaque to Coko, kept as sent; 1–255 characters, no control characters).',
      example: 'user_8412',
    }),
    email: z.email().max(255).optional().openapi({ example: 'awa@example.com' }),
    phone: z
      .string()
      .regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number (+ and 7 to 15 digits)')
      .optional()
      .openapi({ example: '+221771234567' }),
    name: text({ max: 100 }).optional().openapi({
      description: 'Display name (1–100 characters after NFC normalisation and trimming; no control characters).',
      example: 'Awa Diop',
    }),
    country: z
      .string()
      .refine((value) => isCountryCode(value.toUpperCase()), 'must be an ISO 3166-1 alpha-2 country code')
      .optional()
      .openapi({ description: "ISO 3166-1 alpha-2; new users default to the partner's country.", example: 'SN' }),
    language: z
      .string()
      .refine(isLanguageTag, 'must be an ISO 639-1 language with an optional region, such as fr or fr-SN')
      .optional()
      .openapi({
        description: "ISO 639-1 language, optional region (fr, en-GB); new users default to the partner's language.",
        example: 'fr',
      }),
  })
  .openapi('SessionRequest');

const SessionUserSchema = z
  .object({
    id: z.uuid().openapi({ description: "Coko user id (the token's sub)." }),
    externalUserId: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: 'E.164.' }),
    name: z.string().nullable(),
    country: z.string().nullable(),
    language: z.string().nullable(),
    partnerId: z.uuid(),
  })
  .openapi('SessionUser');

export const SessionResponseSchema = z
  .object({
    accessToken: z.string().openapi({
      description:
        'A Supabase-compatible user JWT (role authenticated, aud authenticated, app_metadata.partner_id). Send it as `Authorization: Bearer` to /rest/v1 (with your publishable key as apikey) and to the API.',
    }),
    expiresAt: z.iso.datetime().openapi({ description: 'When the token expires; mint a new one shortly before.' }),
    user: SessionUserSchema,
  })
  .openapi('Session');

const sessionRoute = (middleware: [MiddlewareHandler<PartnerEnv>, MiddlewareHandler<PartnerEnv>]) =>
  createRoute({
    method: 'post',
    path: '/v1/sessions',
    tags: ['Identity'],
    summary: 'Mint a short-lived session for one of your users (from your backend)',
    description:
      'Your backend exchanges its secret key and its own user id for a Coko access token, which your front end hands to the SDK. ' +
      'The Coko user mapped to (your partner account, externalUserId) is created on first use and updated with what you send ' +
      '(omitted fields keep their values). Secret keys are refused from browsers (requests with an Origin header). ' +
      'Rate limited per partner (`X-RateLimit-*` headers).',
    security: [{ partnerSecretKey: [] }],
    middleware,
    request: {
      body: { required: true, content: { 'application/json': { schema: SessionRequestSchema } } },
    },
    responses: {
      200: { description: 'The session', content: { 'application/json': { schema: SessionResponseSchema } } },
      400: error('Invalid body (VALIDATION_ERROR, INVALID_JSON) or not JSON'),
      401: error('Missing, unknown, revoked or expired secret key, or suspended partner'),
      409: error('The user deleted their Coko account (CONFLICT, details.reason `account_deleted`)'),
      429: error('Rate limit exceeded (Retry-After)'),
      503: error('No JWT signing key is configured'),
      ...errorResponses,
    },
  });

/** `POST /v1/sessions`: partner backends mint user sessions (docs/CONTRACT-identity.md). */
export function registerSessionRoutes(app: RoutesApp, options: SessionRoutesOptions): void {
  const { db, tokens } = options;
  app.openAPIRegistry.registerComponent('securitySchemes', 'partnerSecretKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A partner secret key (sk_…), from your backend only.',
  });
  const { limits } = options;
  const sessions = limits?.policies.sessions;
  const route = sessionRoute([
    partnerAuth({ db }),
    limits && sessions
      ? rateLimit<PartnerEnv>({
          policy: sessions.name,
          limit: sessions.limit,
          windowMs: sessions.windowMs,
          key: (c) => `partner:${c.var.partner.id}`,
          partnerId: (c) => c.var.partner.id,
          store: limits.store,
          now: limits.now,
          message: 'Too many sessions minted for this partner; retry after the Retry-After delay',
        })
      : (_c, next) => next(),
  ]);
  app.openapi(route, async (c) => {
    const partner = c.var.partner;
    const body = c.req.valid('json');
    let user: Awaited<ReturnType<typeof upsertPartnerUser>>;
    try {
      user = await upsertPartnerUser(db, partner, {
        externalUserId: body.externalUserId,
        email: body.email,
        phone: body.phone,
        name: body.name,
        country: body.country?.toUpperCase(),
        language: body.language === undefined ? undefined : canonicalLanguage(body.language),
      });
    } catch (cause) {
      if (cause instanceof AccountDeletedError) {
        throw new ApiError(409, 'CONFLICT', 'This user deleted their Coko account; no new session can be created', {
          details: { reason: 'account_deleted' },
        });
      }
      throw cause;
    }
    let minted: Awaited<ReturnType<TokenService['mint']>>;
    try {
      minted = await tokens.mint({
        userId: user.id,
        partnerId: partner.id,
        email: user.email,
        phone: user.storedPhone,
        name: user.name,
      });
    } catch (cause) {
      if (cause instanceof TokenError)
        throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'Sessions are not configured', { cause });
      throw cause;
    }
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        accessToken: minted.accessToken,
        expiresAt: minted.expiresAt.toISOString(),
        user: {
          id: user.id,
          externalUserId: user.externalUserId,
          email: user.email,
          phone: user.phone,
          name: user.name,
          country: user.country,
          language: user.language,
          partnerId: user.partnerId,
        },
      },
      200,
    );
  });
}
