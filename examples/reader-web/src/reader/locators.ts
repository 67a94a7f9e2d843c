// Coko saves positions as plain Readium locators (docs/CONTRACT-reading.md) whose `href` is the
// resource's path inside the EPUB: the manifest's URLs change at every access, so they are mapped both
// ways here.
import type { Locator as CokoLocator } from '@coko/sdk';
import { Locator, LocatorLocations, LocatorText, type Publication } from '@readium/shared';
import { resourcePath } from './publication';

const clamp = (value: number) => Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));

/** The navigator's locator as Coko stores it; `totalProgression` from the chapter's place in the reading order. */
export function toCokoLocator(locator: Locator, publication: Publication, manifestUrl: string): CokoLocator {
  const items = publication.readingOrder.items;
  const index = Math.max(0, publication.readingOrder.findIndexWithHref(locator.href));
  const progression = clamp(locator.locations.progression ?? 0);
  return {
    href: resourcePath(locator.href, manifestUrl),
    type: locator.type || 'application/xhtml+xml',
    ...(locator.title ? { title: locator.title } : {}),
    locations: {
      progression,
      totalProgression: clamp((index + progression) / items.length),
      position: index + 1,
    },
  };
}

/** A saved locator back into this access's publication (its tokened hrefs), or `undefined` if its chapter is gone. */
export function toReadiumLocator(
  saved: CokoLocator,
  publication: Publication,
  manifestUrl: string,
): Locator | undefined {
  const items = publication.readingOrder.items;
  const index = items.findIndex((link) => resourcePath(link.href, manifestUrl) === saved.href);
  const link = items[index];
  if (!link) return undefined;
  return new Locator({
    href: link.href,
    type: link.type ?? saved.type,
    ...(link.title ? { title: link.title } : {}),
    locations: new LocatorLocations({
      // The navigator finds the chapter by position: one per chapter (see chapterPositions).
      position: index + 1,
      progression: clamp(saved.locations.progression),
      totalProgression: clamp(saved.locations.totalProgression),
    }),
    ...(saved.text?.highlight ? { text: new LocatorText(saved.text) } : {}),
  });
}

/** What a highlight's locator keeps of the text around it (the contract caps each part at 2000). */
const CONTEXT_CHARACTERS = 64;

/** The selection in a chapter's window, as the `text` of a highlight's locator; `null` when nothing is selected. */
export function selectedText(
  wnd: Window,
): { highlight: string; before?: string | undefined; after?: string | undefined } | null {
  const selection = wnd.getSelection();
  const highlight = selection?.toString().trim() ?? '';
  if (!selection || selection.rangeCount === 0 || !highlight) return null;
  const range = selection.getRangeAt(0);
  const text = (node: Node, from: number, to?: number) => (node.textContent ?? '').slice(from, to);
  const before = text(range.startContainer, 0, range.startOffset).slice(-CONTEXT_CHARACTERS);
  const after = text(range.endContainer, range.endOffset).slice(0, CONTEXT_CHARACTERS);
  return { highlight: highlight.slice(0, 2000), ...(before ? { before } : {}), ...(after ? { after } : {}) };
}
