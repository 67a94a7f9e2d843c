import type { StoragePort } from '../providers/storage/port.ts';
import { BOOKS_BUCKET, explodedPath } from './layout.ts';
import type { StoredLink, StoredManifest } from './stored-manifest.ts';
import { WEBPUB_MEDIA_TYPE } from './webpub.ts';

export interface SignManifestOptions {
  bookId: string;
  /** Seconds the resources' signed URLs live. */
  expiresIn: number;
  /** The URL the manifest is served at (its `self` link). */
  selfUrl: string;
}

const isAbsolute = (href: string) => /^[a-z][a-z0-9+.-]*:/i.test(href);

function splitFragment(href: string): { path: string; fragment: string } {
  const hash = href.indexOf('#');
  return hash === -1 ? { path: href, fragment: '' } : { path: href.slice(0, hash), fragment: href.slice(hash) };
}

/**
 * The stored manifest with every `readingOrder`, `resources`, `toc` and `pageList` href (paths inside
 * the EPUB) replaced by an absolute signed URL of `books/<id>/epub/<path>` (`#fragment` kept), signed in
 * one batch; `links` keeps only `self`, pointing at `selfUrl`. A reader then fetches each file when it
 * opens it, and nothing else.
 */
export async function signManifest(
  storage: StoragePort,
  manifest: StoredManifest,
  options: SignManifestOptions,
): Promise<StoredManifest> {
  const { bookId } = options;
  const paths = new Set<string>();
  const collect = (links: StoredLink[] | undefined) => {
    for (const link of links ?? []) {
      const { path } = splitFragment(link.href);
      if (path && !isAbsolute(link.href)) paths.add(explodedPath(bookId, path));
      collect(link.children);
    }
  };
  for (const links of [manifest.readingOrder, manifest.resources, manifest.toc, manifest.pageList]) collect(links);

  const signed = await storage.signedUrls(BOOKS_BUCKET, [...paths], { expiresIn: options.expiresIn });
  const rewrite = (links: StoredLink[]): StoredLink[] =>
    links.map((link) => {
      const { path, fragment } = splitFragment(link.href);
      const url = path && !isAbsolute(link.href) ? signed.get(explodedPath(bookId, path)) : undefined;
      return {
        ...link,
        href: url ? `${url}${fragment}` : link.href,
        ...(link.children ? { children: rewrite(link.children) } : {}),
      };
    });

  return {
    ...manifest,
    links: [{ rel: 'self', href: options.selfUrl, type: WEBPUB_MEDIA_TYPE }],
    readingOrder: rewrite(manifest.readingOrder),
    resources: rewrite(manifest.resources),
    toc: rewrite(manifest.toc),
    ...(manifest.pageList ? { pageList: rewrite(manifest.pageList) } : {}),
  };
}
