// The data API (PostgREST at /rest/v1) as partners call it through @coko/sdk, documented next to the
// server routes in /api/openapi.json and /api/reference. Hand-written from the SDK's calls
// (packages/sdk/src/catalog, packages/sdk/src/reading, packages/sdk/src/account): PostgREST's own description lists every
// table, but not which calls the SDK makes, with which select, headers and RPC arguments.

type Json = Record<string, unknown>;

const TAG = 'Data API (PostgREST)';

const headers = {
  apikey: {
    name: 'apikey',
    in: 'header',
    required: true,
    schema: { type: 'string' },
    description: "The partner's `pk_…` key or the project's publishable key.",
  },
  prefer: (description: string, example: string) => ({
    name: 'Prefer',
    in: 'header',
    schema: { type: 'string' },
    description,
    example,
  }),
} as const;

const query = (name: string, description: string, example?: string) => ({
  name,
  in: 'query',
  schema: { type: 'string' },
  description,
  ...(example ? { example } : {}),
});

const postgrestError = {
  description: "PostgREST's error body (`{ code, message, details, hint }`); the SDK maps it to a `CokoError`.",
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: { code: { type: 'string' }, message: { type: 'string' }, details: {}, hint: {} },
        required: ['code', 'message'],
      },
    },
  },
};

const rows = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } },
});

const json = (description: string) => ({ description, content: { 'application/json': { schema: {} } } });

const body = (properties: Json, required: string[] = []) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', properties, required } } },
});

const anon = [{ apikey: [] }];

/** What every upsert the SDK makes sends: the key and `Prefer` for a merge without a body back. */
const upsertParameters = [
  headers.apikey,
  headers.prefer('Upsert without a body back.', 'resolution=merge-duplicates,return=minimal'),
];
const reader = [{ apikey: [], readerToken: [] }];

function operation(summary: string, description: string, extra: Json & { responses: Json }): Json {
  const { responses, ...rest } = extra;
  return {
    tags: [TAG],
    summary,
    description,
    ...rest,
    responses: { ...responses, 400: postgrestError, 401: postgrestError },
  };
}

const list = (table: string, select: string, what: string) =>
  operation(`List ${what}`, `\`coko.catalog\` reads. Filters use PostgREST operators (\`eq.\`, \`in.\`, \`ilike.\`).`, {
    operationId: `list_${table}`,
    security: anon,
    parameters: [
      headers.apikey,
      query('select', 'Columns (the SDK sends these).', select),
      query('order', 'Sort order.', 'name.asc'),
      query('limit', 'Page size (max 1000).', '20'),
      query('offset', 'Rows to skip.', '0'),
      headers.prefer(
        '`count=estimated` (books) or `count=exact` (authors) for the total in `Content-Range`.',
        'count=exact',
      ),
    ],
    responses: { 200: rows(`The ${what} visible to the caller (RLS applies).`) },
  });

