import type { Epub } from '../epub.ts';
import { decodeEntities } from './normalise.ts';

/**
 * Characters of text on a printed page of a novel in French (A5/pocket, ~30 lines of ~60 signs),
 * the same figure the demo books use for their page lists, so an EPUB without a page list estimates
 * close to what its page list would say.
 */
export const CHARACTERS_PER_PAGE = 1800;

const XHTML = /^(application\/xhtml\+xml|text\/html)$/;

/**
 * An EPUB's page count when it has no page list: for each spine document (a chapter starts a new
 * page, as in print), its characters of text (markup, scripts and styles left out, whitespace
 * collapsed) divided by CHARACTERS_PER_PAGE and rounded up, plus one page per image (picture books
 * are mostly images); at least 1 in all. Each spine document counts once; encrypted ones
 * (unreadable) count nothing.
 */
export function estimatePageCount(epub: Epub, encrypted: ReadonlySet<string>): number {
  let pages = 0;
  const seen = new Set<string>();
  for (const item of epub.spine) {
    if (seen.has(item.href) || encrypted.has(item.href) || !XHTML.test(item.mediaType)) continue;
    seen.add(item.href);
    const bytes = epub.files.get(item.href);
    if (!bytes) continue;
    const markup = new TextDecoder().decode(bytes);
    const body = /<body\b[\s\S]*$/i.exec(markup)?.[0] ?? markup;
    const images = (body.match(/<(?:img|(?:svg:)?image)\b/gi) ?? []).length;
    const text = decodeEntities(body.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' '));
    const characters = text.replace(/\s+/g, ' ').trim().length;
    pages += Math.ceil(characters / CHARACTERS_PER_PAGE) + images;
  }
  return Math.max(1, pages);
}
