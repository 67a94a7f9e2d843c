import { unzipSync } from 'fflate';
import { BookFileError } from './book-file-error.ts';

/** Bounds on what an archive may expand to: an EPUB is a few MB of text and images, not gigabytes. */
export interface UnzipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_UNZIP_LIMITS: UnzipLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 100 * 1024 * 1024,
  maxTotalBytes: 300 * 1024 * 1024,
};

/**
 * The files of a zip archive by path, directories left out. Refuses entries that would escape the
 * folder they are extracted to, and archives whose declared sizes exceed `limits`: fflate inflates
 * each entry into a buffer of its declared size and never grows it, so the declared sizes bound the
 * memory a zip bomb can take.
 */
export function unzipArchive(bytes: Uint8Array, limits: UnzipLimits = DEFAULT_UNZIP_LIMITS): Map<string, Uint8Array> {
  let entries = 0;
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(entry) {
        if (entry.name.endsWith('/')) return false;
        assertSafeEntryName(entry.name);
        entries += 1;
        total += entry.originalSize;
        if (entries > limits.maxEntries)
          throw new BookFileError('TOO_LARGE', `The archive has more than ${limits.maxEntries} files.`);
        if (entry.originalSize > limits.maxEntryBytes || total > limits.maxTotalBytes)
          throw new BookFileError('TOO_LARGE', `The archive expands to more than ${limits.maxTotalBytes} bytes.`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof BookFileError) throw error;
    throw new BookFileError(
      'NOT_A_ZIP',
      'The file is not a complete zip archive (an EPUB is one): it may have been cut short; upload it again.',
    );
  }
  return new Map(Object.entries(files));
}

/** Entry names are relative POSIX paths: no root, no drive, no backslash, no `..`, no NUL. */
function assertSafeEntryName(name: string): void {
  const segments = name.split('/');
  const unsafe =
    name.length === 0 ||
    name.startsWith('/') ||
    /^[a-zA-Z]:/.test(name) ||
    name.includes('\\') ||
    name.includes('\0') ||
    segments.some((segment) => segment === '..' || segment === '.' || segment === '');
  if (unsafe)
    throw new BookFileError('UNSAFE_PATH', `The archive holds an entry with an unsafe path: ${JSON.stringify(name)}.`);
}
