// pdf-lib, loaded on first use so the API starts (and serves everything else) without it.
import { PdfUnavailableError } from './fonts.ts';

export type PdfLib = typeof import('pdf-lib');

let pdfLibPromise: Promise<PdfLib> | undefined;

/** The pdf-lib module; throws {@link PdfUnavailableError} when this runtime cannot load it. */
export function loadPdfLib(): Promise<PdfLib> {
  pdfLibPromise ??= import('pdf-lib').then(
    (module) => module,
    (error: unknown) => {
      pdfLibPromise = undefined;
      throw new PdfUnavailableError(`Cannot load pdf-lib: ${error instanceof Error ? error.message : error}`);
    },
  );
  return pdfLibPromise;
}
