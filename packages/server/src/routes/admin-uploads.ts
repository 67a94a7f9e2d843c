// Editors' book uploads (docs/CONTRACT-publishing.md §3): the TUS 1.0.0 protocol (core, creation,
// termination) as Supabase Storage speaks it, so tus-js-client, Uppy and `curl` work against both, plus
// JSON reads of an upload's status. Chunks go to the storage port as parts (it has no append); the last
// one queues the upload and sends the `books.process-upload` job in the same transaction.
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import { BOOKS_BUCKET } from '../content/layout.ts';
import { hasPermission } from '../db/as-user.ts';
import type { Queryable } from '../db/pool.ts';
import { type Database, withTransaction } from '../db/transaction.ts';
import type { TokenService } from '../identity/tokens.ts';
import { QUEUE_NAMES } from '../jobs/queues.ts';
import { jobSender } from '../jobs/send.ts';
import { type UserEnv, userAuth } from '../middleware/user-auth.ts';
import type { Logger } from '../observability/logger.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import { MAX_CHUNK_BYTES, MAX_UPLOAD_BYTES, TUS_CHUNK_CONTENT_TYPE } from '../uploads/limits.ts';
import {
  createUpload,
  findUpload,
  listUploads,
  partPath,
  recordChunk,
  type UploadRow,
  uploadFolder,
  uploadJson,
} from '../uploads/rows.ts';
import {
  bookTypeOf,
  integerHeader,
  parseMetadata,
  TUS_DISCOVERY_HEADERS,
  TUS_RESPONSE_HEADERS,
} from '../uploads/tus.ts';
import { error, IdParamSchema } from './payment-schemas.ts';
import { cursorOf, PageQuerySchema } from './purchases.ts';
import { errorResponses, text } from './schemas.ts';

export interface UploadRoutesOptions {
  db: Database;
  tokens: TokenService;
  storage: StoragePort;
  /** Where the API answers, as clients reach it (`https://…/functions/v1/api`, or `/api`): the `Location` base. */
  apiBase: string;
}

/** The body-limit exception of chunk uploads (see middleware/body-limit.ts): PATCH bodies up to a chunk. */
export const UPLOAD_CHUNK_BODY_LIMIT = {
  method: 'PATCH',
  path: /\/v1\/admin\/uploads\/[^/]+$/,
  maxBytes: MAX_CHUNK_BYTES,
} as const;

/** TUS discovery (`OPTIONS`) is a plain request, not a CORS preflight (see middleware/cors.ts). */
export const UPLOAD_DISCOVERY_PATH = /\/v1\/admin\/uploads$/;

