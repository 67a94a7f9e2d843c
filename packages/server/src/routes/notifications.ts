import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { listDevOutbox } from '../notifications/dev-outbox.ts';
import { queryRows } from '../notifications/query.ts';
import type { UnsubscribeTokens } from '../notifications/unsubscribe-token.ts';
import { error } from './payment-schemas.ts';
import { errorResponses } from './schemas.ts';

export interface NotificationRoutesOptions {
  db: Queryable;
  tokens: () => Promise<UnsubscribeTokens>;
  /** Production: the dev outbox route does not exist (404 like any unknown path). */
  production: boolean;
}

const tokenQuery = z.object({
  token: z.string().min(1).max(1000).openapi({ description: 'The signed token of the email’s unsubscribe link.' }),
});

const unsubscribeResponses = {
  200: { description: 'Unsubscribed (a short page)', content: { 'text/html': { schema: z.string() } } },
  400: error('Missing token (VALIDATION_FAILED)'),
  403: error('The link is not valid (PERMISSION_DENIED)'),
  404: error('The account no longer exists (NOT_FOUND)'),
  ...errorResponses,
};

const unsubscribeGet = createRoute({
  method: 'get',
  path: '/v1/notifications/unsubscribe',
  tags: ['Notifications'],
  summary: 'Unsubscribe from one kind of email (the link in every notification email)',
  description:
    'Turns email off for the kind of notification the email was (`preferences.notifications.kinds.<kind>.email = false`). No session: the token is signed. Idempotent.',
  request: { query: tokenQuery },
  responses: unsubscribeResponses,
});

const unsubscribePost = createRoute({
  ...unsubscribeGet,
  method: 'post',
  summary: 'One-click unsubscribe (RFC 8058, List-Unsubscribe-Post)',
  description: 'The same as the GET, for mail clients that unsubscribe in one click.',
});

const OutboxMessageSchema = z
  .object({
    id: z.number().int(),
    channel: z.enum(['email', 'push', 'sms']),
    to: z.string(),
    subject: z.string().nullable(),
    text: z.string(),
    html: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    unsubscribeUrl: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('DevOutboxMessage');

const outboxRoute = createRoute({
  method: 'get',
  path: '/dev/outbox',
  tags: ['Development'],
  summary: 'What the local notification channels would have sent (not in production)',
  description:
    'The latest email, push and SMS messages written by the local adapters (`coko dev`, tests), newest first. Absent (404) in production.',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      channel: z.enum(['email', 'push', 'sms']).optional(),
      to: z.string().max(4096).optional().openapi({ description: 'Only messages to this recipient.' }),
    }),
  },
  responses: {
    200: {
      description: 'Messages',
      content: { 'application/json': { schema: z.object({ messages: z.array(OutboxMessageSchema) }) } },
    },
    ...errorResponses,
  },
});

const PAGE = {
  fr: (kind: string) => `Vous ne recevrez plus d'emails « ${kind} ». Vous pouvez changer cela dans vos préférences.`,
  en: (kind: string) => `You will no longer receive "${kind}" emails. You can change this in your preferences.`,
};

/** `GET|POST /v1/notifications/unsubscribe` and, outside production, `GET /dev/outbox`. */
export function registerNotificationRoutes(app: RoutesApp, options: NotificationRoutesOptions): void {
  const { db } = options;
  const unsubscribe = async (token: string) => {
    const target = await (await options.tokens()).verify(token);
    if (!target) throw new ApiError(403, 'PERMISSION_DENIED', 'This unsubscribe link is not valid');
    const rows = await queryRows<{ language: string }>(
      db,
      `select p.language from private.unsubscribe_notification_email($1, $2) as done
         join public.profiles p on p.id = $1 where done`,
      [target.userId, target.kind],
    );
    if (!rows[0]) throw new ApiError(404, 'NOT_FOUND', 'This account no longer exists');
    const language = rows[0].language.startsWith('en') ? 'en' : 'fr';
    return `<!doctype html><html lang="${language}"><meta charset="utf-8"><title>Coko</title><p>${PAGE[language](target.kind)}</p></html>`;
  };
  app.openapi(unsubscribeGet, async (c) =>
    c.html(await unsubscribe(c.req.valid('query').token), 200, { 'Cache-Control': 'no-store' }),
  );
  app.openapi(unsubscribePost, async (c) =>
    c.html(await unsubscribe(c.req.valid('query').token), 200, { 'Cache-Control': 'no-store' }),
  );

  if (options.production) return;
  app.openapi(outboxRoute, async (c) => {
    const { limit, channel, to } = c.req.valid('query');
    c.header('Cache-Control', 'no-store');
    return c.json(
      { messages: (await listDevOutbox(db, { limit, channel, to })) as z.infer<typeof OutboxMessageSchema>[] },
      200,
    );
  });
}
