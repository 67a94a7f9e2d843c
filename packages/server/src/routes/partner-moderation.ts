import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import type { Database } from '../db/transaction.ts';
import { partnerAuth } from '../middleware/partner-auth.ts';
import { listPartnerModerationActions } from '../moderation/actions.ts';
import { encodeCursor } from '../payments/orders.ts';
import { error } from './payment-schemas.ts';
import { cursorOf, PageQuerySchema } from './purchases.ts';
import { errorResponses } from './schemas.ts';

const ModerationActionSchema = z
  .object({
    id: z.string().uuid(),
    action: z.enum(['hide', 'restore', 'delete', 'warn', 'suspend', 'lift_suspension', 'dismiss']),
    targetType: z
      .string()
      .nullable()
      .openapi({ description: 'review, thread, post or group; null for an action on the reader (warn, suspend…).' }),
    targetId: z.string().uuid().nullable(),
    reason: z.string().nullable().openapi({ description: "The moderator's reason, as shown to the reader." }),
    externalUserId: z
      .string()
      .nullable()
      .openapi({ description: 'Your id for the reader concerned; null once their account is anonymised.' }),
    suspendedUntil: z
      .string()
      .nullable()
      .openapi({ description: 'For suspend: when it ends (null = until lifted, or not a suspension).' }),
    createdAt: z.string(),
  })
  .openapi('PartnerModerationAction');

const PageSchema = z
  .object({ data: z.array(ModerationActionSchema), nextCursor: z.string().nullable() })
  .openapi('PartnerModerationActionPage');

const route = (middleware: ReturnType<typeof partnerAuth>) =>
  createRoute({
    method: 'get',
    path: '/v1/partner/moderation-actions',
    tags: ['Community'],
    summary: 'Moderation actions on your readers, newest first (from your backend)',
    description:
      "What Coko's moderators did about your readers' reviews, posts and groups, or to the readers themselves (warnings, suspensions), with `externalUserId`, your id for the reader. Moderators are not named.",
    security: [{ partnerSecretKey: [] }],
    middleware: [middleware] as [typeof middleware],
    request: { query: PageQuerySchema },
    responses: {
      200: { description: 'One page of actions', content: { 'application/json': { schema: PageSchema } } },
      400: error('Invalid limit or cursor'),
      401: error('Missing, unknown, revoked or expired secret key, or a browser request'),
      ...errorResponses,
    },
  });

/** `GET /v1/partner/moderation-actions`. */
export function registerPartnerModerationRoutes(app: RoutesApp, options: { db: Database }): void {
  const { db } = options;
  app.openapi(route(partnerAuth({ db })), async (c) => {
    const query = c.req.valid('query');
    const page = await listPartnerModerationActions(db, c.var.partner.id, {
      limit: query.limit,
      after: cursorOf(query.cursor),
    });
    const nextCursor =
      page.more && page.last ? encodeCursor({ created_at: page.last.createdAt, id: page.last.id }) : null;
    return c.json({ data: page.data, nextCursor }, 200);
  });
}
