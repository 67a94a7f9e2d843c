import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import type { Database } from '../db/transaction.ts';
import { partnerAuth } from '../middleware/partner-auth.ts';
import { listOrders, orderJson } from '../payments/orders.ts';
import { error, OrderSchema } from './payment-schemas.ts';
import { cursorOf, PageQuerySchema } from './purchases.ts';
import { errorResponses } from './schemas.ts';

const PartnerOrderPageSchema = z
  .object({
    data: z.array(
      OrderSchema.extend({
        externalUserId: z.string().openapi({ description: 'Your id for the reader who placed the order.' }),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi('PartnerOrderPage');

const route = (middleware: ReturnType<typeof partnerAuth>) =>
  createRoute({
    method: 'get',
    path: '/v1/partner/orders',
    tags: ['Payments'],
    summary: "Your readers' orders, newest first (from your backend)",
    description:
      'Every order placed by readers whose session your backend minted: what they bought, for how much, its state, and `externalUserId`, your id for the reader.',
    security: [{ partnerSecretKey: [] }],
    middleware: [middleware] as [typeof middleware],
    request: { query: PageQuerySchema },
    responses: {
      200: { description: 'One page of orders', content: { 'application/json': { schema: PartnerOrderPageSchema } } },
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
    // The partner knows its readers by its own ids, not Coko's.
    const { rows } = await db.query(
      'select user_id, external_user_id from private.partner_users where partner_id = $1 and user_id = any($2::uuid[])',
      [c.var.partner.id, [...new Set(page.rows.map((row) => row.user_id))]],
    );
    const mapped = rows as { user_id: string; external_user_id: string }[];
    const external = new Map(mapped.map((row) => [row.user_id, row.external_user_id]));
    const data = page.rows.map((row) => ({ ...orderJson(row), externalUserId: external.get(row.user_id) ?? '' }));
    return c.json({ data, nextCursor: page.nextCursor }, 200);
  });
}
