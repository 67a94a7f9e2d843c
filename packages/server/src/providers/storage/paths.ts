import { StorageError } from './port.ts';

const BUCKET = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const MAX_PATH_LENGTH = 1024;
// C0 controls (NUL included) and DEL; backslashes would be separators on Windows.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

/** Throws `invalid_path` unless `bucket` is a bucket id (lower case letters, digits, `-`, `_`). */
export function checkBucket(bucket: string): string {
  if (!BUCKET.test(bucket)) throw new StorageError('invalid_path', 'Invalid bucket name');
  return bucket;
}

/**
 * Throws `invalid_path` unless `path` is a relative object path: `/`-separated non-empty segments, none of
 * them `.` or `..`, no leading slash, no NUL or control character, no backslash, at most 1024 characters.
 * Both adapters check it, so a path that works locally works on Supabase and never leaves the local root.
 */
export function checkPath(path: string): string {
  if (path.length === 0 || path.length > MAX_PATH_LENGTH || FORBIDDEN.test(path)) {
    throw new StorageError('invalid_path', 'Invalid object path');
  }
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new StorageError('invalid_path', 'Invalid object path');
    }
  }
  return path;
}

/** A folder prefix for `list`: `''` (the bucket) or a valid path, with trailing slashes dropped. */
export function checkPrefix(prefix: string): string {
  const folder = prefix.replace(/\/+$/, '');
  return folder === '' ? '' : checkPath(folder);
}

/** The path with each segment percent-encoded, for URLs. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
