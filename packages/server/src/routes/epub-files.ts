import { z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import { errorResponse } from '../app/errors.ts';
import { checkEpubFolderToken, epubFolder } from '../content/epub-folder-token.ts';
import { BOOKS_BUCKET } from '../content/layout.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import type { UrlSigner } from '../providers/storage/signing.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';
import { storedFileResponse } from './stored-file-response.ts';

export interface EpubFileRoutesOptions {
  /** Either adapter: the files stream through the API, so Supabase Storage needs no signed URL per file. */
  storage: StoragePort;
  /** Verifies folder tokens (the key that signs the manifest URLs). */
  signer: UrlSigner;
  /** Wall clock in ms for expiry (default `Date.now`). */
  now?: (() => number) | undefined;
}

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });
const binary = (description: string) => ({
  description,
  content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
});

function describeRoute(app: RoutesApp): void {
  const params = z.object({
    id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: 'The book id.' }),
    token: z.string().openapi({
      param: { name: 'token', in: 'path' },
      description: '`<exp>.<sig>`: expiry (Unix seconds) and HMAC-SHA256 of the book’s EPUB folder.',
    }),
    path: z.string().openapi({
      param: { name: 'path', in: 'path' },
      description: 'A file inside the EPUB; may contain `/`.',
      example: 'OEBPS/text/chapter-01.xhtml',
    }),
  });
  for (const method of ['get', 'head'] as const) {
    app.openAPIRegistry.registerPath({
      method,
      path: '/v1/books/{id}/epub/{token}/{path}',
      tags: ['Content'],
      summary: method === 'get' ? 'A file of a book’s EPUB, through its manifest' : 'Describe a file of a book’s EPUB',
      description:
        'The URLs come from the signed manifest (`GET /v1/books/{id}/manifest.json`). The token is a path ' +
        'segment, so the relative URLs inside a chapter (stylesheet, images, fonts, other chapters) resolve to ' +
        'URLs that carry it too; a relative URL climbing above it loses it (403). `Range` → 206, `ETag` + ' +
        '`If-None-Match` → 304, `Cache-Control: private, max-age=<seconds until exp>`.',
      request: { params },
      responses: {
        200: binary('The whole file'),
        206: binary('The requested range'),
        304: { description: 'Not modified (If-None-Match matched)' },
        403: error('Missing, bad or expired token (PERMISSION_DENIED)'),
        404: error('No such file in the book (NOT_FOUND)'),
        416: error('The range starts past the end of the file (RANGE_NOT_SATISFIABLE)'),
        503: error('Storage unavailable for a moment (SERVICE_UNAVAILABLE)'),
        ...errorResponses,
      },
    });
  }
}

/** `GET`/`HEAD /v1/books/{id}/epub/{token}/{path…}`: the files a signed manifest points to. */
export function registerEpubFileRoutes(app: RoutesApp, options: EpubFileRoutesOptions): void {
  const { storage, signer } = options;
  const now = options.now ?? Date.now;
  describeRoute(app);

  app.on(['GET', 'HEAD'], '/v1/books/:id/epub/:token/:path{.+}', async (c) => {
    const { id, token, path } = c.req.param() as { id: string; token: string; path: string };
    const check = await checkEpubFolderToken(signer, id, token, Math.floor(now() / 1000));
    if (!check.valid) {
      return errorResponse(c, 403, 'PERMISSION_DENIED', 'This link is invalid or has expired; ask for a new one', {
        details: { reason: check.reason },
        headers: { 'Cache-Control': 'no-store' },
      });
    }
    return storedFileResponse(
      c,
      storage,
      BOOKS_BUCKET,
      `${epubFolder(id)}${path}`,
      `private, max-age=${check.secondsLeft}`,
    );
  });
}