/** Path items for `/rest/v1/*`, keyed by path. */
export const dataApiPaths: Record<string, Json> = {
  '/rest/v1/books': {
    get: list(
      'books',
      'id,title,subtitle,cover_path,language,price,currency,is_free,is_featured,format,publication_date,rating_average,rating_count,list_authors',
      'published books',
    ),
  },
  '/rest/v1/authors': { get: list('authors', 'id,name,slug,photo_path', 'authors') },
  '/rest/v1/categories': { get: list('categories', 'id,parent_id,name,slug,description,position', 'categories') },
  '/rest/v1/rpc/search_books': {
    post: operation(
      'Search and filter the catalog',
      '`coko.catalog.books.search()`: full-text search with facets, one page.',
      {
        operationId: 'rpc_search_books',
        security: anon,
        parameters: [headers.apikey],
        requestBody: body({
          query: { type: 'string' },
          author: { type: 'string' },
          category: { type: 'string' },
          country: { type: 'string', example: 'SN' },
          language: { type: 'string', example: 'fr' },
          is_free: { type: 'boolean' },
          min_price: { type: 'number' },
          max_price: { type: 'number' },
          sort: { type: 'string', enum: ['relevance', 'newest', 'title', 'price_asc', 'price_desc'] },
          page: { type: 'integer', minimum: 1 },
          page_size: { type: 'integer', minimum: 1, maximum: 100 },
        }),
        responses: { 200: json('`{ items, total, facets }`.') },
      },
    ),
  },
  '/rest/v1/reading_progress': {
    get: operation("The reader's progress", '`coko.reading.progress.get()`: own rows only (RLS).', {
      operationId: 'get_reading_progress',
      security: reader,
      parameters: [
        headers.apikey,
        query('select', 'Columns.', 'book_id,locator,percentage,device_id,device_updated_at,finished_at,updated_at'),
        query('book_id', 'One book.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
      ],
      responses: { 200: rows('Progress rows of the signed-in reader.') },
    }),
    post: operation(
      'Save reading progress (upsert)',
      '`coko.reading.progress.save()`: one row per reader and book; the last device write wins (`device_updated_at`).',
      {
        operationId: 'upsert_reading_progress',
        security: reader,
        parameters: upsertParameters,
        requestBody: body(
          {
            book_id: { type: 'string', format: 'uuid' },
            locator: { type: 'object', description: 'Readium locator.' },
            percentage: { type: 'number', minimum: 0, maximum: 100 },
            device_id: { type: 'string' },
            device_updated_at: { type: 'string', format: 'date-time' },
            finished_at: { type: ['string', 'null'], format: 'date-time' },
          },
          ['book_id', 'locator', 'percentage'],
        ),
        responses: { 201: { description: 'Saved.' } },
      },
    ),
  },
  '/rest/v1/annotations': {
    get: operation("The reader's highlights, notes and bookmarks", '`coko.reading.annotations.list()`.', {
      operationId: 'list_annotations',
      security: reader,
      parameters: [
        headers.apikey,
        query('book_id', 'One book.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
        query('deleted_at', 'Live ones.', 'is.null'),
      ],
      responses: { 200: rows('Annotation rows of the signed-in reader.') },
    }),
    post: operation('Create or replace an annotation (upsert)', '`coko.reading.annotations.create()`.', {
      operationId: 'upsert_annotation',
      security: reader,
      parameters: upsertParameters,
      requestBody: body(
        {
          id: { type: 'string', format: 'uuid' },
          book_id: { type: 'string', format: 'uuid' },
          kind: { type: 'string', enum: ['highlight', 'note', 'bookmark'] },
          locator: { type: 'object' },
          selected_text: { type: ['string', 'null'] },
          note: { type: ['string', 'null'] },
          color: { type: ['string', 'null'] },
          device_updated_at: { type: 'string', format: 'date-time' },
        },
        ['id', 'book_id', 'kind', 'locator'],
      ),
      responses: { 201: { description: 'Saved.' } },
    }),
    patch: operation(
      'Update or delete an annotation',
      '`coko.reading.annotations.update()` / `.delete()` (a tombstone: sets `deleted_at`).',
      {
        operationId: 'update_annotation',
        security: reader,
        parameters: [headers.apikey, query('id', 'The annotation.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11')],
        requestBody: body({
          note: { type: ['string', 'null'] },
          color: { type: ['string', 'null'] },
          deleted_at: { type: ['string', 'null'], format: 'date-time' },
        }),
        responses: { 204: { description: 'Updated.' } },
      },
    ),
  },
  '/rest/v1/reading_sessions': {
    post: operation('Start a reading session (upsert)', '`coko.reading.sessions.start()`.', {
      operationId: 'upsert_reading_session',
      security: reader,
      parameters: upsertParameters,
      requestBody: body(
        {
          id: { type: 'string', format: 'uuid' },
          book_id: { type: 'string', format: 'uuid' },
          started_at: { type: 'string', format: 'date-time' },
          start_progression: { type: 'number' },
          device_type: { type: 'string', enum: ['web', 'android', 'ios', 'other'] },
        },
        ['id', 'book_id', 'started_at'],
      ),
      responses: { 201: { description: 'Saved.' } },
    }),
    patch: operation('End a reading session', '`coko.reading.sessions.end()`.', {
      operationId: 'update_reading_session',
      security: reader,
      parameters: [headers.apikey, query('id', 'The session.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11')],
      requestBody: body({ ended_at: { type: 'string', format: 'date-time' }, end_progression: { type: 'number' } }),
      responses: { 204: { description: 'Updated.' } },
    }),
  },
  '/rest/v1/profiles': {
    get: operation("The reader's profile", '`coko.account.profile.get()` / `.preferences.get()`.', {
      operationId: 'get_profile',
      security: reader,
      parameters: [
        headers.apikey,
        query('select', 'Columns.', 'id,display_name,avatar_path,country,language,preferences'),
        query('id', 'The signed-in reader (RLS shows no other row).', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
      ],
      responses: { 200: rows('One profile row.') },
    }),
    patch: operation(
      "Update the reader's profile or preferences",
      '`coko.account.profile.update()` / `.preferences.update()` (preferences are written whole).',
      {
        operationId: 'update_profile',
        security: reader,
        parameters: [
          headers.apikey,
          query('id', 'The signed-in reader.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
          headers.prefer('The updated row back.', 'return=representation'),
        ],
        requestBody: body({
          display_name: { type: ['string', 'null'], maxLength: 100 },
          avatar_path: {
            type: ['string', 'null'],
            description: '`avatars/<own user id>/<file name>`, at most 150 characters.',
          },
          country: { type: ['string', 'null'], pattern: '^[A-Z]{2}$' },
          language: { type: 'string' },
          preferences: {
            type: 'object',
            properties: {
              theme: { type: 'string', enum: ['light', 'dark', 'system'] },
              fontSize: { type: 'integer', minimum: 8, maximum: 48 },
              notifications: { type: 'object' },
            },
            required: ['theme', 'fontSize', 'notifications'],
          },
        }),
        responses: { 200: rows('The updated profile.') },
      },
    ),
  },
  '/rest/v1/current_consents': {
    get: operation("The reader's current consent decisions", '`coko.account.consents.list()`.', {
      operationId: 'list_current_consents',
      security: reader,
      parameters: [
        headers.apikey,
        query('user_id', 'The signed-in reader.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
      ],
      responses: { 200: rows('The latest decision per kind (tracking, marketing, analytics).') },
    }),
  },
  '/rest/v1/consents': {
    post: operation(
      'Record a consent decision',
      '`coko.account.consents.set()`: consents are append-only, the latest per kind is the current one.',
      {
        operationId: 'insert_consent',
        security: reader,
        parameters: [headers.apikey, headers.prefer('The row back.', 'return=representation')],
        requestBody: body(
          {
            kind: { type: 'string', enum: ['tracking', 'marketing', 'analytics'] },
            granted: { type: 'boolean' },
          },
          ['kind', 'granted'],
        ),
        responses: { 201: rows('The recorded decision.') },
      },
    ),
  },
  '/rest/v1/rpc/sync_reading': {
    post: operation(
      'Sync reading changes',
      '`coko.reading.sync()`: pushes queued offline changes and pulls changes after `since` (a change sequence).',
      {
        operationId: 'rpc_sync_reading',
        security: reader,
        parameters: [headers.apikey],
        requestBody: body({
          changes: { type: 'array', items: { type: 'object' } },
          since: { type: 'integer', minimum: 0 },
        }),
        responses: { 200: json('`{ results, changes, checkpoint, hasMore? }`.') },
      },
    ),
  },
  '/rest/v1/rpc/reading_stats': {
    post: operation('Reading statistics', '`coko.reading.stats()`: time read and books per day between two dates.', {
      operationId: 'rpc_reading_stats',
      security: reader,
      parameters: [headers.apikey],
      requestBody: body(
        {
          from_date: { type: 'string', format: 'date' },
          to_date: { type: 'string', format: 'date' },
          tz: { type: 'string', example: 'Africa/Dakar' },
        },
        ['from_date', 'to_date'],
      ),
      responses: { 200: json('Totals and per-day series.') },
    }),
  },
  '/rest/v1/reviews': {
    get: operation(
      "A book's reviews",
      '`coko.community.reviews.list()` / `mine()`: visible reviews of a visible book (hidden ones for their author only), keyset-paginated.',
      {
        operationId: 'list_reviews',
        security: anon,
        parameters: [
          headers.apikey,
          query(
            'select',
            'Columns; signed-in readers add `my_vote:review_votes(review_id)` (their own vote only).',
            'id,book_id,user_id,rating,title,body,is_verified_reader,helpful_count,hidden_at,edited_at,created_at,updated_at',
          ),
          query('book_id', 'One book.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
          query(
            'order',
            'Sort: newest, helpful, rating high/low, then newest.',
            'helpful_count.desc,created_at.desc,id.desc',
          ),
          query('or', "The cursor: rows after the previous page's last (sort key, created_at, id)."),
          query('limit', 'Page size + 1.', '11'),
        ],
        responses: { 200: rows('Reviews visible to the caller.') },
      },
    ),
    post: operation(
      "Write or replace the reader's review (upsert)",
      '`coko.community.reviews.upsert()`: one per reader and book (`on_conflict=book_id,user_id`); 403 for a book the reader cannot see or while suspended, 429 past the per-minute limit.',
      {
        operationId: 'upsert_review',
        security: reader,
        parameters: [
          headers.apikey,
          query('on_conflict', 'The unique key.', 'book_id,user_id'),
          headers.prefer('Upsert returning the row.', 'resolution=merge-duplicates,return=representation'),
        ],
        requestBody: body(
          {
            book_id: { type: 'string', format: 'uuid' },
            rating: { type: 'integer', minimum: 1, maximum: 5 },
            title: { type: ['string', 'null'], maxLength: 120 },
            body: { type: ['string', 'null'], maxLength: 5000 },
          },
          ['book_id', 'rating'],
        ),
        responses: { 201: rows('Written.'), 200: rows('Replaced.'), 403: postgrestError, 429: postgrestError },
      },
    ),
    delete: operation("Delete the reader's review", '`coko.community.reviews.delete()`: own review only (RLS).', {
      operationId: 'delete_review',
      security: reader,
      parameters: [
        headers.apikey,
        query('book_id', 'The book.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
        query('user_id', 'The reader.', 'eq.0b5c…'),
      ],
      responses: { 204: { description: 'Deleted (or nothing to delete).' } },
    }),
  },
  '/rest/v1/review_votes': {
    post: operation(
      'Mark a review helpful',
      "`coko.community.reviews.vote()`: not one's own, idempotent; 429 past the per-minute limit.",
      {
        operationId: 'vote_review',
        security: reader,
        parameters: [
          headers.apikey,
          query('on_conflict', 'The key.', 'review_id,user_id'),
          headers.prefer('Ignore a vote already cast.', 'resolution=ignore-duplicates,return=minimal'),
        ],
        requestBody: body({ review_id: { type: 'string', format: 'uuid' } }, ['review_id']),
        responses: { 201: { description: 'Voted.' }, 403: postgrestError, 429: postgrestError },
      },
    ),
    delete: operation('Withdraw a helpful vote', '`coko.community.reviews.unvote()`.', {
      operationId: 'unvote_review',
      security: reader,
      parameters: [headers.apikey, query('review_id', 'The review.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11')],
      responses: { 204: { description: 'Withdrawn.' } },
    }),
  },
  '/rest/v1/rpc/get_public_profiles': {
    get: operation(
      "Other readers' public profiles",
      "`coko.community.reviews.list()`: the reviews' authors (id, display name, avatar path) of accounts that are not deleted.",
      {
        operationId: 'rpc_get_public_profiles',
        security: anon,
        parameters: [
          headers.apikey,
          query('ids', 'The user ids, as a Postgres array.', '{6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11}'),
        ],
        responses: { 200: rows('`[{ id, display_name, avatar_path }]`.') },
      },
    ),
  },
  '/rest/v1/rpc/can_read': {
    get: operation(
      'May the reader open this book?',
      "`coko.payments.canRead(bookId)`: true when the book is free, bought or covered by the reader's running subscription (published books only; country availability is checked by `GET /v1/books/{id}/access`). Guests get false.",
      {
        operationId: 'rpc_can_read',
        security: reader,
        parameters: [
          headers.apikey,
          { name: 'book_id', in: 'query', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        responses: { 200: json('`true` or `false`.') },
      },
    ),
  },
  // coko.community.reports / moderation / shares (the moderation part of issue 12).
  '/rest/v1/community_reports': {
    get: operation("The reader's reports", '`coko.community.reports.mine()`: own reports only (RLS), newest first.', {
      operationId: 'list_community_reports',
      security: reader,
      parameters: [
        headers.apikey,
        query('select', 'Columns.', 'id,target_type,target_id,reason,note,status,created_at,resolved_at'),
        query('reporter_id', 'The reader.', 'eq.0b5c…'),
        query('order', 'Newest first.', 'created_at.desc'),
        query('limit', 'At most 100.', '100'),
      ],
      responses: { 200: rows('The reader’s reports.') },
    }),
    post: operation(
      'Report content',
      '`coko.community.reports.create()`: a review, thread, post or group the reader sees and did not write, once; 403 for one’s own content or while suspended, 404 for content the reader cannot see, 409 when already reported, 429 past the per-minute limit. Enough distinct reports hide the content until a moderator decides.',
      {
        operationId: 'create_community_report',
        security: reader,
        parameters: [headers.apikey, headers.prefer('Insert returning the row.', 'return=representation')],
        requestBody: body(
          {
            target_type: { type: 'string', enum: ['review', 'thread', 'post', 'group'] },
            target_id: { type: 'string', format: 'uuid' },
            reason: {
              type: 'string',
              enum: ['spam', 'harassment', 'hate', 'sexual', 'violence', 'spoiler', 'off_topic', 'other'],
            },
            note: { type: ['string', 'null'], maxLength: 1000 },
          },
          ['target_type', 'target_id', 'reason'],
        ),
        responses: {
          201: rows('Reported.'),
          403: postgrestError,
          404: postgrestError,
          409: postgrestError,
          429: postgrestError,
        },
      },
    ),
  },
  '/rest/v1/moderation_actions': {
    get: operation(
      'Moderation actions',
      '`coko.community.moderation.actions()`: all actions for moderators, those concerning the reader otherwise (RLS); newest first, keyset-paginated.',
      {
        operationId: 'list_moderation_actions',
        security: reader,
        parameters: [
          headers.apikey,
          query(
            'select',
            'Columns.',
            'id,target_type,target_id,target_user_id,action,reason,moderator_id,suspension_id,created_at',
          ),
          query('order', 'Newest first.', 'created_at.desc,id.desc'),
          query('or', "The cursor: rows after the previous page's last (created_at, id)."),
          query('limit', 'Page size + 1.', '21'),
        ],
        responses: { 200: rows('Actions visible to the caller.') },
      },
    ),
  },
  '/rest/v1/rpc/moderation_queue': {
    post: operation(
      'The moderation queue',
      '`coko.community.moderation.queue()`: content with open reports, most distinct reporters first, with a preview and the reports. Moderators and admins only (403 otherwise).',
      {
        operationId: 'moderation_queue',
        security: reader,
        parameters: [headers.apikey],
        requestBody: body({
          kind: { type: ['string', 'null'], enum: ['review', 'thread', 'post', 'group', null] },
          limit: { type: 'integer', minimum: 1, maximum: 100 },
          offset: { type: 'integer', minimum: 0 },
        }),
        responses: { 200: rows('Queue items.'), 403: postgrestError },
      },
    ),
  },
  '/rest/v1/rpc/moderate': {
    post: operation(
      'Act on content or a reader',
      '`coko.community.moderation.act()`: hide, restore, delete, warn, suspend, lift_suspension or dismiss; closes the open reports it answers, records the action and audits it. Moderators and admins only (403 otherwise); 404 for content or a reader that does not exist.',
      {
        operationId: 'moderate',
        security: reader,
        parameters: [headers.apikey],
        requestBody: body(
          {
            target_type: { type: 'string', enum: ['review', 'thread', 'post', 'group', 'user'] },
            target_id: { type: 'string', format: 'uuid' },
            action: {
              type: 'string',
              enum: ['hide', 'restore', 'delete', 'warn', 'suspend', 'lift_suspension', 'dismiss'],
            },
            reason: { type: ['string', 'null'], maxLength: 1000 },
            suspend_until: { type: ['string', 'null'], format: 'date-time' },
          },
          ['target_type', 'target_id', 'action'],
        ),
        responses: { 200: json('The recorded action.'), 400: postgrestError, 403: postgrestError, 404: postgrestError },
      },
    ),
  },
  '/rest/v1/share_links': {
    get: operation("The reader's share links", '`coko.community.shares.mine()`: own links (RLS), newest first.', {
      operationId: 'list_share_links',
      security: reader,
      parameters: [
        headers.apikey,
        query('select', 'Columns.', 'id,code,kind,target_id,excerpt,created_at,revoked_at'),
        query('created_by', 'The reader.', 'eq.0b5c…'),
        query('order', 'Newest first.', 'created_at.desc'),
      ],
      responses: { 200: rows('The reader’s links.') },
    }),
    post: operation(
      'Make a share link',
      '`coko.community.shares.create()`: a published book, a visible review or the reader’s own highlight (its text is snapshotted, never the note); 404 when the target cannot be shared, 429 past the per-minute limit. Its preview is `GET /v1/share/{code}`.',
      {
        operationId: 'create_share_link',
        security: reader,
        parameters: [headers.apikey, headers.prefer('Insert returning the row.', 'return=representation')],
        requestBody: body(
          {
            kind: { type: 'string', enum: ['book', 'review', 'highlight'] },
            target_id: { type: 'string', format: 'uuid' },
          },
          ['kind', 'target_id'],
        ),
        responses: { 201: rows('The link (with its code).'), 404: postgrestError, 429: postgrestError },
      },
    ),
    patch: operation('Revoke a share link', '`coko.community.shares.revoke()`: sets `revoked_at` on an own link.', {
      operationId: 'revoke_share_link',
      security: reader,
      parameters: [
        headers.apikey,
        query('code', 'The link.', 'eq.Xk3v9_pQ-aZ'),
        query('created_by', 'The reader.', 'eq.0b5c…'),
        query('revoked_at', 'Not yet revoked.', 'is.null'),
      ],
      requestBody: body({ revoked_at: { type: 'string', format: 'date-time' } }, ['revoked_at']),
      responses: { 204: { description: 'Revoked.' } },
    }),
  },
};

/** Security schemes the data API paths refer to. */
export const dataApiSecuritySchemes: Record<string, Json> = {
  apikey: {
    type: 'apiKey',
    in: 'header',
    name: 'apikey',
    description: "A partner's `pk_…` key or the project's publishable key.",
  },
  readerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "The reader's Coko session token (from `POST /v1/sessions`).",
  },
};

export const dataApiTag = {
  name: TAG,
  description:
    'PostgREST at `/rest/v1` (same origin as the project): the calls `@coko/sdk` makes for the catalog and reading. Row-level security decides what each caller sees.',
};
