import type { EpubLink, EpubPage } from './epub.ts';
import { resolveHref } from './paths.ts';
import { attributeOf, childrenOf, descendantsOf, parseXml, textOf, type XmlElement } from './xml.ts';

export interface Navigation {
  toc: EpubLink[];
  pageList: EpubPage[];
}

const EMPTY: Navigation = { toc: [], pageList: [] };

/** The toc and page list of an EPUB 3 navigation document (`<nav epub:type="toc|page-list">`). */
export function readNavDocument(path: string, bytes: Uint8Array): Navigation {
  const navs = descendantsOf(safeParse(bytes), 'nav');
  const ofType = (type: string) => navs.find((nav) => (attributeOf(nav, 'type') ?? '').split(/\s+/).includes(type));
  const toc = ofType('toc');
  const pages = ofType('page-list');
  return {
    toc: toc ? navList(path, childrenOf(toc, 'ol')[0]) : [],
    pageList: pages ? navList(path, childrenOf(pages, 'ol')[0]).map(({ title, href }) => ({ label: title, href })) : [],
  };
}

/** The toc and page list of an EPUB 2 NCX. */
export function readNcx(path: string, bytes: Uint8Array): Navigation {
  const ncx = childrenOf(safeParse(bytes), 'ncx')[0];
  if (!ncx) return EMPTY;
  const points = (node: XmlElement | undefined): EpubLink[] =>
    childrenOf(node, 'navPoint').flatMap((point) => {
      const href = resolveHref(path, attributeOf(childrenOf(point, 'content')[0], 'src'));
      const title = textOf(childrenOf(point, 'navLabel')[0]);
      return href && title ? [{ title, href, children: points(point) }] : [];
    });
  const pageList = childrenOf(childrenOf(ncx, 'pageList')[0], 'pageTarget').flatMap((target) => {
    const href = resolveHref(path, attributeOf(childrenOf(target, 'content')[0], 'src'));
    const label = textOf(childrenOf(target, 'navLabel')[0]);
    return href && label ? [{ label, href }] : [];
  });
  return { toc: points(childrenOf(ncx, 'navMap')[0]), pageList };
}

function navList(path: string, ol: XmlElement | undefined): EpubLink[] {
  return childrenOf(ol, 'li').flatMap((li) => {
    const anchor = childrenOf(li, 'a')[0] ?? childrenOf(li, 'span')[0];
    const href = resolveHref(path, attributeOf(anchor, 'href'));
    const title = textOf(anchor);
    const children = navList(path, childrenOf(li, 'ol')[0]);
    // A heading without a link (<span>) still groups its children.
    if (!href || !title) return children;
    return [{ title, href, children }];
  });
}

/** A broken navigation document costs the book its toc, not its publication. */
function safeParse(bytes: Uint8Array): XmlElement {
  try {
    return parseXml(bytes);
  } catch {
    return { name: '#document', attributes: {}, children: [] };
  }
}
