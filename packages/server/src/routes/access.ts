import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { JSONValue } from 'hono/utils/types';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import { epubFolderToken } from '../content/epub-folder-token.ts';
import { BOOKS_BUCKET, COVERS_BUCKET, coverPaths } from '../content/layout.ts';
import { withResourceUrls } from '../content/manifest-urls.ts';
import { readerAccess } from '../content/reader-access.ts';
import { manifestStore } from '../content/stored-manifest.ts';
import { WEBPUB_MEDIA_TYPE } from '../content/webpub.ts';
import type { Queryable } from '../db/pool.ts';
import type { TokenService } from '../identity/tokens.ts';
import type { RouteLimits } from '../limits/route-limits.ts';
import { downloadLimits } from '../middleware/download-limits.ts';
import { type UserEnv, userAuth } from '../middleware/user-auth.ts';
import { isStorageError, type StoragePort } from '../providers/storage/port.ts';
import type { UrlSigner } from '../providers/storage/signing.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';

export interface AccessRoutesOptions {
  db: Queryable;
  tokens: TokenService;
  storage: StoragePort;
  /** Signs the manifest URLs (the local adapter's signer: one key per deployment). */
  signer: UrlSigner;
  /** Seconds every signed URL lives (`ACCESS_URL_TTL`). */
  ttlSeconds: number;
  /** Where the API answers, as clients reach it (`https://…/functions/v1/api`, or `/api`). */
  apiBase: string;
  /** Each access counts as a download (10/hour, 3 at once); none when limits are off. */
  limits?: RouteLimits | undefined;
  /** Wall clock in ms of URL expiry (default `Date.now`). */
  now?: (() => number) | undefined;
}

// The manifest's signature covers ('webpub', bookId, exp): no storage object has that bucket, so it opens
// nothing on the files route, and a file URL's signature opens no manifest.
const MANIFEST_SIGNING_BUCKET = 'webpub';
const MANIFEST_MAX_AGE = 60;

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

const Params = z.object({
  id: z.guid().openapi({
    param: { name: 'id', in: 'path' },
    description: 'The book id.',
    example: '6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11',
  }),
});

const SignatureQuery = z.object({
  exp: z
    .string()
    .optional()
    .openapi({ param: { name: 'exp', in: 'query' }, description: 'Expiry (Unix seconds).' }),
  sig: z
    .string()
    .optional()
    .openapi({ param: { name: 'sig', in: 'query' }, description: 'HMAC-SHA256 signature.' }),
});
const Signature = z.object({ exp: z.string().regex(/^\d{1,12}$/), sig: z.string().max(64) });

const AccessSchema = z
  .object({
    bookId: z.string(),
    right: z.enum(['free', 'purchase', 'subscription']),
    format: z.enum(['epub', 'pdf']),
    expiresAt: z.string().openapi({ description: 'When every URL below stops working (ISO 8601).' }),
    file: z.object({
      url: z.string().openapi({ description: 'Signed URL of the whole file; `Range` resumes a dropped download.' }),
      size: z.number().int(),
      etag: z.string(),
      contentType: z.string(),
    }),
    manifest: z
      .object({ url: z.string() })
      .nullable()
      .openapi({ description: 'EPUB only: signed URL of the Readium Web Publication manifest.' }),
    cover: z.object({ small: z.string(), large: z.string() }).nullable(),
  })
  .openapi('Access');

type AccessMiddleware = [MiddlewareHandler<UserEnv>, MiddlewareHandler<UserEnv>];

