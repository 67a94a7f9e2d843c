// Why a file is not a usable EPUB or PDF. Editors see the reason (issue 11), so each one names the fault
// in words they can act on, and `reason` lets callers branch without parsing messages.

export type BookFileFaultReason =
  | 'NOT_A_ZIP'
  | 'TOO_LARGE'
  | 'UNSAFE_PATH'
  | 'BAD_MIMETYPE'
  | 'MISSING_CONTAINER'
  | 'BAD_CONTAINER'
  | 'MISSING_OPF'
  | 'BAD_OPF'
  | 'NOT_A_PDF'
  /** A PDF whose page tree holds no page. */
  | 'NO_PAGES'
  /** A package document without a (non-blank) title: a catalog entry needs one. */
  | 'MISSING_TITLE'
  /** Encrypted content (an EPUB's encryption.xml over content documents, a password-protected PDF). */
  | 'DRM_PROTECTED'
  /** Zero bytes: an upload that stored nothing. */
  | 'EMPTY_FILE'
  /** Neither a zip nor a PDF by its bytes, whatever its name says. */
  | 'UNSUPPORTED_FORMAT';

export class BookFileError extends Error {
  override readonly name = 'BookFileError';
  /** Marker that survives duplicated module copies, where `instanceof` fails. */
  readonly isBookFileError = true;

  constructor(
    readonly reason: BookFileFaultReason,
    message: string,
  ) {
    super(message);
  }
}

export function isBookFileError(error: unknown): error is BookFileError {
  return (
    typeof error === 'object' && error !== null && (error as { isBookFileError?: unknown }).isBookFileError === true
  );
}
