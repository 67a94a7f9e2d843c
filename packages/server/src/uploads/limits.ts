// The sizes of the upload protocol (docs/CONTRACT-publishing.md §3), shared by the routes, the body-limit
// middleware, the SDK's documentation and the tests.

/** Largest book file: 50 MiB, the `books` bucket's `file_size_limit` (supabase/config.toml). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/**
 * Largest PATCH body: 6 MiB, the chunk size Supabase Storage's TUS endpoint requires, so one client
 * setting works against both. Each chunk is held in memory once (then stored as one part): the limit
 * bounds what one upload request costs the API.
 */
export const MAX_CHUNK_BYTES = 6 * 1024 * 1024;

/** The TUS protocol version spoken (core + creation + termination). */
export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = 'creation,termination';
export const TUS_CHUNK_CONTENT_TYPE = 'application/offset+octet-stream';

/** Book media types by extension; an upload must be one of them by name and (when given) by type. */
export const BOOK_TYPES = { epub: 'application/epub+zip', pdf: 'application/pdf' } as const;
