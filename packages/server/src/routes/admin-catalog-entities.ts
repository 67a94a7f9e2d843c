// `/v1/admin/authors`, `/v1/admin/publishers`, `/v1/admin/categories`: editors manage the catalog's authors,
// publishers and category tree (docs/CONTRACT-publishing.md §3). Same five routes for each; moving a category
// is a PATCH of its parentId (a cycle is a 409). Every call runs AS the editor (catalog-admin/context.ts).
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { RoutesApp } from '../app/env.ts';
import {
  AUTHORS,
  asEditor,
  CATEGORIES,
  createEntity,
  deleteEntity,
  type EntitySpec,
  getEntity,
  listEntities,
  PUBLISHERS,
  updateEntity,
} from '../catalog-admin/index.ts';
import { type UserEnv, userAuth } from '../middleware/user-auth.ts';
import type { AdminCatalogRoutesOptions } from './admin-catalog-books.ts';
import { editorRequest } from './admin-catalog-books.ts';
import {
  AuthorSchema,
  AuthorWriteSchema,
  CategorySchema,
  CategoryWriteSchema,
  cursorOf,
  deleterErrors,
  editorErrors,
  ListQuerySchema,
  PublisherSchema,
  PublisherWriteSchema,
  pageSchema,
} from './admin-catalog-schemas.ts';
import { error, IdParamSchema } from './payment-schemas.ts';
import { errorResponses } from './schemas.ts';

interface Resource {
  spec: EntitySpec;
  path: string;
  /** Plural, for summaries. */
  plural: string;
  schema: z.ZodType;
  write: z.ZodObject;
  deleteConflict: string;
  listQuery: z.ZodObject;
}

const CategoryListQuery = ListQuerySchema.extend({
  parentId: z
    .union([z.literal('root'), z.uuid()])
    .optional()
    .openapi({
      param: { name: 'parentId', in: 'query' },
      description: 'Only the children of this category (`root`: the top level).',
    }),
});

const RESOURCES: Resource[] = [
  {
    spec: AUTHORS,
    path: 'authors',
    plural: 'authors',
    schema: AuthorSchema,
    write: AuthorWriteSchema,
    deleteConflict: 'The author is credited on books (CONFLICT)',
    listQuery: ListQuerySchema,
  },
  {
    spec: PUBLISHERS,
    path: 'publishers',
    plural: 'publishers',
    schema: PublisherSchema,
    write: PublisherWriteSchema,
    deleteConflict: 'Not used: books of a deleted publisher keep no publisher',
    listQuery: ListQuerySchema,
  },
  {
    spec: CATEGORIES,
    path: 'categories',
    plural: 'categories',
    schema: CategorySchema,
    write: CategoryWriteSchema,
    deleteConflict: 'The category has subcategories (CONFLICT)',
    listQuery: CategoryListQuery,
  },
];

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const base = { tags: ['Catalog editing'], security: [{ userAccessToken: [] }] };

/** Registers the routes of authors, publishers and categories. */
export function registerAdminCatalogEntityRoutes(app: RoutesApp, options: AdminCatalogRoutesOptions): void {
  const { db, tokens } = options;
  const middleware: [MiddlewareHandler<UserEnv>] = [userAuth({ tokens, db })];
  for (const resource of RESOURCES) register(app, db, middleware, resource);
}

function register(
  app: RoutesApp,
  db: AdminCatalogRoutesOptions['db'],
  middleware: [MiddlewareHandler<UserEnv>],
  resource: Resource,
): void {
  const { spec, plural } = resource;
  const label = spec.label.toLowerCase();
  const collection = `/v1/admin/${resource.path}`;
  const item = `${collection}/{id}`;
  const Id = IdParamSchema(`The ${label} id.`);
  const Create = resource.write.required({ name: true }).openapi(`Admin${spec.label}Create`);
  const Update = resource.write.openapi(`Admin${spec.label}Update`);
  const Page = pageSchema(resource.schema, `Admin${spec.label}Page`);
  const conflict = error('Slug already used, or a reference to nothing (CONFLICT, details.field)');

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: collection,
      summary: `${spec.label === 'Category' ? 'Categories' : `${spec.label}s`}, newest first (editors: books:update)`,
      middleware,
      request: { query: resource.listQuery },
      responses: {
        200: { description: `One page of ${plural}`, ...json(Page) },
        400: error('Invalid limit, cursor or filter'),
        ...editorErrors,
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor, q, parentId } = c.req.valid('query') as {
        limit: number;
        cursor?: string;
        q?: string;
        parentId?: string;
      };
      const filter = { q, parentId: parentId === 'root' ? null : parentId };
      const page = await asEditor(
        editorRequest(c, db),
        'books:update',
        (tx) => listEntities(tx, spec, filter, { limit, after: cursorOf(cursor) }),
        { readOnly: true },
      );
      return c.json(page, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: collection,
      summary: `Create a ${label} (editors: books:update)`,
      middleware,
      request: { body: { required: true, ...json(Create) } },
      responses: {
        201: { description: `The new ${label}`, ...json(resource.schema) },
        400: error('Invalid field (details.issues or details.field names it)'),
        ...editorErrors,
        409: conflict,
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json') as Record<string, unknown>;
      const row = await asEditor(editorRequest(c, db), 'books:update', (tx) => createEntity(tx, spec, body));
      return c.json(row, 201);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: item,
      summary: `One ${label} (editors: books:update)`,
      middleware,
      request: { params: Id },
      responses: {
        200: { description: `The ${label}`, ...json(resource.schema) },
        400: error('The id is not a UUID'),
        ...editorErrors,
        404: error(`No such ${label}`),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await asEditor(editorRequest(c, db), 'books:update', (tx) => getEntity(tx, spec, id), {
        readOnly: true,
      });
      return c.json(row, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'patch',
      path: item,
      summary:
        spec === CATEGORIES
          ? 'Change or move a category (editors: books:update)'
          : `Change a ${label} (editors: books:update)`,
      description:
        spec === CATEGORIES
          ? 'Moving is a change of `parentId`; under itself or one of its subcategories is a 409 CONFLICT (details.field = parentId).'
          : 'Only the fields sent change.',
      middleware,
      request: { params: Id, body: { required: true, ...json(Update) } },
      responses: {
        200: { description: `The ${label}`, ...json(resource.schema) },
        400: error('Invalid field (details.issues or details.field names it)'),
        ...editorErrors,
        404: error(`No such ${label}`),
        409: spec === CATEGORIES ? error('A cycle in the category tree, or a slug already used (CONFLICT)') : conflict,
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json') as Record<string, unknown>;
      const row = await asEditor(editorRequest(c, db), 'books:update', (tx) => updateEntity(tx, spec, id, body));
      return c.json(row, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: item,
      summary: `Delete a ${label} (admins: books:delete)`,
      middleware,
      request: { params: Id },
      responses: {
        204: { description: 'Deleted' },
        400: error('The id is not a UUID'),
        ...deleterErrors,
        404: error(`No such ${label}`),
        409: error(resource.deleteConflict),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await asEditor(editorRequest(c, db), 'books:delete', (tx) => deleteEntity(tx, spec, id), { action: 'delete' });
      return c.body(null, 204);
    },
  );
}
