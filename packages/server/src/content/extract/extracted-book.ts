// What extractBook reads from an EPUB or PDF: the shape of docs/CONTRACT-publishing.md §2, which the
// upload pipeline turns into a draft book (columns of public.books plus its metadata jsonb).

export interface ExtractedTocEntry {
  title: string;
  /** EPUB: path inside the archive with its `#fragment`; PDF: `#page=N` (1-based); null when it leads nowhere. */
  href: string | null;
  children: ExtractedTocEntry[];
}

export interface ExtractedCover {
  bytes: Uint8Array;
  contentType: string;
  /** `epub`: an image of the EPUB; `pdf-first-page`: the PDF's first page rendered. */
  source: 'epub' | 'pdf-first-page';
}

export type ExtractedQuality = 'good' | 'fair' | 'poor';

export interface ExtractedBook {
  format: 'epub' | 'pdf';
  /** From the OPF package@version; null for a PDF. */
  epubVersion: '2.0' | '3.0' | null;
  /** Never blank; at most 300 characters (books.title). */
  title: string;
  /** At most 300 characters (books.subtitle). */
  subtitle: string | null;
  /** Display names in credit order (dc:creator with role `aut` or none; PDF Author / XMP dc:creator). */
  authors: string[];
  /** The books.language format (`fr`, `fr-SN`), or null when the file gives none that fits. */
  language: string | null;
  publisher: string | null;
  /** An ISBN-13 (ISBN-10s converted), checksum verified as private.isbn13 does. */
  isbn: string | null;
  /** Plain text, at most 20 000 characters (books.description). */
  description: string | null;
  /** YYYY-MM-DD. */
  publicationDate: string | null;
  /** At least 1. */
  pageCount: number;
  pageCountSource: 'page-list' | 'estimate' | 'pdf';
  toc: ExtractedTocEntry[];
  cover: ExtractedCover | null;
  metadata: { drm: boolean; quality: ExtractedQuality; warnings: string[] };
}

export interface ExtractOptions {
  /** The name the editor uploaded, for warnings (an EPUB named .pdf) and a PDF's fallback title. */
  filename?: string;
  /** The content type the upload declared, for warnings only: the bytes decide the format. */
  contentType?: string;
}
