import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { etag, RETAINED_304_HEADERS } from 'hono/etag';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Database } from '../db/transaction.ts';
import { PRIVATE_CACHE_CONTROL, PUBLIC_CATALOG_CACHE_CONTROL } from '../http/cache-control.ts';
import { TokenError, type TokenService } from '../identity/tokens.ts';
import { idempotencyKey } from '../middleware/idempotency-key.ts';
import { type UserEnv, userAuth } from '../middleware/user-auth.ts';
import { startCheckout } from '../payments/checkout.ts';
import { orderJson } from '../payments/orders.ts';
import { listPlans } from '../payments/plans.ts';
import type { PaymentProviders, ProviderName } from '../providers/payments/index.ts';
import { error, OrderSchema, PlanSchema, ProviderSchema } from './payment-schemas.ts';
import { errorResponses } from './schemas.ts';

export interface CheckoutRoutesOptions {
  db: Database;
  tokens: TokenService;
  providers: PaymentProviders;
  /**
   * `POST /v1/webhooks/{provider}` as providers must call it: absolute with `COKO_PUBLIC_URL`, else a path resolved
   * against the request's URL (local development).
   */
  webhookPath: (provider: ProviderName) => string;
  /** Origins a reader without a partner may return to after paying. */
  firstPartyOrigins: readonly string[];
  now?: (() => Date) | undefined;
}

const CheckoutRequestSchema = z
  .strictObject({
    bookId: z.guid().optional().openapi({ description: 'The book to buy (exactly one of bookId and planId).' }),
    planId: z.guid().optional().openapi({ description: 'The plan to subscribe to.' }),
    provider: ProviderSchema,
    phone: z
      .string()
      .regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number (+ and 7 to 15 digits)')
      .optional()
      .openapi({ description: 'The mobile-money number to charge (Wave, Orange Money).', example: '+221771234567' }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
      .optional()
      .openapi({ description: "A plan's currency (default: the first the provider takes); a book's own only." }),
    returnUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .openapi({
        description:
          "Where the reader lands after paying (`?order=<id>&status=…`); on one of the app's allowed origins.",
        example: 'https://reader.partner.example/orders',
      }),
  })
  .refine((body) => (body.bookId === undefined) !== (body.planId === undefined), {
    message: 'send exactly one of bookId and planId',
    path: ['bookId'],
  })
  .openapi('CheckoutRequest');

const plansRoute = createRoute({
  method: 'get',
  path: '/v1/plans',
  tags: ['Payments'],
  summary: 'List the subscription plans on offer',
  description:
    "Active plans with their price in each currency. With a reader's token, the reader's partner's own plans too.",
  security: [{}, { userAccessToken: [] }],
  // Revalidated rather than downloaded again: a weak ETag over the JSON, 304 on If-None-Match.
  middleware: [etag({ weak: true, retainedHeaders: [...RETAINED_304_HEADERS, 'x-request-id'] })] as const,
  responses: {
    200: {
      description: 'The plans (weak `ETag`; guests: `Cache-Control: public, max-age=60`, readers: `private, no-cache`)',
      content: { 'application/json': { schema: z.object({ data: z.array(PlanSchema) }) } },
    },
    401: error('An invalid or expired access token (send none to browse anonymously)'),
    ...errorResponses,
  },
});

/** `GET /v1/plans` and `POST /v1/checkout`. */
export function registerCheckoutRoutes(app: RoutesApp, options: CheckoutRoutesOptions): void {
  const { db, tokens } = options;
  const now = options.now ?? (() => new Date());

  app.openapi(plansRoute, async (c) => {
    const token = c.req.header('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    let partnerId: string | undefined;
    // Guests of the SDK (like supabase-js) send the publishable key as the bearer too: no reader.
    if (token && token !== c.req.header('apikey')) {
      try {
        const claims = await tokens.verify(token);
        const claimed = claims.app_metadata?.partner_id;
        partnerId = typeof claimed === 'string' ? claimed : undefined;
      } catch (cause) {
        if (cause instanceof TokenError)
          throw new ApiError(401, 'AUTHENTICATION_ERROR', cause.message, { details: { reason: cause.reason } });
        throw cause;
      }
    }
    // A partner's plans are that partner's readers' own: never in a shared cache.
    c.header('cache-control', partnerId ? PRIVATE_CACHE_CONTROL : PUBLIC_CATALOG_CACHE_CONTROL);
    c.header('vary', 'Authorization');
    return c.json({ data: await listPlans(db, partnerId) }, 200);
  });

  const middleware: [MiddlewareHandler<UserEnv>, MiddlewareHandler<UserEnv>] = [
    userAuth({ tokens, db }),
    idempotencyKey<UserEnv>({ db, scope: (c) => `user:${c.var.user.id}`, now }),
  ];
  const checkoutRoute = createRoute({
    method: 'post',
    path: '/v1/checkout',
    tags: ['Payments'],
    summary: 'Buy a book or subscribe to a plan',
    description:
      'Opens a pending order at the price the database holds and the provider checkout where the reader pays; ' +
      'send the reader to `checkoutUrl`. The outcome arrives by webhook: poll `GET /v1/orders/{id}` (with backoff). ' +
      'Requires an `Idempotency-Key` header: a retry with the same key and body gets the same response, the same key ' +
      'with another body is 422.',
    security: [{ userAccessToken: [] }],
    middleware,
    request: {
      headers: z.object({
        'idempotency-key': z.string().openapi({ description: '1–255 visible ASCII characters, e.g. a UUID.' }),
      }),
      body: { required: true, content: { 'application/json': { schema: CheckoutRequestSchema } } },
    },
    responses: {
      201: {
        description: 'The order, pending, and where to pay',
        content: { 'application/json': { schema: z.object({ order: OrderSchema, checkoutUrl: z.string() }) } },
      },
      400: error('Invalid body, missing Idempotency-Key, or a returnUrl outside the allowed origins'),
      401: error('Missing, invalid or expired access token'),
      403: error('The book is not sold in your country (NOT_AVAILABLE_IN_COUNTRY)'),
      404: error('No such published book or active plan'),
      409: error('Free, already bought or subscribed (ALREADY_OWNED); or the same key is still running (CONFLICT)'),
      422: error(
        'Provider off or currency not taken (PROVIDER_UNAVAILABLE); key reused with another body or payment refused by the provider (UNPROCESSABLE)',
      ),
      503: error('The provider did not answer; retry'),
      ...errorResponses,
    },
  });

  app.openapi(checkoutRoute, async (c) => {
    const body = c.req.valid('json');
    const { user } = c.var;
    const order = await startCheckout(
      {
        db,
        providers: options.providers,
        webhookUrl: (provider) => new URL(options.webhookPath(provider), c.req.url).toString(),
        firstPartyOrigins: options.firstPartyOrigins,
        now,
      },
      {
        user: { id: user.id, partnerId: user.partnerId },
        item: body.bookId ? { bookId: body.bookId } : { planId: body.planId as string },
        provider: body.provider,
        phone: body.phone,
        currency: body.currency,
        returnUrl: body.returnUrl,
        idempotencyKey: c.req.header('idempotency-key') as string,
      },
    );
    const json = orderJson(order);
    return c.json({ order: json, checkoutUrl: json.checkoutUrl ?? '' }, 201);
  });
}
