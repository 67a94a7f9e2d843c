import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Queryable } from '../db/pool.ts';
import type { SendJob } from '../jobs/send.ts';
import { receiveWebhook } from '../payments/receive-webhook.ts';
import { type PaymentProviders, PROVIDER_NAMES, type ProviderName } from '../providers/payments/index.ts';
import { error } from './payment-schemas.ts';
import { errorResponses } from './schemas.ts';

export interface WebhookRoutesOptions {
  db: Queryable;
  providers: PaymentProviders;
  sendJob: SendJob;
  now?: (() => Date) | undefined;
}

const route = createRoute({
  method: 'post',
  path: '/v1/webhooks/{provider}',
  tags: ['Payments'],
  summary: "Payment providers' notifications (no auth: the signature is the auth)",
  // No body schema: the signature covers the exact bytes, which no parser may touch first.
  description:
    'The body is whatever the provider sends (JSON or form data). Verifies the signature on the raw body (300 s tolerance where timestamped), stores the event once per provider ' +
    'event id and queues its processing; answers at once. A duplicate is acknowledged the same way and changes nothing.',
  request: {
    params: z.object({
      provider: z.string().openapi({ param: { name: 'provider', in: 'path' }, example: 'wave' }),
    }),
  },
  responses: {
    200: {
      description: 'Received (stored, or already stored)',
      content: { 'application/json': { schema: z.object({ received: z.literal(true) }) } },
    },
    400: error('Bad or missing signature, stale timestamp, or a body the provider would not send (INVALID_SIGNATURE)'),
    404: error('Unknown provider, or a provider that is off here'),
    ...errorResponses,
  },
});

const isProviderName = (name: string): name is ProviderName => (PROVIDER_NAMES as readonly string[]).includes(name);

/** `POST /v1/webhooks/{provider}`. */
export function registerWebhookRoutes(app: RoutesApp, options: WebhookRoutesOptions): void {
  const now = options.now ?? (() => new Date());
  app.openapi(route, async (c) => {
    const { provider } = c.req.param();
    if (!isProviderName(provider))
      throw new ApiError(404, 'NOT_FOUND', `Unknown payment provider ${provider}`, { details: { provider } });
    await receiveWebhook(
      { db: options.db, providers: options.providers, sendJob: options.sendJob, now, logger: c.get('logger') },
      provider,
      { rawBody: await c.req.text(), headers: c.req.raw.headers, url: c.req.url },
    );
    return c.json({ received: true as const }, 200);
  });
}
