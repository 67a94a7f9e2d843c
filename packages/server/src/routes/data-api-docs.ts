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
  country: {
    name: 'x-coko-country',
    in: 'header',
    schema: { type: 'string', pattern: '^[A-Za-z]{2}$' },
    description:
      "The reader's country (the SDK's `country` option): guests see books sold there as well as worldwide ones. A signed-in reader's profile country wins. Malformed: 400.",
    example: 'SN',
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
  headers.prefer("Upsert (answered without a body: PostgREST's default).", 'resolution=merge-duplicates'),
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
      headers.country,
    ],
    responses: {
      200: rows(
        `The ${what} visible to the caller (RLS applies). Guests: \`Cache-Control: public, max-age=60, stale-while-revalidate=300\`; with a user token \`private, no-cache\`; a weak \`ETag\` (send it back in \`If-None-Match\`: 304 when unchanged).`,
      ),
    },
  });

/** Path items for `/rest/v1/*`, keyed by path. */
export const dataApiPaths: Record<string, Json> = {
  '/rest/v1/books': {
    get: list(
      'books',
      'id,title,subtitle,cover_path,language,price,currency,is_free,is_featured,format,publication_date,rating_average,rating_count,authors:list_authors',
      'published books',
    ),
  },
  '/rest/v1/authors': { get: list('authors', 'id,name,slug,photo_path', 'authors') },
  '/rest/v1/categories': { get: list('categories', 'id,parent_id,name,slug,description,position', 'categories') },
  '/rest/v1/rpc/search_books': {
    post: operation(
      'Search and filter the catalog',
      '`coko.catalog.books.search()`: full-text search with facets, one page, over the books the reader may see (sold worldwide or in their country). A query is empty (browse) or 3–200 characters; a shorter one is 400 (`22023`).',
      {
        operationId: 'rpc_search_books',
        security: anon,
        parameters: [headers.apikey, headers.country],
        requestBody: body({
          query: { type: 'string', minLength: 3, maxLength: 200 },
          author: { type: 'string' },
          category: { type: 'string' },
          country: { type: 'string', example: 'SN' },
          language: { type: 'string', example: 'fr' },
          is_free: { type: 'boolean' },
          min_price: { type: 'number' },
          max_price: { type: 'number' },
          sort: { type: 'string', enum: ['relevance', 'newest', 'title', 'price_asc', 'price_desc'] },
          page: { type: 'integer', minimum: 1 },
          page_size: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
        }),
        responses: {
          200: json(
            '`{ items, total, facets }`, plus `corrected` (the lower-case, accent-free query searched instead) when the query found nothing and its misspelled words were corrected from the catalog.',
          ),
        },
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
        query('select', 'Columns.', 'id,display_name,avatar_path,country,language,preferences,created_at,updated_at'),
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
  '/rest/v1/discussion_threads': {
    get: operation(
      'Discussion threads',
      "`coko.community.discussions.threads()` / `thread()`: a book's threads (visible with the book) or a group's (`group_id`; members only for a private group), keyset-paginated on `(created_at, id)`.",
      {
        operationId: 'list_discussion_threads',
        security: anon,
        parameters: [
          headers.apikey,
          query('book_id', 'One book (or `group_id`, or `id`).', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
          query('tags', 'One tag.', 'cs.{spoilers}'),
          query('or', "The cursor: rows after the previous page's last (created_at, id)."),
          query('order', 'Newest or oldest first.', 'created_at.desc,id.desc'),
          query('limit', 'Page size + 1.', '21'),
        ],
        responses: { 200: rows('Threads visible to the caller (deleted ones as placeholders).') },
      },
    ),
    post: operation(
      'Open a thread',
      '`coko.community.discussions.createThread()`: on a book the reader sees or in a group they belong to; 403 while suspended, 429 past the per-minute limit.',
      {
        operationId: 'create_discussion_thread',
        security: reader,
        parameters: [headers.apikey, headers.prefer('Return the row.', 'return=representation')],
        requestBody: body(
          {
            book_id: { type: ['string', 'null'], format: 'uuid' },
            group_id: { type: ['string', 'null'], format: 'uuid' },
            title: { type: 'string', maxLength: 200 },
            body: { type: ['string', 'null'], maxLength: 10000 },
            tags: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9-]{1,30}$' }, maxItems: 5 },
          },
          ['title'],
        ),
        responses: { 201: rows('The thread.') },
      },
    ),
    patch: operation(
      'Edit or delete a thread',
      '`coko.community.discussions.updateThread()` (the author, within 15 minutes: 403 after) / `deleteThread()` (sets `deleted_at`: title and body erased).',
      {
        operationId: 'update_discussion_thread',
        security: reader,
        parameters: [headers.apikey, query('id', 'The thread.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11')],
        requestBody: body({
          title: { type: 'string' },
          body: { type: ['string', 'null'] },
          tags: { type: 'array', items: { type: 'string' } },
          deleted_at: { type: 'string', format: 'date-time' },
        }),
        responses: { 200: rows('The thread.') },
      },
    ),
  },
  '/rest/v1/discussion_posts': {
    get: operation(
      "A thread's replies",
      '`coko.community.discussions.posts()`: a flat page with `parent_id`/`depth` (0–4), keyset-paginated on `(created_at, id)`.',
      {
        operationId: 'list_discussion_posts',
        security: anon,
        parameters: [
          headers.apikey,
          query('thread_id', 'One thread.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
          query('or', "The cursor: rows after the previous page's last (created_at, id)."),
          query('order', 'Oldest or newest first.', 'created_at.asc,id.asc'),
          query('limit', 'Page size + 1.', '51'),
        ],
        responses: { 200: rows('Replies visible to the caller (deleted ones as placeholders).') },
      },
    ),
    post: operation(
      'Reply',
      '`coko.community.discussions.reply()`: depth and mentions set by the server; 409 in a deleted thread, 403 while suspended, 429 past the per-minute limit.',
      {
        operationId: 'create_discussion_post',
        security: reader,
        parameters: [headers.apikey, headers.prefer('Return the row.', 'return=representation')],
        requestBody: body(
          {
            id: { type: 'string', format: 'uuid' },
            thread_id: { type: 'string', format: 'uuid' },
            parent_id: { type: ['string', 'null'], format: 'uuid' },
            body: { type: 'string', maxLength: 10000 },
            mentions: { type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 20 },
          },
          ['thread_id', 'body'],
        ),
        responses: { 201: rows('The reply.') },
      },
    ),
    patch: operation(
      'Edit or delete a reply',
      '`coko.community.discussions.editPost()` (the author, within 15 minutes) / `deletePost()` (sets `deleted_at`: body erased, the tree kept).',
      {
        operationId: 'update_discussion_post',
        security: reader,
        parameters: [headers.apikey, query('id', 'The reply.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11')],
        requestBody: body({
          body: { type: 'string' },
          mentions: { type: 'array', items: { type: 'string', format: 'uuid' } },
          deleted_at: { type: 'string', format: 'date-time' },
        }),
        responses: { 200: rows('The reply.') },
      },
    ),
  },
  '/rest/v1/reading_groups': {
    get: operation(
      'Reading groups',
      '`coko.community.groups.list()` / `get()`: public groups for everyone, private cards for signed-in readers, newest first.',
      {
        operationId: 'list_reading_groups',
        security: anon,
        parameters: [
          headers.apikey,
          query('visibility', 'public or private.', 'eq.public'),
          query('or', "The cursor: rows after the previous page's last (created_at, id)."),
          query('limit', 'Page size + 1.', '21'),
        ],
        responses: { 200: rows('Groups visible to the caller.') },
      },
    ),
    post: operation(
      'Create a group',
      '`coko.community.groups.create()`: the reader becomes owner and first member; 429 past the per-minute limit.',
      {
        operationId: 'create_reading_group',
        security: reader,
        parameters: [headers.apikey, headers.prefer('Return the row.', 'return=representation')],
        requestBody: body(
          {
            name: { type: 'string', maxLength: 100 },
            description: { type: ['string', 'null'], maxLength: 2000 },
            visibility: { type: 'string', enum: ['public', 'private'] },
            member_limit: { type: 'integer', minimum: 2, maximum: 500 },
            current_book_id: { type: ['string', 'null'], format: 'uuid' },
          },
          ['name'],
        ),
        responses: { 201: rows('The group.') },
      },
    ),
    patch: operation(
      'Edit a group',
      '`coko.community.groups.update()` / `setCurrentBook()`: the owner and group moderators.',
      {
        operationId: 'update_reading_group',
        security: reader,
        parameters: [headers.apikey, query('id', 'The group.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11')],
        requestBody: body({
          name: { type: 'string' },
          description: { type: ['string', 'null'] },
          visibility: { type: 'string', enum: ['public', 'private'] },
          member_limit: { type: 'integer' },
          current_book_id: { type: ['string', 'null'], format: 'uuid' },
        }),
        responses: { 200: rows('The group.') },
      },
    ),
    delete: operation('Delete a group', '`coko.community.groups.delete()`: the owner; threads go with it.', {
      operationId: 'delete_reading_group',
      security: reader,
      parameters: [headers.apikey, query('id', 'The group.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11')],
      responses: { 200: rows('The deleted id.') },
    }),
  },
  '/rest/v1/group_members': {
    get: operation(
      'Group members',
      '`coko.community.groups.members()` / `mine()` (`select=…,reading_groups!inner(…)&user_id=eq.<me>`).',
      {
        operationId: 'list_group_members',
        security: reader,
        parameters: [headers.apikey, query('group_id', 'One group.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11')],
        responses: { 200: rows('Memberships visible to the reader.') },
      },
    ),
    post: operation('Join a public group', '`coko.community.groups.join()`: 409 when the group is full.', {
      operationId: 'join_reading_group',
      security: reader,
      parameters: [headers.apikey],
      requestBody: body({ group_id: { type: 'string', format: 'uuid' }, user_id: { type: 'string', format: 'uuid' } }, [
        'group_id',
        'user_id',
      ]),
      responses: { 201: { description: 'Joined.' } },
    }),
    patch: operation(
      'Change a role or the sharing of progress',
      '`coko.community.groups.setRole()` (the owner) / `shareProgress()` (the member).',
      {
        operationId: 'update_group_member',
        security: reader,
        parameters: [headers.apikey, query('group_id', 'The group.'), query('user_id', 'The member.')],
        requestBody: body({
          role: { type: 'string', enum: ['moderator', 'member'] },
          share_progress: { type: 'boolean' },
        }),
        responses: { 200: rows('The membership.') },
      },
    ),
    delete: operation(
      'Leave or remove',
      '`coko.community.groups.leave()` / `removeMember()`: 409 for the owner leaving.',
      {
        operationId: 'delete_group_member',
        security: reader,
        parameters: [headers.apikey, query('group_id', 'The group.'), query('user_id', 'The member.')],
        responses: { 200: rows('The removed membership.') },
      },
    ),
  },
  '/rest/v1/group_invitations': {
    get: operation('Invitations', '`coko.community.groups.invitations()`: received (`user_id=eq.<me>`).', {
      operationId: 'list_group_invitations',
      security: reader,
      parameters: [headers.apikey, query('status', 'A status.', 'eq.pending')],
      responses: { 200: rows('Invitations the reader may see.') },
    }),
    post: operation('Invite a reader', '`coko.community.groups.invite()`: 409 for a member or a pending invitation.', {
      operationId: 'create_group_invitation',
      security: reader,
      parameters: [headers.apikey, headers.prefer('Return the row.', 'return=representation')],
      requestBody: body({ group_id: { type: 'string', format: 'uuid' }, user_id: { type: 'string', format: 'uuid' } }, [
        'group_id',
        'user_id',
      ]),
      responses: { 201: rows('The invitation.') },
    }),
    patch: operation(
      'Answer or revoke an invitation',
      '`coko.community.groups.respondToInvitation()`: `accepted` adds the member (409 when full), `declined`; `revoked` by the inviter.',
      {
        operationId: 'update_group_invitation',
        security: reader,
        parameters: [headers.apikey, query('id', 'The invitation.')],
        requestBody: body({ status: { type: 'string', enum: ['accepted', 'declined', 'revoked'] } }, ['status']),
        responses: { 200: rows('The invitation.') },
      },
    ),
  },
  '/rest/v1/group_join_requests': {
    get: operation(
      'Join requests',
      "`coko.community.groups.joinRequests()`: a group's pending requests (its moderators).",
      {
        operationId: 'list_group_join_requests',
        security: reader,
        parameters: [headers.apikey, query('group_id', 'The group.'), query('status', 'A status.', 'eq.pending')],
        responses: { 200: rows('Requests the reader may see.') },
      },
    ),
    post: operation('Ask to join a private group', '`coko.community.groups.requestToJoin()`: 400 for a public group.', {
      operationId: 'create_group_join_request',
      security: reader,
      parameters: [headers.apikey, headers.prefer('Return the row.', 'return=representation')],
      requestBody: body(
        { group_id: { type: 'string', format: 'uuid' }, message: { type: ['string', 'null'], maxLength: 500 } },
        ['group_id'],
      ),
      responses: { 201: rows('The request.') },
    }),
    patch: operation(
      'Decide or withdraw a join request',
      '`coko.community.groups.decideJoinRequest()`: `approved` adds the member (409 when full), `rejected`; `withdrawn` by the requester.',
      {
        operationId: 'update_group_join_request',
        security: reader,
        parameters: [headers.apikey, query('id', 'The request.')],
        requestBody: body({ status: { type: 'string', enum: ['approved', 'rejected', 'withdrawn'] } }, ['status']),
        responses: { 200: rows('The request.') },
      },
    ),
  },
  '/rest/v1/rpc/group_progress': {
    post: operation(
      "A group's shared progress",
      '`coko.community.groups.progress()`: members who opted in and their percentage on the current book; 403 for non-members.',
      {
        operationId: 'rpc_group_progress',
        security: reader,
        parameters: [headers.apikey],
        requestBody: body({ group_id: { type: 'string', format: 'uuid' } }, ['group_id']),
        responses: { 200: rows('`[{ user_id, display_name, avatar_path, percentage, updated_at }]`.') },
      },
    ),
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
  '/rest/v1/notifications': {
    get: operation(
      "The reader's inbox",
      '`coko.notifications.list()`: their own in-app notifications (RLS), newest first, by cursor.',
      {
        operationId: 'list_notifications',
        security: reader,
        parameters: [
          headers.apikey,
          query('select', 'Columns.', 'id,kind,title,body,data,read_at,created_at'),
          query('read_at', 'Only unread (`unreadOnly`).', 'is.null'),
          query('order', 'Newest first.', 'created_at.desc,id.desc'),
          query('or', "The cursor: rows after the previous page's last (created_at, id)."),
          query('limit', 'Page size + 1.', '21'),
        ],
        responses: { 200: rows("The reader's notifications.") },
      },
    ),
    patch: operation(
      'Mark notifications read',
      '`coko.notifications.markRead(ids | "all")`: only `read_at` is writable.',
      {
        operationId: 'mark_notifications_read',
        security: reader,
        parameters: [
          headers.apikey,
          query('user_id', 'The reader (all of theirs).', 'eq.0b5c…'),
          query('read_at', 'Still unread.', 'is.null'),
          query('id', 'Some of them.', 'in.(6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11)'),
          query('select', 'The ids changed.', 'id'),
        ],
        requestBody: body({ read_at: { type: 'string', format: 'date-time' } }, ['read_at']),
        responses: { 200: rows('The notifications marked read.') },
      },
    ),
    delete: operation('Delete a notification', "`coko.notifications.delete(id)`: the reader's own.", {
      operationId: 'delete_notification',
      security: reader,
      parameters: [headers.apikey, query('id', 'The notification.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11')],
      responses: { 204: { description: 'Deleted.' } },
    }),
  },
  '/rest/v1/rpc/unread_notifications_count': {
    post: operation('Unread notifications', "`coko.notifications.unreadCount()`: the caller's unread in-app count.", {
      operationId: 'rpc_unread_notifications_count',
      security: reader,
      parameters: [headers.apikey],
      responses: {
        200: { description: 'The count.', content: { 'application/json': { schema: { type: 'integer' } } } },
      },
    }),
  },
  '/rest/v1/rpc/register_push_device': {
    post: operation(
      'Register a push device',
      "`coko.notifications.devices.register(token, platform)`: the FCM token becomes the caller's (moved from another reader if the device changed hands); `last_seen_at` refreshed.",
      {
        operationId: 'rpc_register_push_device',
        security: reader,
        parameters: [headers.apikey],
        requestBody: body(
          { token: { type: 'string', maxLength: 4096 }, platform: { type: 'string', enum: ['android', 'ios', 'web'] } },
          ['token', 'platform'],
        ),
        responses: { 200: { description: 'The device row id.' }, 400: postgrestError },
      },
    ),
  },
  '/rest/v1/push_devices': {
    delete: operation('Forget a push device', "`coko.notifications.devices.unregister(token)`: the reader's own.", {
      operationId: 'delete_push_device',
      security: reader,
      parameters: [headers.apikey, query('token', 'The FCM token.', 'eq.fcm-token…')],
      responses: { 204: { description: 'Forgotten.' } },
    }),
  },
  // coko.engagement (issue 13): the reader's points, level, badges, ledger and challenges (RLS: their own rows),
  // the public badges, levels and challenges, and the leaderboards through definer RPCs.
  '/rest/v1/reader_scores': {
    get: operation(
      "The reader's points",
      '`coko.engagement.me()`: the cache of the points ledger (one row, or none before the first point).',
      {
        operationId: 'get_reader_score',
        security: reader,
        parameters: [
          headers.apikey,
          query('select', 'Columns.', 'points,level,weekly_points,week_start'),
          query('user_id', 'The signed-in reader.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
        ],
        responses: { 200: rows('Zero or one row.') },
      },
    ),
  },
  '/rest/v1/levels': {
    get: operation(
      'The levels',
      '`coko.engagement.me()`: every level with its French and English names and its threshold.',
      {
        operationId: 'list_levels',
        security: anon,
        parameters: [
          headers.apikey,
          query('select', 'Columns.', 'level,name,name_en,min_points'),
          query('order', 'By threshold.', 'min_points'),
        ],
        responses: { 200: rows('`[{ level, name, name_en, min_points }]`.') },
      },
    ),
  },
  '/rest/v1/badges': {
    get: operation(
      'The badges',
      '`coko.engagement.badges.list()`: every badge with its criterion (data) and points; retired ones are shown only to readers who earned them.',
      {
        operationId: 'list_badges',
        security: anon,
        parameters: [
          headers.apikey,
          query(
            'select',
            'Columns.',
            'id,slug,name_fr,name_en,description_fr,description_en,criteria,points,icon_path,is_active',
          ),
          query('order', 'By points, then slug.', 'points.asc,slug.asc'),
        ],
        responses: { 200: rows('Badges.') },
      },
    ),
  },
  '/rest/v1/badge_awards': {
    get: operation(
      "The reader's badges",
      '`coko.engagement.me()` (with `badge:badges(…)` embedded) and `.badges.list()`: own awards only (RLS).',
      {
        operationId: 'list_badge_awards',
        security: reader,
        parameters: [
          headers.apikey,
          query('select', 'Columns.', 'badge_id,awarded_at'),
          query('user_id', 'The signed-in reader.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
        ],
        responses: { 200: rows('Awards, newest first with `order=awarded_at.desc`.') },
      },
    ),
  },
  '/rest/v1/points_ledger': {
    get: operation(
      "The reader's points ledger",
      '`coko.engagement.ledger()`: own lines, newest first, keyset-paginated on `id`.',
      {
        operationId: 'list_points_ledger',
        security: reader,
        parameters: [
          headers.apikey,
          query('select', 'Columns.', 'id,points,reason,created_at'),
          query('user_id', 'The signed-in reader.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
          query('id', "The cursor: lines before the previous page's last.", 'lt.1042'),
          query('order', 'Newest first.', 'id.desc'),
          query('limit', 'Page size + 1.', '21'),
        ],
        responses: { 200: rows('Ledger lines.') },
      },
    ),
  },
  '/rest/v1/challenges': {
    get: operation(
      'Running and upcoming challenges',
      "`coko.engagement.challenges.list()`: global ones and the reader's partner's (RLS), not ended, ending soonest first.",
      {
        operationId: 'list_challenges',
        security: anon,
        parameters: [
          headers.apikey,
          query('select', 'Columns.', 'id,slug,title_fr,title_en,goal,starts_at,ends_at,partner_id,points'),
          query('ends_at', 'Not ended.', 'gt.2026-12-07T09:00:00Z'),
          query('order', 'Ending soonest first.', 'ends_at.asc,id.asc'),
        ],
        responses: { 200: rows('Challenges.') },
      },
    ),
  },
  '/rest/v1/challenge_participants': {
    get: operation(
      "The reader's challenges",
      '`coko.engagement.challenges.list()`: own participations and progress (RLS).',
      {
        operationId: 'list_challenge_participations',
        security: reader,
        parameters: [
          headers.apikey,
          query('select', 'Columns.', 'challenge_id,joined_at,progress,completed_at'),
          query('user_id', 'The signed-in reader.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
        ],
        responses: { 200: rows('Participations.') },
      },
    ),
    post: operation(
      'Join a challenge',
      '`coko.engagement.challenges.join()`: one that has not ended and is open to the reader (RLS); idempotent.',
      {
        operationId: 'join_challenge',
        security: reader,
        parameters: [
          headers.apikey,
          query('on_conflict', 'The key.', 'challenge_id,user_id'),
          headers.prefer('Ignore a second join.', 'resolution=ignore-duplicates,return=minimal'),
        ],
        requestBody: body(
          { challenge_id: { type: 'string', format: 'uuid' }, user_id: { type: 'string', format: 'uuid' } },
          ['challenge_id'],
        ),
        responses: { 201: { description: 'Joined.' }, 403: postgrestError },
      },
    ),
    delete: operation(
      'Leave a challenge',
      '`coko.engagement.challenges.leave()`: an unfinished one (a completed one stays).',
      {
        operationId: 'leave_challenge',
        security: reader,
        parameters: [
          headers.apikey,
          query('challenge_id', 'The challenge.', 'eq.6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11'),
          query('user_id', 'The signed-in reader.', 'eq.0b5c…'),
        ],
        responses: { 204: { description: 'Left (or nothing to leave).' } },
      },
    ),
  },
  '/rest/v1/rpc/leaderboard': {
    get: operation(
      'A leaderboard page',
      '`coko.engagement.leaderboard()`: ranks after `offset`, at most `limit` (1–100), display name and avatar only, never readers who opted out; `group:<id>` boards for members only (403). Refreshed every 5 minutes.',
      {
        operationId: 'rpc_leaderboard',
        security: anon,
        parameters: [
          headers.apikey,
          query('board', '`weekly` (this ISO week) or `all_time`.', 'weekly'),
          query('scope', '`global`, `partner:<id>` or `group:<id>`.', 'global'),
          query('limit', '1–100.', '20'),
          query('offset', '0–100000.', '0'),
        ],
        responses: {
          200: rows('`[{ rank, user_id, display_name, avatar_path, points, is_me }]`.'),
          400: postgrestError,
          403: postgrestError,
        },
      },
    ),
  },
  '/rest/v1/rpc/my_rank': {
    get: operation(
      "The reader's rank",
      "`coko.engagement.myRank()`: the caller's rank and points on a board and the board's size; no row when not on it.",
      {
        operationId: 'rpc_my_rank',
        security: reader,
        parameters: [
          headers.apikey,
          query('board', '`weekly` or `all_time`.', 'weekly'),
          query('scope', 'As for the leaderboard.', 'global'),
        ],
        responses: { 200: rows('`[{ rank, points, entries }]` or `[]`.') },
      },
    ),
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
