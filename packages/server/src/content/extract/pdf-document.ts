import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { BookFileError } from '../book-file-error.ts';

// pdf.js (Mozilla's PDF reader, the legacy build, which supports Node 20) reads every PDF a browser
// opens, including damaged ones it can repair; pdf-lib, which builds PDFs, refuses many of them.

const PDFJS = `${dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))}/`;
/** A PDF that takes longer than this to open is refused rather than left to hold a worker. */
export const PDF_OPEN_TIMEOUT_MS = 30_000;

/**
 * Opens a PDF with pdf.js, in this process (pdf.js's "fake worker"), without `eval` (PostScript
 * functions interpreted) and with its bundled standard fonts and CMaps (no system fonts). The bytes
 * are copied: pdf.js takes ownership of the buffer it is given. Call `destroy()` when done.
 */
export async function openPdf(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  // Loaded on first use: pdf.js is megabytes of code that a process reading only EPUBs never needs.
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    data: bytes.slice(),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    standardFontDataUrl: `${PDFJS}standard_fonts/`,
    cMapUrl: `${PDFJS}cmaps/`,
    cMapPacked: true,
    verbosity: 0,
    stopAtErrors: false,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), PDF_OPEN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([task.promise, timeout]);
  } catch (error) {
    await task.destroy().catch(() => undefined);
    const { name, message } = error as Error;
    if (name === 'PasswordException')
      throw new BookFileError(
        'DRM_PROTECTED',
        'The PDF is protected by a password: export it again without protection (no password, no encryption).',
      );
    throw new BookFileError(
      'NOT_A_PDF',
      `The file is not a readable PDF (${message}): export it again from its source.`,
    );
  } finally {
    clearTimeout(timer);
  }
}
