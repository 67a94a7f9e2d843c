import type { Epub, EpubLink } from '../epub.ts';
import { readEpub } from '../read-epub.ts';
import { epubCover } from './epub-cover.ts';
import { epubEncryption } from './epub-drm.ts';
import type { ExtractedBook, ExtractedTocEntry } from './extracted-book.ts';
import { isbn13 } from './isbn.ts';
import { fitText, LIMITS, names, normaliseDate, normaliseLanguage, plainText, short, type Warn } from './normalise.ts';
import { estimatePageCount } from './page-estimate.ts';

/** Every field of ExtractedBook but the quality, which extractBook rates once for both formats. */
export type ExtractedFields = Omit<ExtractedBook, 'metadata'> & { drm: boolean };

// Bounds on a table of contents, against a hostile file: deeper or longer lists are cut.
export const TOC_LIMITS = { depth: 8, entries: 5000, title: 500 } as const;

/** Reads an EPUB 2 or 3 (readEpub validates the container and package; its BookFileErrors pass through). */
export async function extractEpub(bytes: Uint8Array, warn: Warn): Promise<ExtractedFields> {
  const epub = readEpub(bytes);
  const { metadata } = epub;
  const { drm, encrypted } = epubEncryption(epub);
  const title = fitText(metadata.title, LIMITS.title, 'title', warn);
  const authors = names(
    metadata.creators
      .filter((creator) => creator.role === null || creator.role.toLowerCase() === 'aut')
      .map((c) => c.name),
    warn,
  );
  const pageList = epub.pageList.length;
  return {
    format: 'epub',
    epubVersion: epubVersion(epub.version, warn),
    // readEpub refuses a package without a title; fitText keeps a non-blank one non-blank.
    title: title ?? metadata.title,
    subtitle: fitText(metadata.subtitle, LIMITS.subtitle, 'subtitle', warn),
    authors,
    language: normaliseLanguage(metadata.language, warn),
    publisher: fitText(metadata.publisher, LIMITS.name, 'publisher', warn),
    isbn: epubIsbn(epub, warn),
    description: fitText(plainText(metadata.description), LIMITS.description, 'description', warn, true),
    publicationDate: normaliseDate(publicationDate(epub), warn),
    pageCount: pageList > 0 ? pageList : estimatePageCount(epub, encrypted),
    pageCountSource: pageList > 0 ? 'page-list' : 'estimate',
    toc: tocEntries(epub.toc),
    cover: drm && epub.cover && encrypted.has(epub.cover.href) ? null : await epubCover(epub, warn),
    drm,
  };
}

/** `3.0` for any EPUB 3.x package, `2.0` for 2.x (and for a package without a version, as readEpub reads it). */
function epubVersion(version: string, warn: Warn): '2.0' | '3.0' {
  if (version.startsWith('3')) return '3.0';
  if (!version.startsWith('2'))
    warn(`The package version "${short(version)}" is unknown: the file was read as EPUB 2.`);
  return '2.0';
}

function epubIsbn(epub: Epub, warn: Warn): string | null {
  const candidates = epub.metadata.identifiers.filter((identifier) =>
    /^(urn:isbn:|isbn)?[\s\d-]{9,17}[\dX]$/i.test(identifier.trim()),
  );
  for (const candidate of candidates) {
    const isbn = isbn13(candidate);
    if (isbn) return isbn;
  }
  if (candidates.length > 0)
    warn(
      `The identifier "${short(candidates[0] ?? '')}" looks like an ISBN but its check digit is wrong: it was left out.`,
    );
  return null;
}

/**
 * EPUB 3's dc:date is the publication date. EPUB 2 may list several dates by `opf:event`: the
 * publication one, else one without an event; never the creation or modification of the file.
 */
function publicationDate(epub: Epub): string | null {
  const { dates } = epub.metadata;
  const publication = dates.find((date) => date.event !== null && /publication/i.test(date.event));
  return (publication ?? dates.find((date) => date.event === null))?.value ?? null;
}

/** The toc in the contract's shape, bounded in depth and length. */
export function tocEntries(links: EpubLink[]): ExtractedTocEntry[] {
  let budget: number = TOC_LIMITS.entries;
  const walk = (level: EpubLink[], depth: number): ExtractedTocEntry[] =>
    level.flatMap((link) => {
      if (budget <= 0) return [];
      budget -= 1;
      const title = Array.from(link.title).slice(0, TOC_LIMITS.title).join('');
      return [{ title, href: link.href, children: depth < TOC_LIMITS.depth ? walk(link.children, depth + 1) : [] }];
    });
  return walk(links, 1);
}
