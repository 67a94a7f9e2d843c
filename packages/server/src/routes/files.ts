import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { RoutesApp } from '../app/env.ts';
import { errorResponse } from '../app/errors.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import type { UrlSigner } from '../providers/storage/signing.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';
import { storedFileResponse } from './stored-file-response.ts';

export interface FileRoutesOptions {
  storage: StoragePort;
  /** Verifies the `sig` of local signed URLs (the local adapter signs with the same key). */
  signer: UrlSigner;
  /** Wall clock in ms for expiry (default `Date.now`). */
  now?: (() => number) | undefined;
}

const Query = z.object({
  exp: z.string().regex(/^\d{1,12}$/),
  sig: z.string().max(64),
});

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

function describeRoute(app: RoutesApp): void {
  const parameters = {
    params: z.object({
      bucket: z.string().openapi({ param: { name: 'bucket', in: 'path' }, example: 'books' }),
      path: z.string().openapi({
        param: { name: 'path', in: 'path' },
        description: 'Object path inside the bucket; may contain `/`.',
        example: '6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11/book.epub',
      }),
    }),
    query: z.object({
      exp: z.string().openapi({ param: { name: 'exp', in: 'query' }, description: 'Expiry (Unix seconds).' }),
      sig: z.string().openapi({ param: { name: 'sig', in: 'query' }, description: 'HMAC-SHA256 signature.' }),
    }),
  };
  for (const method of ['get', 'head'] as const) {
    app.openAPIRegistry.registerPath({
      method,
      path: '/v1/files/{bucket}/{path}',
      tags: ['Content'],
      summary: method === 'get' ? 'Download a file through a signed URL' : 'Describe a file through a signed URL',
      description:
        "Serves the local storage adapter's signed URLs (with Supabase Storage, signed URLs point to Storage " +
        'itself). The signature is the credential. One `Range` (`bytes=a-b`, `a-`, `-n`) answers 206 with ' +
        '`Content-Range`, so an interrupted download resumes; several ranges answer the whole file (200). ' +
        '`ETag` + `If-None-Match` → 304; `If-Range` with another version → the whole file. ' +
        '`Cache-Control: private, max-age=<seconds until exp>`.',
      request: parameters,
      responses: {
        200: {
          description: 'The whole file',
          content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
        },
        206: {
          description: 'The requested range',
          content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
        },
        304: { description: 'Not modified (If-None-Match matched)' },
        403: error('Missing, bad or expired signature (PERMISSION_DENIED)'),
        404: error('No such file (NOT_FOUND)'),
        416: error('The range starts past the end of the file (RANGE_NOT_SATISFIABLE); Content-Range: bytes */size'),
        503: error('Storage unavailable for a moment (SERVICE_UNAVAILABLE)'),
        ...errorResponses,
      },
    });
  }
}

/** `GET`/`HEAD /v1/files/{bucket}/{path…}?exp=…&sig=…`: the local adapter's signed URLs. */
export function registerFileRoutes(app: RoutesApp, options: FileRoutesOptions): void {
  const { storage, signer } = options;
  const now = options.now ?? Date.now;
  describeRoute(app);

  const denied = (c: Context, reason: string) =>
    errorResponse(c, 403, 'PERMISSION_DENIED', 'This link is invalid or has expired; ask for a new one', {
      details: { reason },
      headers: { 'Cache-Control': 'no-store' },
    });

  app.on(['GET', 'HEAD'], '/v1/files/:bucket/:path{.+}', async (c) => {
    const { bucket, path } = c.req.param() as { bucket: string; path: string };
    const query = Query.safeParse({ exp: c.req.query('exp'), sig: c.req.query('sig') });
    if (!query.success) return denied(c, 'unsigned');
    const exp = Number(query.data.exp);
    // Checked before the clock so that a forged URL learns nothing, not even whether it expired.
    if (!(await signer.verify(bucket, path, exp, query.data.sig))) return denied(c, 'bad_signature');
    const secondsLeft = exp - Math.floor(now() / 1000);
    if (secondsLeft <= 0) return denied(c, 'expired');
    return storedFileResponse(c, storage, bucket, path, `private, max-age=${secondsLeft}`);
  });
}
