// Path tokens for a book's exploded EPUB (`books/<id>/epub/`): one HMAC over the folder instead of one
// signed URL per file, carried as a path segment so that the relative URLs inside a chapter (its CSS,
// images, fonts, the next chapter) resolve to URLs that still carry it — a query string would be lost.
import type { UrlSigner } from '../providers/storage/signing.ts';
import { BOOKS_BUCKET } from './layout.ts';

/**
 * What a token signs: the folder, with its trailing `/`. No object path ends with `/` (storage refuses
 * empty segments), so a file URL's signature never opens the folder, nor a folder token one file URL.
 */
export const epubFolder = (bookId: string) => `${bookId}/epub/`;

const TOKEN = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** `<exp>.<sig>`: the token of the book's EPUB folder until `exp` (Unix seconds). */
export async function epubFolderToken(signer: UrlSigner, bookId: string, exp: number): Promise<string> {
  return `${exp}.${await signer.sign(BOOKS_BUCKET, epubFolder(bookId), exp)}`;
}

export type EpubFolderTokenCheck =
  | { valid: true; secondsLeft: number }
  | { valid: false; reason: 'unsigned' | 'bad_signature' | 'expired' };

/** Whether `token` opens the book's EPUB folder at `nowSeconds`, and for how long. */
export async function checkEpubFolderToken(
  signer: UrlSigner,
  bookId: string,
  token: string,
  nowSeconds: number,
): Promise<EpubFolderTokenCheck> {
  const parts = TOKEN.exec(token);
  if (!parts) return { valid: false, reason: 'unsigned' };
  const exp = Number(parts[1]);
  // Checked before the clock so that a forged token learns nothing, not even whether it expired.
  if (!(await signer.verify(BOOKS_BUCKET, epubFolder(bookId), exp, parts[2] as string))) {
    return { valid: false, reason: 'bad_signature' };
  }
  const secondsLeft = exp - nowSeconds;
  return secondsLeft > 0 ? { valid: true, secondsLeft } : { valid: false, reason: 'expired' };
}
