import { createRoute, z } from '@hono/zod-openapi';
import { type AdminContext, AdminError, refundOrder } from '../admin/index.ts';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import { hasPermission } from '../db/as-user.ts';
import type { Database } from '../db/transaction.ts';
import type { TokenService } from '../identity/tokens.ts';
import { userAuth } from '../middleware/user-auth.ts';
import { orderJson } from '../payments/orders.ts';
import { error, IdParamSchema, OrderSchema } from './payment-schemas.ts';
import { errorResponses, text } from './schemas.ts';

export interface AdminOrderRoutesOptions {
  db: Database;
  tokens: TokenService;
}

const route = (middleware: ReturnType<typeof userAuth>) =>
  createRoute({
    method: 'post',
    path: '/v1/admin/orders/{id}/refund',
    tags: ['Payments'],
    summary: 'Refund a paid order (admins: payments:refund)',
    description:
      "Marks the order refunded and revokes its entitlement in one audited transaction (the actor is the admin). Return the money in the provider's dashboard. Refunding a refunded order changes nothing.",
    security: [{ userAccessToken: [] }],
    middleware: [middleware] as [typeof middleware],
    request: {
      params: IdParamSchema('The order id.'),
      body: {
        required: true,
        content: { 'application/json': { schema: z.strictObject({ reason: text({ max: 1000 }) }) } },
      },
    },
    responses: {
      200: {
        description: 'The refunded order',
        content: { 'application/json': { schema: z.object({ order: OrderSchema, changed: z.boolean() }) } },
      },
      400: error('Invalid id or reason'),
      401: error('Missing, invalid or expired access token'),
      403: error('Without the payments:refund permission (PERMISSION_DENIED)'),
      404: error('No such order'),
      409: error('The order is not paid (CONFLICT)'),
      ...errorResponses,
    },
  });

/** `POST /v1/admin/orders/{id}/refund`. */
export function registerAdminOrderRoutes(app: RoutesApp, options: AdminOrderRoutesOptions): void {
  const { db, tokens } = options;
  app.openapi(route(userAuth({ tokens, db })), async (c) => {
    const { user } = c.var;
    // The database's own RBAC decides, as it would for PostgREST: admins hold payments:*, and any role granted
    // payments:refund may refund too.
    if (!(await hasPermission(db, { id: user.id, claims: { ...user.claims } }, 'payments:refund')))
      throw new ApiError(403, 'PERMISSION_DENIED', 'Refunding needs the payments:refund permission');
    const ctx: AdminContext = { db, actor: { label: `api:${user.id}`, userId: user.id, userAgent: 'coko-api' } };
    try {
      const refund = await refundOrder(ctx, c.req.valid('param').id, c.req.valid('json').reason);
      return c.json({ order: orderJson(refund.order), changed: refund.changed }, 200);
    } catch (cause) {
      if (cause instanceof AdminError) {
        const [status, code] =
          cause.code === 'unknown_order'
            ? ([404, 'NOT_FOUND'] as const)
            : cause.code === 'conflict'
              ? ([409, 'CONFLICT'] as const)
              : ([400, 'VALIDATION_ERROR'] as const);
        throw new ApiError(status, code, cause.message, { cause });
      }
      throw cause;
    }
  });
}