const accessRoute = (middleware: AccessMiddleware) =>
  createRoute({
    method: 'get',
    path: '/v1/books/{id}/access',
    tags: ['Content'],
    summary: 'Open a book: signed URLs of its file and reading manifest',
    description:
      "Checks the reader's right to read — the book is published, sold in the reader's country (their profile) " +
      'and free, bought or covered by an active subscription — and answers short-lived signed URLs ' +
      '(`ACCESS_URL_TTL`, default an hour): the whole file (HTTP Range, ETag), for an EPUB a Readium Web ' +
      'Publication manifest whose resources carry a signed path token (a reader streams chapter by chapter), and the ' +
      'covers. No right, no URL. Counts as a download: 10 per hour and 3 at once per reader.',
    security: [{ userAccessToken: [] }],
    middleware,
    request: { params: Params },
    responses: {
      200: { description: 'The signed URLs', content: { 'application/json': { schema: AccessSchema } } },
      400: error('The id is not a UUID'),
      401: error('Missing, invalid, expired or revoked access token'),
      403: error(
        'Not sold in the reader’s country (NOT_AVAILABLE_IN_COUNTRY), or neither free, bought nor covered by a ' +
          'subscription (NOT_ENTITLED)',
      ),
      404: error('No such published book, or the book has no file yet'),
      429: error('Too many downloads: 10 per hour or 3 at once per reader (RATE_LIMITED, Retry-After)'),
      503: error('Storage or download limits unavailable for a moment (SERVICE_UNAVAILABLE, Retry-After)'),
      ...errorResponses,
    },
  });

const manifestRoute = createRoute({
  method: 'get',
  path: '/v1/books/{id}/manifest.json',
  tags: ['Content'],
  summary: 'Readium Web Publication manifest of a book, through a signed URL',
  description:
    'The URL comes from `GET /v1/books/{id}/access`; its signature is the credential (no token, so a web reader ' +
    'can fetch it). Every `readingOrder`, `resources`, `toc` and `pageList` href is a URL of one file of the ' +
    'EPUB under `/v1/books/{id}/epub/{token}/`, valid until the manifest URL expires.',
  request: { params: Params, query: SignatureQuery },
  responses: {
    200: {
      description: 'The manifest',
      content: { [WEBPUB_MEDIA_TYPE]: { schema: z.record(z.string(), z.unknown()) } },
    },
    403: error('Missing, bad or expired signature (PERMISSION_DENIED)'),
    404: error('The book has no manifest (not an EPUB, or no file yet)'),
    503: error('Storage unavailable for a moment (SERVICE_UNAVAILABLE)'),
    ...errorResponses,
  },
});

/** Storage failures as the API's errors: a moment's outage is a 503, never a 500. */
async function fromStorage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (cause) {
    if (isStorageError(cause) && cause.code === 'unavailable') {
      throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'Storage is unavailable; retry shortly', {
        headers: { 'Retry-After': '5' },
        cause,
      });
    }
    throw cause;
  }
}

/** Counts one access grant (private.record_download: today's total and the book's). */
const recordDownload = (db: Queryable, bookId: string) => db.query('select private.record_download($1)', [bookId]);

const noFile = (bookId: string) =>
  new ApiError(404, 'NOT_FOUND', 'This book has no file to read yet', { details: { bookId } });

/** The country a reader without one in their profile reads from: their token's, else the SDK's header. */
function requestCountry(claims: { app_metadata?: unknown }, header: string | undefined): string | null {
  const metadata = claims.app_metadata as { country?: unknown } | undefined;
  const candidate = typeof metadata?.country === 'string' ? metadata.country : header?.trim().toUpperCase();
  return candidate && /^[A-Z]{2}$/.test(candidate) ? candidate : null;
}

/**
 * `GET /v1/books/{id}/access` (the right to read, then signed URLs) and `GET /v1/books/{id}/manifest.json`
 * (the signed Readium manifest it points to).
 */
