import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { RoutesApp } from '../app/env.ts';
import { rows } from '../db/rows.ts';
import { type Database, withTransaction } from '../db/transaction.ts';
import type { ExportRegistry } from '../gdpr/registry.ts';
import type { TokenService } from '../identity/tokens.ts';
import type { RouteLimits } from '../limits/route-limits.ts';
import { downloadLimits } from '../middleware/download-limits.ts';
import { type UserEnv, userAuth } from '../middleware/user-auth.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';

export interface MeRoutesOptions {
  db: Database;
  tokens: TokenService;
  exporters: ExportRegistry;
  /** The export counts as a download (10/hour, 3 at once); none when limits are off. */
  limits?: RouteLimits | undefined;
}

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

const ExportSchema = z
  .object({
    format: z.literal('coko-export/1'),
    exportedAt: z.iso.datetime(),
    userId: z.uuid(),
    sources: z.record(z.string(), z.array(z.string())).openapi({ description: 'The tables each section comes from.' }),
    data: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'One section per domain (account, reading, payments…).' }),
  })
  .openapi('UserExport');

const MeSchema = z
  .object({
    id: z.uuid(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    partnerId: z.uuid().nullable().openapi({ description: 'The partner whose backend minted the session, if any.' }),
    sessionId: z.string().nullable(),
    expiresAt: z.iso.datetime().openapi({ description: 'When the access token expires.' }),
  })
  .openapi('Me');

const meRoute = (middleware: MiddlewareHandler<UserEnv>) =>
  createRoute({
    method: 'get',
    path: '/v1/me',
    tags: ['Account'],
    summary: 'The signed-in user of this token (and whether it is still accepted)',
    security: [{ userAccessToken: [] }],
    middleware,
    responses: {
      200: { description: 'The user', content: { 'application/json': { schema: MeSchema } } },
      401: error('Missing, invalid, expired or revoked access token; deleted account; suspended partner'),
      ...errorResponses,
    },
  });

const exportRoute = (middleware: [MiddlewareHandler<UserEnv>, MiddlewareHandler<UserEnv>]) =>
  createRoute({
    method: 'get',
    path: '/v1/me/export',
    tags: ['Account'],
    summary: 'Export all your data (GDPR)',
    description:
      'Everything Coko holds about the signed-in user, one section per domain, as JSON (rights of access and portability). ' +
      'Limited to 10 exports per hour.',
    security: [{ userAccessToken: [] }],
    middleware,
    responses: {
      200: { description: 'The export', content: { 'application/json': { schema: ExportSchema } } },
      401: error('Missing, invalid, expired or revoked access token; deleted account; suspended partner'),
      429: error('Too many downloads: 10 per hour or 3 at once per reader (RATE_LIMITED, Retry-After)'),
      503: error('Download limits unavailable for a moment (SERVICE_UNAVAILABLE, Retry-After)'),
      ...errorResponses,
    },
  });

const deleteRoute = (middleware: MiddlewareHandler<UserEnv>) =>
  createRoute({
    method: 'delete',
    path: '/v1/me',
    tags: ['Account'],
    summary: 'Delete your account (GDPR)',
    description:
      'Soft delete: the account and every session token stop working at once (API and /rest/v1); personal data is ' +
      'anonymised after the 30-day retention period. Partners can no longer mint sessions for this user (409 CONFLICT, `details.reason` `account_deleted`).',
    security: [{ userAccessToken: [] }],
    middleware,
    responses: {
      204: { description: 'Deleted' },
      401: error('Missing, invalid, expired or revoked access token; deleted account; suspended partner'),
      ...errorResponses,
    },
  });

/** `GET /v1/me`, `GET /v1/me/export` and `DELETE /v1/me` for the signed-in user. */
export function registerMeRoutes(app: RoutesApp, options: MeRoutesOptions): void {
  const { db, tokens, exporters } = options;
  app.openAPIRegistry.registerComponent('securitySchemes', 'userAccessToken', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A user access token: from POST /v1/sessions (partner users) or Supabase Auth.',
  });
  const auth = userAuth({ tokens, db });

  app.openapi(meRoute(auth), async (c) => {
    const { claims, partnerId } = c.var.user;
    // Partner session tokens carry no email or phone (docs/DECISIONS.md "Bytes per save"): read them
    // where they are kept. Supabase Auth tokens carry them; the claims then win (they are what it signed).
    const stored = claims.email || claims.phone ? undefined : await contactOf(db, claims.sub);
    const email = claims.email || stored?.email || null;
    const phone = claims.phone || stored?.phone || null;
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        id: claims.sub,
        email,
        phone: phone ? `+${phone.replace(/^\+/, '')}` : null,
        partnerId: partnerId ?? null,
        sessionId: typeof claims.session_id === 'string' ? claims.session_id : null,
        expiresAt: new Date(claims.exp * 1000).toISOString(),
      },
      200,
    );
  });

  app.openapi(exportRoute([auth, downloadLimits(options.limits)]), async (c) => {
    const document = await exporters.exportUser(db, c.var.user.id);
    c.header('Cache-Control', 'no-store');
    return c.json(document as z.infer<typeof ExportSchema>, 200);
  });

  app.openapi(deleteRoute(auth), async (c) => {
    const userId = c.var.user.id;
    const ip = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? '';
    await withTransaction(db, async (tx) => {
      // The audit entry (account.delete, written by the function) names the user, their IP and user agent.
      await tx.query(
        `select set_config('coko.actor_id', $1, true), set_config('coko.ip', $2, true), set_config('coko.user_agent', $3, true)`,
        [userId, ip, (c.req.header('user-agent') ?? '').slice(0, 512)],
      );
      await tx.query('select private.soft_delete_account($1::uuid)', [userId]);
    });
    c.get('logger')?.info('account deleted', { userId });
    return c.body(null, 204);
  });
}

/** The user's email and phone as `auth.users` keeps them (a phone held by another user stays in the metadata). */
async function contactOf(
  db: Database,
  userId: string,
): Promise<{ email: string | null; phone: string | null } | undefined> {
  const [row] = await rows<{ email: string | null; phone: string | null }>(
    db,
    `select nullif(u.email, '') as email, coalesce(nullif(u.phone, ''), u.raw_user_meta_data ->> 'phone') as phone
       from auth.users u where u.id = $1`,
    [userId],
  );
  return row;
}
