import type { Epub, EpubLink, EpubResource } from './epub.ts';
import { MANIFEST_FILE } from './layout.ts';
import { withoutFragment } from './paths.ts';
import { EPUB_PROFILE, WEBPUB_CONTEXT, WEBPUB_MEDIA_TYPE, type WebPubLink, type WebPubManifest } from './webpub.ts';

/**
 * The Readium Web Publication Manifest of an EPUB: spine → `readingOrder`, every other manifest item
 * once in `resources` (the cover with `rel: cover`), nav/NCX → `toc`, page list → `pageList` and
 * `numberOfPages`. Hrefs are paths inside the EPUB (relative to its exploded folder); the access
 * route replaces each with a signed URL. Pure: no I/O, runs on Deno.
 */
export function webpubManifest(
  epub: Pick<Epub, 'metadata' | 'spine' | 'resources' | 'cover' | 'toc' | 'pageList'>,
): WebPubManifest {
  const { metadata } = epub;
  const inSpine = new Set(epub.spine.map((item) => item.href));
  const authors = metadata.creators.filter((creator) => creator.role === null || creator.role === 'aut');
  const contributors = metadata.creators.filter((creator) => creator.role !== null && creator.role !== 'aut');
  const identifier = metadata.isbn ? `urn:isbn:${metadata.isbn}` : metadata.identifier;
  const manifest: WebPubManifest = {
    '@context': WEBPUB_CONTEXT,
    metadata: {
      '@type': 'http://schema.org/Book',
      conformsTo: EPUB_PROFILE,
      title: metadata.title,
      ...(metadata.subtitle ? { subtitle: metadata.subtitle } : {}),
      ...(identifier ? { identifier } : {}),
      ...(authors.length ? { author: authors.map(({ name }) => ({ name })) } : {}),
      ...(contributors.length
        ? { contributor: contributors.map(({ name, role }) => ({ name, role: role ?? '' })) }
        : {}),
      ...(metadata.language ? { language: metadata.language } : {}),
      ...(metadata.publisher ? { publisher: metadata.publisher } : {}),
      ...(metadata.description ? { description: metadata.description } : {}),
      ...(metadata.modified ? { modified: metadata.modified } : {}),
      ...(epub.pageList.length ? { numberOfPages: epub.pageList.length } : {}),
    },
    links: [{ rel: 'self', href: MANIFEST_FILE, type: WEBPUB_MEDIA_TYPE }],
    readingOrder: epub.spine.map((item) => ({ ...resourceLink(item), ...titleOf(item, epub.toc) })),
    resources: uniqueByHref(epub.resources.filter((item) => !inSpine.has(item.href))).map((item) =>
      item.href === epub.cover?.href ? { ...resourceLink(item), rel: 'cover' } : resourceLink(item),
    ),
    toc: epub.toc.map(tocLink),
  };
  if (epub.pageList.length) manifest.pageList = epub.pageList.map(({ label, href }) => ({ href, title: label }));
  return manifest;
}

function resourceLink(item: EpubResource): WebPubLink {
  return { href: item.href, type: item.mediaType };
}

/** The toc title of a chapter, so a reader can name the chapter it opens without the toc. */
function titleOf(item: EpubResource, toc: EpubLink[]): { title?: string } {
  const stack = [...toc];
  while (stack.length) {
    const link = stack.shift() as EpubLink;
    if (withoutFragment(link.href) === item.href) return { title: link.title };
    stack.push(...link.children);
  }
  return {};
}

function tocLink(link: EpubLink): WebPubLink {
  return {
    href: link.href,
    title: link.title,
    ...(link.children.length ? { children: link.children.map(tocLink) } : {}),
  };
}

function uniqueByHref(items: EpubResource[]): EpubResource[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.href) && seen.add(item.href));
}