export function registerAccessRoutes(app: RoutesApp, options: AccessRoutesOptions): void {
  const { db, tokens, storage, signer, ttlSeconds, apiBase } = options;
  const now = options.now ?? Date.now;
  const manifests = manifestStore(storage);
  const manifestUrl = (bookId: string, exp: number, sig: string) =>
    `${apiBase}/v1/books/${bookId}/manifest.json?exp=${exp}&sig=${sig}`;

  app.openapi(accessRoute([userAuth({ tokens, db }), downloadLimits(options.limits)]), async (c) => {
    const { id } = c.req.valid('param');
    const access = await readerAccess(
      db,
      c.var.user.id,
      id,
      requestCountry(c.var.user.claims, c.req.header('x-coko-country')),
    );
    if (access.outcome === 'not_found') throw new ApiError(404, 'NOT_FOUND', 'Book not found', { details: { id } });
    if (access.outcome === 'not_available') {
      throw new ApiError(403, 'NOT_AVAILABLE_IN_COUNTRY', 'This book is not available in your country', {
        details: { bookId: id, country: access.country },
      });
    }
    if (access.outcome === 'not_entitled') {
      throw new ApiError(403, 'NOT_ENTITLED', 'Buy this book or subscribe to a plan that covers it to read it', {
        details: { bookId: id },
      });
    }
    const { filePath, format } = access;
    if (!filePath || !format) throw noFile(id);
    const object = await fromStorage(storage.head(BOOKS_BUCKET, filePath));
    if (!object) throw noFile(id);

    const exp = Math.floor(now() / 1000) + ttlSeconds;
    const [fileUrl, manifestSig] = await Promise.all([
      fromStorage(storage.signedUrl(BOOKS_BUCKET, filePath, { expiresIn: ttlSeconds })),
      format === 'epub' ? signer.sign(MANIFEST_SIGNING_BUCKET, id, exp) : undefined,
    ]);
    const covers = access.coverPath ? coverPaths(access.coverPath) : null;
    // The grant is a download (coko_downloads_total, top_books). A counter that fails must not keep a
    // reader from a book they may read: the miss is logged, the URLs still go out.
    await recordDownload(db, id).catch((err: unknown) =>
      c.var.logger.warn('download not counted', { err, bookId: id }),
    );
    c.header('Cache-Control', 'private, no-store');
    return c.json(
      {
        bookId: id,
        right: access.right,
        format,
        expiresAt: new Date(exp * 1000).toISOString(),
        file: { url: fileUrl, size: object.size, etag: object.etag, contentType: object.contentType },
        manifest: manifestSig ? { url: manifestUrl(id, exp, manifestSig) } : null,
        cover: covers
          ? {
              small: storage.publicUrl(COVERS_BUCKET, covers.small),
              large: storage.publicUrl(COVERS_BUCKET, covers.large),
            }
          : null,
      },
      200,
    );
  });

  app.openapi(manifestRoute, async (c) => {
    const { id } = c.req.valid('param');
    const denied = (reason: string) =>
      new ApiError(403, 'PERMISSION_DENIED', 'This link is invalid or has expired; ask for a new one', {
        details: { reason },
        headers: { 'Cache-Control': 'no-store' },
      });
    const query = Signature.safeParse(c.req.valid('query'));
    if (!query.success) throw denied('unsigned');
    const exp = Number(query.data.exp);
    // Checked before the clock so that a forged URL learns nothing, not even whether it expired.
    if (!(await signer.verify(MANIFEST_SIGNING_BUCKET, id, exp, query.data.sig))) throw denied('bad_signature');
    const secondsLeft = exp - Math.floor(now() / 1000);
    if (secondsLeft <= 0) throw denied('expired');

    const stored = await fromStorage(manifests.load(id));
    if (!stored) throw noFile(id);
    // One token for the whole EPUB folder, expiring with the manifest URL: a refund stops reading within
    // ACCESS_URL_TTL, and relative URLs inside a chapter keep the token (see epub-folder-token.ts).
    const token = await epubFolderToken(signer, id, exp);
    const manifest = withResourceUrls(stored, {
      resourcesUrl: `${apiBase}/v1/books/${id}/epub/${token}/`,
      selfUrl: manifestUrl(id, exp, query.data.sig),
    });
    // c.json keeps a Content-Type it is given: the WebPub media type, which readers check.
    return c.json(manifest as { [key: string]: JSONValue }, 200, {
      'Content-Type': WEBPUB_MEDIA_TYPE,
      'Cache-Control': `private, max-age=${Math.min(secondsLeft, MANIFEST_MAX_AGE)}`,
    });
  });
}
