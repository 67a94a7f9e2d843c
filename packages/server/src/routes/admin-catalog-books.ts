// `/v1/admin/books`: editors create, edit, publish, unpublish and delete books (docs/CONTRACT-publishing.md §3).
// Every call runs AS the editor (catalog-admin/context.ts): RLS decides and the audit log names them.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { RoutesApp } from '../app/env.ts';
import {
  asEditor,
  createBook,
  deleteBook,
  type EditorRequest,
  getBook,
  listBooks,
  publishBook,
  unpublishBook,
  updateBook,
} from '../catalog-admin/index.ts';
import type { Database } from '../db/transaction.ts';
import type { TokenService } from '../identity/tokens.ts';
import { type UserEnv, userAuth } from '../middleware/user-auth.ts';
import {
  AdminBookSchema,
  BookCreateSchema,
  BookUpdateSchema,
  cursorOf,
  deleterErrors,
  editorErrors,
  ListQuerySchema,
  pageSchema,
} from './admin-catalog-schemas.ts';
import { error, IdParamSchema } from './payment-schemas.ts';
import { errorResponses } from './schemas.ts';

export interface AdminCatalogRoutesOptions {
  db: Database;
  tokens: TokenService;
}

/** The editor behind a request, with what the audit log records of it. */
export function editorRequest(c: Context<UserEnv>, db: Database): EditorRequest {
  const { user } = c.var;
  return {
    db,
    user: { id: user.id, claims: { ...user.claims } },
    ip: c.req.header('x-forwarded-for')?.split(',')[0]?.trim(),
    userAgent: c.req.header('user-agent'),
  };
}

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const base = { tags: ['Catalog editing'], security: [{ userAccessToken: [] }] };
const BookId = IdParamSchema('The book id.');
const BookPage = pageSchema(AdminBookSchema, 'AdminBookPage');
const BookListQuery = ListQuerySchema.extend({
  status: z
    .enum(['draft', 'published'])
    .optional()
    .openapi({ param: { name: 'status', in: 'query' }, description: 'Only drafts or only published books.' }),
  language: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
    .optional()
    .openapi({ param: { name: 'language', in: 'query' } }),
  publisherId: z
    .uuid()
    .optional()
    .openapi({ param: { name: 'publisherId', in: 'query' } }),
});

/** Registers the `/v1/admin/books` routes. */
export function registerAdminBookRoutes(app: RoutesApp, options: AdminCatalogRoutesOptions): void {
  const { db, tokens } = options;
  const middleware: [MiddlewareHandler<UserEnv>] = [userAuth({ tokens, db })];

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/books',
      summary: 'Books, drafts included, newest first (editors: books:update)',
      middleware,
      request: { query: BookListQuery },
      responses: {
        200: { description: 'One page of books', ...json(BookPage) },
        400: error('Invalid filter, limit or cursor'),
        ...editorErrors,
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid('query');
      const page = await asEditor(
        editorRequest(c, db),
        'books:update',
        (tx) => listBooks(tx, filter, { limit, after: cursorOf(cursor) }),
        { readOnly: true },
      );
      return c.json(page, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/books',
      summary: 'Create a draft book (editors: books:update)',
      description:
        'The book starts as a draft; its file comes from an upload (`/v1/admin/uploads`), then `publish` makes it visible. `authorIds` and `categoryIds` are ordered.',
      middleware,
      request: { body: { required: true, ...json(BookCreateSchema) } },
      responses: {
        201: { description: 'The new draft', ...json(AdminBookSchema) },
        400: error('Invalid field (details.issues or details.field names it)'),
        ...editorErrors,
        409: error('ISBN already used, or an unknown publisher, author or category (CONFLICT, details.field)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const book = await asEditor(editorRequest(c, db), 'books:update', (tx) => createBook(tx, body));
      return c.json(book, 201);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/books/{id}',
      summary: 'One book, draft or published (editors: books:update)',
      middleware,
      request: { params: BookId },
      responses: {
        200: { description: 'The book', ...json(AdminBookSchema) },
        400: error('The id is not a UUID'),
        ...editorErrors,
        404: error('No such book'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const book = await asEditor(editorRequest(c, db), 'books:update', (tx) => getBook(tx, id), { readOnly: true });
      return c.json(book, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'patch',
      path: '/v1/admin/books/{id}',
      summary: 'Change a book (editors: books:update)',
      description: 'Only the fields sent change; `authorIds` / `categoryIds` replace the lists, in order.',
      middleware,
      request: { params: BookId, body: { required: true, ...json(BookUpdateSchema) } },
      responses: {
        200: { description: 'The book', ...json(AdminBookSchema) },
        400: error('Invalid field (details.issues or details.field names it)'),
        ...editorErrors,
        404: error('No such book'),
        409: error('ISBN already used, or an unknown publisher, author or category (CONFLICT, details.field)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const book = await asEditor(editorRequest(c, db), 'books:update', (tx) => updateBook(tx, id, body));
      return c.json(book, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/v1/admin/books/{id}',
      summary: 'Delete a book (admins: books:delete)',
      description: 'Removes the book and its author and category links. Moderators unpublish instead.',
      middleware,
      request: { params: BookId },
      responses: {
        204: { description: 'Deleted' },
        400: error('The id is not a UUID'),
        ...deleterErrors,
        404: error('No such book'),
        409: error('Still referenced (orders, entitlements…)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await asEditor(editorRequest(c, db), 'books:delete', (tx) => deleteBook(tx, id), { action: 'delete' });
      return c.body(null, 204);
    },
  );

  for (const [action, run] of [
    ['publish', publishBook],
    ['unpublish', unpublishBook],
  ] as const) {
    app.openapi(
      createRoute({
        ...base,
        method: 'post',
        path: `/v1/admin/books/{id}/${action}`,
        summary:
          action === 'publish'
            ? 'Publish a book: readers see it (editors: books:update)'
            : 'Take a book back to draft: readers stop seeing it (editors: books:update)',
        description:
          action === 'publish'
            ? 'Refused (422 VALIDATION_ERROR, `details.reason` NO_FILE) while the book has no readable file. Publishing a published book changes nothing.'
            : 'Unpublishing a draft changes nothing.',
        middleware,
        request: { params: BookId },
        responses: {
          200: { description: 'The book', ...json(AdminBookSchema) },
          400: error('The id is not a UUID'),
          ...editorErrors,
          404: error('No such book'),
          ...(action === 'publish' ? { 422: error('The book cannot be published yet (details.reason)') } : {}),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const book = await asEditor(editorRequest(c, db), 'books:update', (tx) => run(tx, id));
        return c.json(book, 200);
      },
    );
  }
}
