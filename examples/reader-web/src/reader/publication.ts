// A Readium Web Publication, from its manifest's URL: the manifest is fetched once, each chapter only
// when the navigator shows it (on slow and costly links a reader never downloads the whole book to
// open it). The manifest's hrefs may be signed URLs that change at every access: `resourcePath`
// gives the stable name saved in locators.
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
  // string is invalid; the resources carry their own signed URLs.
  const self = new URL(manifestUrl);
  self.search = '';
  self.hash = '';
  manifest.setSelfLink(self.href);
  return new Publication({ manifest, fetcher: new HttpFetcher(undefined, manifestUrl) });
}

/**
 * The resource's name without what changes from one access to the next (query: the URL's
 * signature; fragment), relative to the manifest's folder when it is under it:
 * `https://…/books/B/epub/OEBPS/ch1.xhtml?exp=…&sig=…` → `OEBPS/ch1.xhtml` for a manifest in `…/books/B/`
 * whose chapters live in `epub/` gives `epub/OEBPS/ch1.xhtml`.
 */
export function resourcePath(href: string, manifestUrl: string): string {
  const url = new URL(href, manifestUrl);
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
