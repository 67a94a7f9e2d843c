import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { findOrder, type OrderRow } from '../payments/orders.ts';
import { renderSandboxPage, sandboxPageCsp } from '../payments/sandbox-page.ts';
import {
  returnUrlFor,
  SANDBOX_SIGNATURE_HEADER,
  sandboxEvent,
  signSandboxEvent,
  verifySandboxCheckoutToken,
} from '../providers/payments/index.ts';
import { error } from './payment-schemas.ts';
import { errorResponses } from './schemas.ts';

export interface SandboxCheckoutRoutesOptions {
  db: Queryable;
  /** `SANDBOX_WEBHOOK_SECRET`: signs the page's token and the webhook it sends. */
  secret: string;
  now?: (() => Date) | undefined;
}

const params = z.object({
  orderId: z.guid().openapi({ param: { name: 'orderId', in: 'path' }, description: 'The order id.' }),
});
const tokenQuery = z.object({
  token: z
    .string()
    .max(200)
    .openapi({ param: { name: 'token', in: 'query' }, description: 'From the checkoutUrl.' }),
});
const FormSchema = z.object({ token: z.string().max(200), outcome: z.enum(['approve', 'decline']) });

const refusals = {
  400: error('Invalid order id, token or form'),
  403: error('Wrong token (PERMISSION_DENIED)'),
  404: error('No such sandbox order'),
  ...errorResponses,
};

const pageRoute = createRoute({
  method: 'get',
  path: '/v1/sandbox/checkout/{orderId}',
  tags: ['Payments'],
  summary: 'The sandbox checkout page',
  description: 'An HTML page with the order and Approve / Decline buttons (only where the sandbox provider is on).',
  request: { params, query: tokenQuery },
  responses: { 200: { description: 'The page', content: { 'text/html': { schema: z.string() } } }, ...refusals },
});

const submitRoute = createRoute({
  method: 'post',
  path: '/v1/sandbox/checkout/{orderId}',
  tags: ['Payments'],
  summary: "The sandbox checkout page's Approve / Decline",
  description:
    "Signs a webhook like Wave's, delivers it to `POST /v1/webhooks/sandbox` in-process, then redirects (303) to the order's returnUrl with `?order=<id>&status=paid|failed`.",
  request: {
    params,
    body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: FormSchema } } },
  },
  responses: {
    303: { description: 'Back to the app (Location: returnUrl?order=…&status=…)' },
    ...refusals,
    409: error('The order is no longer pending (CONFLICT)'),
    503: error('The payment could not be recorded (SERVICE_UNAVAILABLE); retry'),
  },
});

async function sandboxOrder(db: Queryable, secret: string, orderId: string, token: string): Promise<OrderRow> {
  if (!(await verifySandboxCheckoutToken(secret, orderId, token)))
    throw new ApiError(403, 'PERMISSION_DENIED', 'This checkout link is not valid');
  const order = await findOrder(db, orderId);
  if (order?.provider !== 'sandbox') throw new ApiError(404, 'NOT_FOUND', 'Order not found', { details: { orderId } });
  return order;
}

async function labelOf(db: Queryable, order: OrderRow): Promise<string> {
  const { rows } = await db.query(
    `select coalesce((select title from public.books where id = $1), (select name from public.plans where id = $2)) as label`,
    [order.book_id, order.plan_id],
  );
  return (rows[0] as { label: string | null } | undefined)?.label ?? 'Commande';
}

/** `GET` and `POST /v1/sandbox/checkout/{orderId}`: registered only when the sandbox provider is on. */
export function registerSandboxCheckoutRoutes(app: RoutesApp, options: SandboxCheckoutRoutesOptions): void {
  const { db, secret } = options;
  const now = options.now ?? (() => new Date());
  const csp = sandboxPageCsp();

  app.openapi(pageRoute, async (c) => {
    const { orderId } = c.req.valid('param');
    const { token } = c.req.valid('query');
    const order = await sandboxOrder(db, secret, orderId, token);
    const html = renderSandboxPage(
      {
        id: order.id,
        status: order.status,
        label: await labelOf(db, order),
        amount: Number(order.amount),
        currency: order.currency,
      },
      token,
    );
    return c.html(html, 200, { 'Cache-Control': 'no-store', 'Content-Security-Policy': await csp });
  });

  app.openapi(submitRoute, async (c) => {
    const { orderId } = c.req.valid('param');
    const form = c.req.valid('form');
    const order = await sandboxOrder(db, secret, orderId, form.token);
    if (order.status !== 'pending')
      throw new ApiError(409, 'CONFLICT', `This order is already ${order.status}`, {
        details: { status: order.status },
      });
    const at = now();
    const outcome = form.outcome === 'approve' ? 'approved' : 'declined';
    const body = JSON.stringify(
      sandboxEvent({ orderId: order.id, amount: Number(order.amount), currency: order.currency }, outcome, at),
    );
    // In-process delivery through the whole app (middleware, verification, storage, job): the same path a real
    // provider's webhook takes, on Node and Deno alike, without knowing this deployment's public URL.
    const delivered = await app.request(c.req.path.replace(/\/sandbox\/checkout\/[^/]+$/, '/webhooks/sandbox'), {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        [SANDBOX_SIGNATURE_HEADER]: await signSandboxEvent(secret, body, at),
      },
    });
    if (delivered.status !== 200) {
      c.get('logger')?.error('sandbox webhook refused', {
        orderId,
        status: delivered.status,
        body: await delivered.text(),
      });
      throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'The payment could not be recorded; try again');
    }
    return c.redirect(returnUrlFor(order.return_url, order.id, outcome === 'approved' ? 'paid' : 'failed'), 303);
  });
}
