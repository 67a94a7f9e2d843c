// Where a book's files live in storage (docs/CONTRACT-payments.md §4). Pure: the access route
// (Node and Deno) builds the same paths that publishBookFiles writes.

export type BookFormat = 'epub' | 'pdf';

export const BOOKS_BUCKET = 'books';
export const COVERS_BUCKET = 'covers';

/** The Readium manifest, next to the exploded `epub/` folder its hrefs are relative to. */
export const MANIFEST_FILE = 'manifest.json';

/** `books.file_path`: the whole file. */
export const bookFilePath = (bookId: string, format: BookFormat) => `${bookId}/book.${format}`;
export const manifestPath = (bookId: string) => `${bookId}/${MANIFEST_FILE}`;
/** A file of the exploded EPUB, from a manifest href (a path inside the EPUB, `#fragment` dropped). */
export const explodedPath = (bookId: string, href: string) => `${bookId}/epub/${href.split('#')[0]}`;
/** `books.cover_path` is the cover's folder in `covers` (`<book>/<content hash>`); these are the files in it. */
export const coverPaths = (coverPath: string) => ({
  small: `${coverPath}/small.webp`,
  large: `${coverPath}/large.webp`,
});
