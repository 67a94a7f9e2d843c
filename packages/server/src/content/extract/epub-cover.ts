import sharp from 'sharp';
import type { Epub } from '../epub.ts';
import { resolveHref, withoutFragment } from '../paths.ts';
import type { ExtractedCover } from './extracted-book.ts';
import type { Warn } from './normalise.ts';

const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  avif: 'image/avif',
  tiff: 'image/tiff',
};

/**
 * The cover of an EPUB: the image the package declares (EPUB 3 `properties="cover-image"`, EPUB 2
 * `<meta name="cover">`, both resolved by readEpub), else the first image of the first spine item
 * (how many EPUB 2 files show their cover). Only an image sharp can decode counts, since the
 * pipeline makes the WebP sizes from it.
 */
export async function epubCover(epub: Epub, warn: Warn): Promise<ExtractedCover | null> {
  if (epub.cover) {
    const declared = await asCover(epub.files.get(epub.cover.href));
    if (declared) return declared;
    warn(`The cover image ${epub.cover.href} declared by the EPUB cannot be read as an image.`);
  }
  const first = epub.spine[0];
  const page = first && epub.files.get(first.href);
  if (!first || !page) return null;
  const source = firstImageSource(new TextDecoder().decode(page));
  const path = source === null ? null : resolveHref(first.href, source);
  const image = path === null ? null : await asCover(epub.files.get(withoutFragment(path)));
  if (image && !epub.cover) warn('The EPUB declares no cover: the first image of its first page was used.');
  return image;
}

/** `src` of the first `<img>`, or `href`/`xlink:href` of the first SVG `<image>`, of an XHTML page. */
function firstImageSource(xhtml: string): string | null {
  const tag = /<(?:img|(?:svg:)?image)\b[^>]*>/i.exec(xhtml)?.[0];
  if (!tag) return null;
  const attribute = /\s(?:src|(?:xlink:)?href)\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
  return attribute ? (attribute[1] ?? attribute[2] ?? null) : null;
}

async function asCover(bytes: Uint8Array | undefined): Promise<ExtractedCover | null> {
  if (!bytes || bytes.length === 0) return null;
  try {
    const { format, width, height } = await sharp(bytes).metadata();
    const contentType = format ? CONTENT_TYPES[format] : undefined;
    if (!contentType || !width || !height) return null;
    return { bytes, contentType, source: 'epub' };
  } catch {
    return null;
  }
}
