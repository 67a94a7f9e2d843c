import { BookFileError } from '../book-file-error.ts';
import type { ExtractOptions } from './extracted-book.ts';
import type { Warn } from './normalise.ts';

export type SniffedFormat = 'epub' | 'pdf';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const PDF = new TextEncoder().encode('%PDF-');
// The PDF specification lets a header sit after some junk; readers look in the first kilobyte.
const PDF_HEADER_WINDOW = 1024;

// Signatures of files editors upload by mistake, to name them in the refusal.
const OTHER_KINDS: [string, number[]][] = [
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a Word 97–2003 or other Office document', [0xd0, 0xcf, 0x11, 0xe0]],
  ['a RAR archive', [0x52, 0x61, 0x72, 0x21]],
  ['a 7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf]],
  ['a gzip archive', [0x1f, 0x8b]],
  ['an RTF document', [0x7b, 0x5c, 0x72, 0x74, 0x66]],
];

/**
 * The format of a book file by its bytes (a zip is taken for an EPUB, which the EPUB reader then
 * checks): names and declared types lie (an EPUB saved as `livre.pdf`), bytes do not. A name or type
 * that disagrees with the bytes gives a warning, not a refusal.
 */
export function sniffFormat(bytes: Uint8Array, options: ExtractOptions, warn: Warn): SniffedFormat {
  if (bytes.length === 0) throw new BookFileError('EMPTY_FILE', 'The file is empty (0 bytes): upload it again.');
  const format = startsWith(bytes, ZIP) ? 'epub' : indexOf(bytes, PDF, PDF_HEADER_WINDOW) >= 0 ? 'pdf' : null;
  if (!format) {
    const kind = OTHER_KINDS.find(([, signature]) => startsWith(bytes, signature))?.[0];
    throw new BookFileError(
      'UNSUPPORTED_FORMAT',
      `The file is not an EPUB or a PDF${kind ? ` (it is ${kind})` : ''}: export the book as EPUB or PDF and upload that.`,
    );
  }
  const extension = /\.([a-z0-9]+)$/i.exec(options.filename ?? '')?.[1]?.toLowerCase();
  if (extension && extension !== format)
    warn(
      `The file is named "${options.filename}" but it is ${format === 'epub' ? 'an EPUB' : 'a PDF'}: it was read as such.`,
    );
  const declared = options.contentType?.split(';')[0]?.trim().toLowerCase();
  const expected = format === 'epub' ? 'application/epub+zip' : 'application/pdf';
  const vague = !declared || declared === 'application/octet-stream' || declared === 'application/zip';
  if (!vague && declared !== expected)
    warn(`The upload declared the type ${declared} but the file is ${format === 'epub' ? 'an EPUB' : 'a PDF'}.`);
  return format;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

function indexOf(bytes: Uint8Array, needle: Uint8Array, within: number): number {
  const end = Math.min(bytes.length - needle.length, within);
  for (let i = 0; i <= end; i += 1) if (needle.every((byte, j) => bytes[i + j] === byte)) return i;
  return -1;
}
