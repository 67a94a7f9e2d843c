// The one place the pipeline gets `extractBook` (docs/CONTRACT-publishing.md §2). Until helper `extract`'s
// module lands, this is a stand-in with the contract's signature built on readEpub/readPdfInfo: fewer
// checks (no DRM detection, no quality rules), same shapes. Replace the body by a re-export of
// `../content/extract/index.ts` when merging.
import { BookFileError } from '../content/book-file-error.ts';
import type { EpubLink } from '../content/epub.ts';
import { readPdfInfo } from '../content/pdf-info.ts';
import { readEpub } from '../content/read-epub.ts';

export interface ExtractedBook {
  format: 'epub' | 'pdf';
  epubVersion: '2.0' | '3.0' | null;
  title: string;
  subtitle: string | null;
  authors: string[];
  language: string | null;
  publisher: string | null;
  isbn: string | null;
  description: string | null;
  publicationDate: string | null;
  pageCount: number;
  pageCountSource: 'page-list' | 'estimate' | 'pdf';
  toc: { title: string; href: string | null; children: ExtractedBook['toc'] }[];
  cover: { bytes: Uint8Array; contentType: string; source: 'epub' | 'pdf-first-page' } | null;
  metadata: { drm: boolean; quality: 'good' | 'fair' | 'poor'; warnings: string[] };
}

const PDF_MAGIC = '%PDF-';
// Stand-in estimate: the stored text of the spine's documents, markup included, over ~1,800 characters a page.
const BYTES_PER_PAGE = 2500;

/** Validates and reads an EPUB 2, EPUB 3 or PDF; throws BookFileError (reason + message an editor can read). */
export async function extractBook(
  bytes: Uint8Array,
  options: { filename?: string; contentType?: string } = {},
): Promise<ExtractedBook> {
  const isPdf = new TextDecoder().decode(bytes.subarray(0, 5)) === PDF_MAGIC;
  if (isPdf || options.contentType === 'application/pdf') {
    const info = await readPdfInfo(bytes).catch((error: unknown) => {
      if (error instanceof BookFileError) throw error;
      throw new BookFileError('NOT_A_PDF', `The file is not a readable PDF: ${(error as Error).message}`);
    });
    const title = info.title?.trim() || titleFromFilename(options.filename);
    return {
      format: 'pdf',
      epubVersion: null,
      title,
      subtitle: null,
      authors: info.author ? [info.author.trim()].filter(Boolean) : [],
      language: null,
      publisher: null,
      isbn: null,
      description: null,
      publicationDate: null,
      pageCount: info.pageCount,
      pageCountSource: 'pdf',
      toc: [],
      cover: null,
      metadata: { drm: false, quality: 'fair', warnings: [] },
    };
  }
  const epub = readEpub(bytes);
  const meta = epub.metadata;
  if (!meta.title.trim()) throw new BookFileError('BAD_OPF', 'The EPUB has no title (dc:title).');
  const coverBytes = epub.cover ? epub.files.get(epub.cover.href) : undefined;
  const spineBytes = epub.spine.reduce((sum, item) => sum + (epub.files.get(item.href)?.byteLength ?? 0), 0);
  return {
    format: 'epub',
    epubVersion: epub.version.startsWith('3') ? '3.0' : '2.0',
    title: meta.title.trim(),
    subtitle: meta.subtitle,
    authors: meta.creators.filter((c) => c.role === null || c.role === 'aut').map((c) => c.name.trim()),
    language: normaliseLanguage(meta.language),
    publisher: meta.publisher,
    isbn: meta.isbn,
    description:
      meta.description
        ?.replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim() || null,
    publicationDate: null,
    pageCount: epub.pageList.length || Math.max(1, Math.round(spineBytes / BYTES_PER_PAGE)),
    pageCountSource: epub.pageList.length ? 'page-list' : 'estimate',
    toc: epub.toc.map(tocEntry),
    cover: coverBytes && epub.cover ? { bytes: coverBytes, contentType: epub.cover.mediaType, source: 'epub' } : null,
    metadata: { drm: false, quality: 'good', warnings: [] },
  };
}

function tocEntry(link: EpubLink): ExtractedBook['toc'][number] {
  return { title: link.title, href: link.href, children: link.children.map(tocEntry) };
}

function normaliseLanguage(value: string | null): string | null {
  const match = value?.trim().match(/^([a-z]{2})(?:[-_]([a-z]{2}))?$/i);
  if (!match?.[1]) return null;
  return match[2] ? `${match[1].toLowerCase()}-${match[2].toUpperCase()}` : match[1].toLowerCase();
}

function titleFromFilename(filename: string | undefined): string {
  const base = filename
    ?.replace(/\.[^.]+$/, '')
    .replace(/[_-]+/g, ' ')
    .trim();
  if (!base) throw new BookFileError('NOT_A_PDF', 'The PDF has no title and no file name to take one from.');
  return base;
}
