import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Database } from '../db/transaction.ts';
import { renderSharePage, sharePageCsp } from '../moderation/share-page.ts';
import { findSharePreview, toSharePreview } from '../moderation/share-preview.ts';
import type { StoragePort } from '../providers/storage/index.ts';
import { error } from './payment-schemas.ts';
import { errorResponses } from './schemas.ts';

export interface ShareRoutesOptions {
  db: Database;
  storage: Pick<StoragePort, 'publicUrl'>;
  /** The API's public base (`https://…/functions/v1/api`); absent: the request's own origin and path. */
  publicBase?: string | undefined;
}

const SharePreviewSchema = z
  .object({
    code: z.string(),
    kind: z.enum(['book', 'review', 'highlight']),
    title: z.string().openapi({ description: 'The card title (og:title).' }),
    description: z.string().openapi({ description: 'The card text (og:description); plain text.' }),
    imageUrl: z.string().nullable().openapi({ description: "The cover's public URL (og:image)." }),
    url: z.string().openapi({ description: 'The canonical URL of this preview.' }),
    language: z.string(),
    book: z.object({
      id: z.string().uuid(),
      title: z.string(),
      subtitle: z.string().nullable(),
      authors: z.array(z.string()),
    }),
    review: z
      .object({
        rating: z.number().int().min(1).max(5),
        title: z.string().nullable(),
        body: z.string().nullable().openapi({ description: 'At most 300 characters; text as typed (escape it).' }),
        authorName: z.string().nullable(),
      })
      .nullable(),
    highlight: z
      .object({ excerpt: z.string().nullable().openapi({ description: 'The highlighted text (never the note).' }) })
      .nullable(),
    createdAt: z.string(),
  })
  .openapi('SharePreview');

const CodeParamSchema = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,32}$/)
    .openapi({ param: { name: 'code', in: 'path' }, example: 'Xk3v9_pQ-aZ' }),
});

// Short: a link to content a moderator hides, or a reader revokes, stops previewing within minutes.
const CACHE_FOUND = 'public, max-age=300';
const CACHE_NOT_FOUND = 'public, max-age=60';

const route = createRoute({
  method: 'get',
  path: '/v1/share/{code}',
  tags: ['Community'],
  summary: 'A share link’s public preview (no session)',
  description:
    'HTML with Open Graph and Twitter card tags (title, description, cover image, canonical URL) for link previews, or the same preview as JSON with `Accept: application/json`. A revoked link, an unpublished book, a hidden or deleted review or a deleted highlight are all 404, alike. Cached publicly for 5 minutes (`Vary: Accept`).',
  request: { params: CodeParamSchema },
  responses: {
    200: {
      description: 'The preview',
      content: {
        'text/html': { schema: z.string() },
        'application/json': { schema: SharePreviewSchema },
      },
    },
    400: error('Malformed code'),
    404: error('No public preview for this code (NOT_FOUND)'),
    ...errorResponses,
  },
});

/** True when the client asked for JSON rather than a page. */
function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  const json = types.indexOf('application/json');
  const html = types.indexOf('text/html');
  return json !== -1 && (html === -1 || json < html);
}

/** `GET /v1/share/{code}`: public, on Node and on the Deno edge function alike. */
export function registerShareRoutes(app: RoutesApp, options: ShareRoutesOptions): void {
  const { db, storage, publicBase } = options;
  const csp = sharePageCsp();

  app.openapi(route, async (c) => {
    const { code } = c.req.valid('param');
    const row = await findSharePreview(db, code);
    if (!row) {
      throw new ApiError(404, 'NOT_FOUND', 'Share link not found', {
        details: { code },
        headers: { 'Cache-Control': CACHE_NOT_FOUND, Vary: 'Accept' },
      });
    }
    const page = publicBase ? `${publicBase}/v1/share/${code}` : new URL(c.req.url).href.split('?')[0]!;
    const preview = toSharePreview(row, { page, cover: (path) => storage.publicUrl('covers', path) });
    const headers = { 'Cache-Control': CACHE_FOUND, Vary: 'Accept' };
    if (wantsJson(c.req.header('accept'))) return c.json(preview, 200, headers);
    return c.html(renderSharePage(preview), 200, { ...headers, 'Content-Security-Policy': await csp });
  });
}
