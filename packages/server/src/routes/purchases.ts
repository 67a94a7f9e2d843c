import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Database } from '../db/transaction.ts';
import type { TokenService } from '../identity/tokens.ts';
import { type UserEnv, userAuth } from '../middleware/user-auth.ts';
import { listEntitlements } from '../payments/entitlements.ts';
import { decodeCursor, findOrder, listOrders, orderJson } from '../payments/orders.ts';
import { findReceipt, listReceipts } from '../payments/receipts.ts';
import { EntitlementSchema, error, IdParamSchema, OrderSchema, ReceiptSchema } from './payment-schemas.ts';
import { errorResponses } from './schemas.ts';

export interface PurchaseRoutesOptions {
  db: Database;
  tokens: TokenService;
  now?: (() => Date) | undefined;
}

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'Orders per page (1–100, default 20).' }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'The `nextCursor` of the previous page.' }),
});

export const OrderPageSchema = z
  .object({ data: z.array(OrderSchema), nextCursor: z.string().nullable() })
  .openapi('OrderPage');

/** The keyset of a `cursor` query parameter; 400 when it was not made by this API. */
export function cursorOf(cursor: string | undefined) {
  if (cursor === undefined) return undefined;
  const after = decodeCursor(cursor);
  if (!after) throw new ApiError(400, 'VALIDATION_ERROR', 'Invalid cursor', { details: { cursor } });
  return after;
}

const auth = { security: [{ userAccessToken: [] }] };
const unauthorized = { 401: error('Missing, invalid or expired access token') };

/** The reader's own orders, entitlements and receipts. */
export function registerPurchaseRoutes(app: RoutesApp, options: PurchaseRoutesOptions): void {
  const { db, tokens } = options;
  const now = options.now ?? (() => new Date());
  const middleware: [MiddlewareHandler<UserEnv>] = [userAuth({ tokens, db })];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/orders',
      tags: ['Payments'],
      summary: 'Your orders, newest first',
      ...auth,
      middleware,
      request: { query: PageQuerySchema },
      responses: {
        200: { description: 'One page of orders', content: { 'application/json': { schema: OrderPageSchema } } },
        400: error('Invalid limit or cursor'),
        ...unauthorized,
        ...errorResponses,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await listOrders(
        db,
        { column: 'user_id', value: c.var.user.id },
        { limit: query.limit, after: cursorOf(query.cursor) },
      );
      return c.json({ data: page.rows.map(orderJson), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/orders/{id}',
      tags: ['Payments'],
      summary: 'One of your orders (poll it, with backoff, after the checkout)',
      ...auth,
      middleware,
      request: { params: IdParamSchema('The order id.') },
      responses: {
        200: { description: 'The order', content: { 'application/json': { schema: OrderSchema } } },
        400: error('The id is not a UUID'),
        ...unauthorized,
        404: error('No such order of yours'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const order = await findOrder(db, id);
      if (!order || order.user_id !== c.var.user.id)
        throw new ApiError(404, 'NOT_FOUND', 'Order not found', { details: { orderId: id } });
      return c.json(orderJson(order), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/entitlements',
      tags: ['Payments'],
      summary: 'What you may read: bought books and plan periods',
      ...auth,
      middleware,
      request: {
        query: z.object({
          all: z
            .enum(['true', 'false'])
            .default('false')
            .openapi({ param: { name: 'all', in: 'query' }, description: 'true: revoked and lapsed ones too.' }),
        }),
      },
      responses: {
        200: {
          description: 'The entitlements, newest first',
          content: { 'application/json': { schema: z.object({ data: z.array(EntitlementSchema) }) } },
        },
        400: error('Invalid `all`'),
        ...unauthorized,
        ...errorResponses,
      },
    }),
    async (c) => {
      const all = c.req.valid('query').all === 'true';
      return c.json({ data: await listEntitlements(db, c.var.user.id, { all, now: now() }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/receipts',
      tags: ['Payments'],
      summary: 'Your receipts, newest first',
      ...auth,
      middleware,
      responses: {
        200: {
          description: 'The receipts',
          content: { 'application/json': { schema: z.object({ data: z.array(ReceiptSchema) }) } },
        },
        ...unauthorized,
        ...errorResponses,
      },
    }),
    async (c) => c.json({ data: await listReceipts(db, c.var.user.id) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/receipts/{id}',
      tags: ['Payments'],
      summary: 'One of your receipts',
      ...auth,
      middleware,
      request: { params: IdParamSchema('The receipt id.') },
      responses: {
        200: { description: 'The receipt', content: { 'application/json': { schema: ReceiptSchema } } },
        400: error('The id is not a UUID'),
        ...unauthorized,
        404: error('No such receipt of yours'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const receipt = await findReceipt(db, c.var.user.id, id);
      if (!receipt) throw new ApiError(404, 'NOT_FOUND', 'Receipt not found', { details: { receiptId: id } });
      return c.json(receipt, 200);
    },
  );
}
