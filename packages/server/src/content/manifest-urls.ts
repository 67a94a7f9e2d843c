import { encodePath } from '../providers/storage/paths.ts';
import type { StoredLink, StoredManifest } from './stored-manifest.ts';
import { WEBPUB_MEDIA_TYPE } from './webpub.ts';

export interface ManifestUrlsOptions {
  /** The folder URL every path inside the EPUB is resolved against, ending with `/` (see epub-folder-token.ts). */
  resourcesUrl: string;
  /** The URL the manifest is served at (its `self` link). */
  selfUrl: string;
}

const isAbsolute = (href: string) => /^[a-z][a-z0-9+.-]*:/i.test(href);

function splitFragment(href: string): { path: string; fragment: string } {
  const hash = href.indexOf('#');
  return hash === -1 ? { path: href, fragment: '' } : { path: href.slice(0, hash), fragment: href.slice(hash) };
}

/**
 * The stored manifest with every `readingOrder`, `resources`, `toc` and `pageList` href (a decoded path
 * inside the EPUB) made absolute under `resourcesUrl` (`#fragment` kept); `links` keeps only `self`,
 * pointing at `selfUrl`. A reader then fetches each file when it opens it, and nothing else.
 */
export function withResourceUrls(manifest: StoredManifest, options: ManifestUrlsOptions): StoredManifest {
  const rewrite = (links: StoredLink[]): StoredLink[] =>
    links.map((link) => {
      const { path, fragment } = splitFragment(link.href);
      return {
        ...link,
        href: path && !isAbsolute(link.href) ? `${options.resourcesUrl}${encodePath(path)}${fragment}` : link.href,
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