export const UploadSchema = z
  .object({
    id: z.uuid(),
    filename: z.string(),
    size: z.number().int().openapi({ description: 'The whole file in bytes (Upload-Length).' }),
    received: z.number().int().openapi({ description: 'Bytes stored so far (Upload-Offset).' }),
    status: z.enum(['uploading', 'queued', 'processing', 'ready', 'failed']),
    error: z
      .object({
        code: z.string().openapi({ example: 'DRM_PROTECTED' }),
        message: z.string().openapi({ description: 'What went wrong, in words an editor can act on.' }),
      })
      .nullable(),
    bookId: z.uuid().nullable().openapi({ description: 'The draft book the upload made, once processed.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    processedAt: z.iso.datetime().nullable(),
  })
  .openapi('Upload');

const tusHeader = (description: string) => ({ description, schema: { type: 'string' as const } });
const tusResumable = { 'Tus-Resumable': tusHeader('1.0.0') };
const uploadOffset = { 'Upload-Offset': tusHeader('Bytes stored so far: where the next PATCH starts.') };
const auth = { security: [{ userAccessToken: [] }], tags: ['Publishing'] };
const editorErrors = {
  401: error('Missing, invalid or expired access token'),
  403: error('Not an editor (books:update): PERMISSION_DENIED'),
};

const TusHeadersSchema = z.object({
  'tus-resumable': z
    .literal('1.0.0')
    .optional()
    .openapi({ param: { name: 'tus-resumable', in: 'header' }, description: 'The TUS version: 1.0.0.' }),
});

/** Editors only: signed in (userAuth) and granted books:update (admins, moderators). */
function editorOnly(db: Database): MiddlewareHandler<UserEnv> {
  return async (c, next) => {
    const { user } = c.var;
    if (!(await hasPermission(db, { id: user.id, claims: { ...user.claims } }, 'books:update')))
      throw new ApiError(403, 'PERMISSION_DENIED', 'Uploading books needs the books:update permission (editors)', {
        headers: TUS_RESPONSE_HEADERS,
      });
    await next();
  };
}

function notFound(id: string): ApiError {
  return new ApiError(404, 'NOT_FOUND', 'Upload not found', {
    details: { uploadId: id },
    headers: TUS_RESPONSE_HEADERS,
  });
}

/** `/v1/admin/uploads`: TUS creation, offset, chunks and termination; list and status. */
export function registerUploadRoutes(app: RoutesApp, options: UploadRoutesOptions): void {
  const { db, tokens, storage, apiBase } = options;
  const editor = [userAuth({ tokens, db }), editorOnly(db)] as [MiddlewareHandler<UserEnv>, MiddlewareHandler<UserEnv>];
  const location = (id: string) => `${apiBase}/v1/admin/uploads/${id}`;

  app.openapi(
    createRoute({
      method: 'options',
      path: '/v1/admin/uploads',
      tags: ['Publishing'],
      summary: 'TUS discovery: versions, extensions and the largest file',
      responses: {
        204: {
          description: 'What the server supports',
          headers: {
            ...tusResumable,
            'Tus-Version': tusHeader('1.0.0'),
            'Tus-Max-Size': tusHeader(String(MAX_UPLOAD_BYTES)),
            'Tus-Extension': tusHeader('creation,termination'),
          },
        },
      },
    }),
    (c) => c.body(null, 204, TUS_DISCOVERY_HEADERS),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/uploads',
      ...auth,
      summary: 'Start uploading an EPUB or PDF (TUS creation)',
      description: `Creates an upload of \`Upload-Length\` bytes (at most ${MAX_UPLOAD_BYTES}, 50 MiB). \`Upload-Metadata\` carries \`filename\` (required, .epub or .pdf) and \`contentType\` (or \`filetype\`), base64-encoded. Then send the bytes with PATCH to the \`Location\`, in chunks of at most ${MAX_CHUNK_BYTES} bytes (6 MiB).`,
      middleware: editor,
      request: {
        headers: TusHeadersSchema.extend({
          'upload-length': z
            .string()
            .openapi({ param: { name: 'upload-length', in: 'header' }, description: 'The file size in bytes.' }),
          'upload-metadata': z
            .string()
            .optional()
            .openapi({
              param: { name: 'upload-metadata', in: 'header' },
              description: 'filename <base64>,contentType <base64>',
            }),
        }),
      },
      responses: {
        201: {
          description: 'Created: PATCH the bytes to the Location',
          headers: { ...tusResumable, ...uploadOffset, Location: tusHeader('The upload URL') },
          content: { 'application/json': { schema: UploadSchema } },
        },
        400: error('Missing or invalid Upload-Length or Upload-Metadata'),
        ...editorErrors,
        413: error('Larger than 50 MiB (PAYLOAD_TOO_LARGE)'),
        415: error('Not an EPUB or a PDF (UNSUPPORTED_MEDIA_TYPE)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const size = integerHeader('Upload-Length', c.req.header('upload-length'));
      if (size > MAX_UPLOAD_BYTES)
        throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `Books are limited to ${MAX_UPLOAD_BYTES} bytes (50 MiB)`, {
          details: { limitBytes: MAX_UPLOAD_BYTES, size },
          headers: TUS_RESPONSE_HEADERS,
        });
      if (size === 0)
        throw new ApiError(400, 'VALIDATION_ERROR', 'The file is empty', {
          details: { header: 'Upload-Length' },
          headers: TUS_RESPONSE_HEADERS,
        });
      const metadata = parseMetadata(c.req.header('upload-metadata'));
      const filename = text({ max: 255 }).safeParse(metadata.filename ?? '');
      if (!filename.success)
        throw new ApiError(400, 'VALIDATION_ERROR', 'Upload-Metadata needs a filename (1–255 characters)', {
          details: { header: 'Upload-Metadata', key: 'filename' },
          headers: TUS_RESPONSE_HEADERS,
        });
      const contentType = bookTypeOf(filename.data, metadata.contentType ?? metadata.filetype);
      const upload = await createUpload(db, { createdBy: c.var.user.id, filename: filename.data, contentType, size });
      return c.json(uploadJson(upload), 201, {
        ...TUS_RESPONSE_HEADERS,
        Location: location(upload.id),
        'Upload-Offset': '0',
      });
    },
  );

  // Hono answers HEAD with the GET route (body dropped), so `GET /{id}` sets the TUS headers; HEAD is
  // documented on its own for TUS clients.
  app.openAPIRegistry.registerPath({
    method: 'head',
    path: '/v1/admin/uploads/{id}',
    ...auth,
    summary: 'Where to resume: the bytes stored so far (TUS)',
    request: { params: IdParamSchema('The upload id.') },
    responses: {
      200: {
        description: 'The offset',
        headers: { ...tusResumable, ...uploadOffset, 'Upload-Length': tusHeader('The file size') },
      },
      ...editorErrors,
      404: { description: 'No such upload' },
      ...errorResponses,
    },
  });

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/admin/uploads/{id}',
      ...auth,
      summary: 'Send the next chunk (TUS)',
      description: `Appends the body (\`application/offset+octet-stream\`, at most ${MAX_CHUNK_BYTES} bytes) at \`Upload-Offset\`, which must equal the bytes stored so far (HEAD tells). The last chunk queues the upload for processing.`,
      middleware: editor,
      request: {
        params: IdParamSchema('The upload id.'),
        headers: TusHeadersSchema.extend({
          'upload-offset': z
            .string()
            .openapi({ param: { name: 'upload-offset', in: 'header' }, description: 'Where this chunk starts.' }),
        }),
        body: { content: { [TUS_CHUNK_CONTENT_TYPE]: { schema: z.string().openapi({ format: 'binary' }) } } },
      },
      responses: {
        204: { description: 'Stored', headers: { ...tusResumable, ...uploadOffset } },
        400: error('Missing or invalid Upload-Offset'),
        ...editorErrors,
        404: error('No such upload'),
        409: error('Upload-Offset is not the stored offset, or the upload is complete (CONFLICT)'),
        413: error('A chunk over 6 MiB, or past Upload-Length (PAYLOAD_TOO_LARGE)'),
        415: error('Not application/offset+octet-stream (UNSUPPORTED_MEDIA_TYPE)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() !== TUS_CHUNK_CONTENT_TYPE)
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send chunks as ${TUS_CHUNK_CONTENT_TYPE}`, {
          headers: TUS_RESPONSE_HEADERS,
        });
      const offset = integerHeader('Upload-Offset', c.req.header('upload-offset'));
      // Checked before reading the body (a wrong offset costs no upload) and again under the row lock.
      expectOffset((await findUpload(db, id)) ?? null, id, offset);
      const chunk = new Uint8Array(await c.req.arrayBuffer());
      const updated = await withTransaction(db, async (tx) => {
        const upload = expectOffset((await findUpload(tx, id, { forUpdate: true })) ?? null, id, offset);
        if (offset + chunk.byteLength > Number(upload.size))
          throw new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The chunk goes past Upload-Length', {
            details: { size: Number(upload.size), offset, chunkBytes: chunk.byteLength },
            headers: TUS_RESPONSE_HEADERS,
          });
        if (chunk.byteLength === 0) return upload;
        await storage.put(BOOKS_BUCKET, partPath(id, offset), chunk, {
          contentType: 'application/octet-stream',
          upsert: true,
        });
        const row = await recordChunk(tx, id, offset + chunk.byteLength);
        if (row.status === 'queued') await sendProcessJob(tx, id, c.var.logger);
        return row;
      });
      return c.body(null, 204, { ...TUS_RESPONSE_HEADERS, 'Upload-Offset': String(updated.received) });
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/admin/uploads/{id}',
      ...auth,
      summary: 'Cancel an unfinished upload, or forget a failed one (TUS termination)',
      middleware: editor,
      request: { params: IdParamSchema('The upload id.') },
      responses: {
        204: { description: 'Deleted, with its stored chunks', headers: tusResumable },
        ...editorErrors,
        404: error('No such upload'),
        409: error('Queued, processing or ready: it cannot be cancelled (CONFLICT)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await withTransaction(db, async (tx) => {
        const upload = await findUpload(tx, id, { forUpdate: true });
        if (!upload) throw notFound(id);
        if (upload.status !== 'uploading' && upload.status !== 'failed')
          throw new ApiError(409, 'CONFLICT', `The upload is ${upload.status}: it can no longer be cancelled`, {
            details: { status: upload.status },
            headers: TUS_RESPONSE_HEADERS,
          });
        await tx.query('delete from public.book_uploads where id = $1', [id]);
        const parts = await storage.list(BOOKS_BUCKET, uploadFolder(id));
        if (parts.length)
          await storage.remove(
            BOOKS_BUCKET,
            parts.map((part) => part.path),
          );
      });
      return c.body(null, 204, TUS_RESPONSE_HEADERS);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/uploads',
      ...auth,
      summary: 'Uploads, newest first (every editor’s)',
      middleware: editor,
      request: { query: PageQuerySchema },
      responses: {
        200: {
          description: 'One page of uploads',
          content: {
            'application/json': {
              schema: z
                .object({ data: z.array(UploadSchema), nextCursor: z.string().nullable() })
                .openapi('UploadPage'),
            },
          },
        },
        400: error('Invalid limit or cursor'),
        ...editorErrors,
        ...errorResponses,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await listUploads(db, { limit: query.limit, after: cursorOf(query.cursor) });
      return c.json({ data: page.rows.map(uploadJson), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/uploads/{id}',
      ...auth,
      summary: 'One upload: its status, the draft it made, or why it failed (poll it)',
      description: 'Also sends the TUS headers `Upload-Offset` and `Upload-Length` (what HEAD answers).',
      middleware: editor,
      request: { params: IdParamSchema('The upload id.') },
      responses: {
        200: { description: 'The upload', content: { 'application/json': { schema: UploadSchema } } },
        400: error('The id is not a UUID'),
        ...editorErrors,
        404: error('No such upload'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const upload = await findUpload(db, id);
      if (!upload) throw notFound(id);
      return c.json(uploadJson(upload), 200, {
        ...TUS_RESPONSE_HEADERS,
        'Upload-Offset': String(upload.received),
        'Upload-Length': String(upload.size),
        'Cache-Control': 'no-store',
      });
    },
  );
}

/**
 * Sends `books.process-upload` in the chunk's transaction, so a queued upload always has its job. Without
 * pg-boss's schema or queue (a database no worker has started on yet) the upload stays `queued` and is
 * logged; the chunk is kept (a savepoint undoes only the failed send).
 */
async function sendProcessJob(tx: Queryable, uploadId: string, log: Logger): Promise<void> {
  await tx.query('savepoint send_job');
  try {
    const jobId = await jobSender(tx)(QUEUE_NAMES.processBookUpload, { uploadId });
    await tx.query('release savepoint send_job');
    if (!jobId)
      log.warn('upload queued without a job: the queue does not exist yet (start `coko worker`)', { uploadId });
  } catch (error) {
    await tx.query('rollback to savepoint send_job');
    log.error('upload queued without a job: sending it failed (start `coko worker`)', { uploadId, err: error });
  }
}

/** The upload when it is still receiving and `offset` is where it stands; else 404 or 409. */
function expectOffset(upload: UploadRow | null, id: string, offset: number): UploadRow {
  if (!upload) throw notFound(id);
  if (upload.status !== 'uploading')
    throw new ApiError(409, 'CONFLICT', `The upload is ${upload.status}: it takes no more bytes`, {
      details: { status: upload.status },
      headers: { ...TUS_RESPONSE_HEADERS, 'Upload-Offset': String(upload.received) },
    });
  if (Number(upload.received) !== offset)
    throw new ApiError(409, 'CONFLICT', `Upload-Offset must be ${upload.received}, the bytes stored so far`, {
      details: { expectedOffset: Number(upload.received), offset },
      headers: { ...TUS_RESPONSE_HEADERS, 'Upload-Offset': String(upload.received) },
    });
  return upload;
}
