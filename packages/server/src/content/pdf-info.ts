import { PDFDocument } from 'pdf-lib';
import { BookFileError } from './book-file-error.ts';

export interface PdfInfo {
  title: string | null;
  author: string | null;
  pageCount: number;
}

/** Title, author and page count of a PDF; refuses a file pdf-lib cannot open. */
export async function readPdfInfo(bytes: Uint8Array): Promise<PdfInfo> {
  let document: PDFDocument;
  try {
    document = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (error) {
    throw new BookFileError('NOT_A_PDF', `The file is not a readable PDF: ${(error as Error).message}`);
  }
  return {
    title: document.getTitle() ?? null,
    author: document.getAuthor() ?? null,
    pageCount: document.getPageCount(),
  };
}
