// A Readium Web Publication, from its manifest's URL: the manifest is fetched once, each chapter only
// when the navigator shows it (on slow and costly links a reader never downloads the whole book to
// open it). The manifest's hrefs carry a token that changes at every access: `resourcePath` gives
// the stable name saved in locators.
import { HttpFetcher, Locator, LocatorLocations, Manifest, Publication } from '@readium/shared';

export class PublicationError extends Error {}

export async function openPublication(manifestUrl: string, signal?: AbortSignal): Promise<Publication> {
  let response: Response;
  try {
    response = await fetch(manifestUrl, { signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new PublicationError('Le livre ne se télécharge pas : vérifiez votre connexion.');
  }
  if (!response.ok) throw new PublicationError(`Le livre ne s’ouvre pas (HTTP ${response.status}).`);
  const manifest = Manifest.deserialize(await response.json());
  if (!manifest || manifest.readingOrder.items.length === 0) {
    throw new PublicationError('Ce livre n’a pas de contenu lisible.');
  }
  // Readium derives the frames' Content-Security-Policy from the self link, where a signature's query
  // string is invalid; the resources carry their own token.
  const self = new URL(manifestUrl);
  self.search = '';
  self.hash = '';
  manifest.setSelfLink(self.href);
  return new Publication({ manifest, fetcher: new HttpFetcher(undefined, manifestUrl) });
}

// Coko's manifest serves an EPUB's files under a path token that changes at every access:
// `…/v1/books/<id>/epub/<exp>.<sig>/<path inside the EPUB>`.
const TOKEN_FOLDER = /\/epub\/\d+\.[\w-]+\/(.+)$/;

/**
 * The resource's name without what changes from one access to the next: for Coko's manifests the path
 * inside the EPUB (`…/epub/<token>/OEBPS/ch1.xhtml` → `OEBPS/ch1.xhtml`); otherwise the path relative
 * to the manifest's folder when it is under it (query and fragment dropped), else the URL's path.
 */
export function resourcePath(href: string, manifestUrl: string): string {
  const url = new URL(href, manifestUrl);
  const inBook = TOKEN_FOLDER.exec(url.pathname);
  if (inBook?.[1]) return decodeURIComponent(inBook[1]);
  const base = new URL('.', manifestUrl);
  if (url.origin === base.origin && url.pathname.startsWith(base.pathname)) {
    return decodeURIComponent(url.pathname.slice(base.pathname.length));
  }
  return decodeURIComponent(url.pathname);
}

/**
 * One position per chapter, when the manifest has no position list: Readium's navigator needs
 * at least one per resource of the reading order.
 */
export function chapterPositions(publication: Publication): Locator[] {
  const items = publication.readingOrder.items;
  return items.map(
    (link, index) =>
      new Locator({
        href: link.href,
        type: link.type ?? 'application/xhtml+xml',
        title: link.title,
        locations: new LocatorLocations({
          position: index + 1,
          progression: 0,
          totalProgression: index / items.length,
        }),
      }),
  );
}
