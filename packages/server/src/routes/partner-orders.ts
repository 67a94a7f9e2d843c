import { createRoute } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import type { Database } from '../db/transaction.ts';
import { partnerAuth } from '../middleware/partner-auth.ts';
import { listOrders, orderJson } from '../payments/orders.ts';
import { error } from './payment-schemas.ts';
import { cursorOf, OrderPageSchema, PageQuerySchema } from './purchases.ts';
import { errorResponses } from './schemas.ts';

const route = (middleware: ReturnType<typeof partnerAuth>) =>
  createRoute({
    method: 'get',
    path: '/v1/partner/orders',
    tags: ['Payments'],
    summary: "Your readers' orders, newest first (from your backend)",
    description:
      'Every order placed by readers whose session your backend minted: what they bought, for how much, and its state.',
    security: [{ partnerSecretKey: [] }],
    middleware: [middleware] as [typeof middleware],
    request: { query: PageQuerySchema },
    responses: {
      200: { description: 'One page of orders', content: { 'application/json': { schema: OrderPageSchema } } },
      400: error('Invalid limit or cursor'),
      401: error('Missing, unknown, revoked or expired secret key, or a browser request'),
      ...errorResponses,
    },
  });

/** `GET /v1/partner/orders`. */
export function registerPartnerOrderRoutes(app: RoutesApp, options: { db: Database }): void {
  const { db } = options;
  app.openapi(route(partnerAuth({ db })), async (c) => {
    const query = c.req.valid('query');
    const page = await listOrders(
      db,
      { column: 'partner_id', value: c.var.partner.id },
      { limit: query.limit, after: cursorOf(query.cursor) },
    );
    return c.json({ data: page.rows.map(orderJson), nextCursor: page.nextCursor }, 200);
  });
}
