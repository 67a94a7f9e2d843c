// A small reflowable book for the reader's end-to-end test, as a Readium Web Publication: three
// XHTML chapters, long enough that each spans several pages, served statically, and a manifest
// whose hrefs are signed afresh at each access, as the access API's are.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_CHAPTERS = 3;

/** The sentence that opens chapter `n`: the test selects it to make a highlight. */
export const highlightSentence = (n: number) => `Le baobab du chapitre ${n} garde la mémoire du village.`;

const PARAGRAPH =
  'Au bord du fleuve, les pirogues rentraient une à une, chargées de poissons d’argent. Les enfants couraient ' +
  'sur la berge en criant les noms des pêcheurs, et les femmes reprenaient le chant du soir, celui que les ' +
  'grands-mères chantaient déjà quand le village ne comptait que trois cases et un puits.';

function chapter(n: number): string {
  const paragraphs = Array.from({ length: 40 }, (_, i) => `    <p>${i + 1}. ${PARAGRAPH}</p>`).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr" lang="fr">
  <head><title>Chapitre ${n}</title></head>
  <body>
    <h1>Chapitre ${n}</h1>
    <p class="opening">${highlightSentence(n)}</p>
${paragraphs}
  </body>
</html>
`;
}

/** Writes the book's chapters into `dir` (created); its manifest is `signedFixtureManifest`. */
export function writeFixtureChapters(dir: string): void {
  mkdirSync(join(dir, 'text'), { recursive: true });
  for (const [i, link] of fixtureManifest().readingOrder.entries()) writeFileSync(join(dir, link.href), chapter(i + 1));
}

/**
 * The manifest as the access API hands it out (contract §3): every href an absolute URL signed for
 * this access only (`?exp=…&sig=<signature>`), so two accesses give two sets of URLs.
 */
export function signedFixtureManifest(bookUrl: string, signature: string): string {
  const manifest = fixtureManifest();
  const sign = (href: string) => `${new URL(href, bookUrl).href}?exp=4102444800&sig=${signature}`;
  return JSON.stringify({
    ...manifest,
    links: [{ rel: 'self', href: sign('manifest.json'), type: 'application/webpub+json' }],
    readingOrder: manifest.readingOrder.map((link) => ({ ...link, href: sign(link.href) })),
    toc: manifest.toc.map((link) => ({ ...link, href: sign(link.href) })),
  });
}

function fixtureManifest() {
  const readingOrder = Array.from({ length: FIXTURE_CHAPTERS }, (_, i) => ({
    href: `text/chapitre-${i + 1}.xhtml`,
    type: 'application/xhtml+xml',
    title: `Chapitre ${i + 1}`,
  }));
  return {
    '@context': 'https://readium.org/webpub-manifest/context.jsonld',
    metadata: {
      '@type': 'http://schema.org/Book',
      title: 'Contes du fleuve',
      language: 'fr',
      readingProgression: 'ltr',
      conformsTo: 'https://readium.org/webpub-manifest/profiles/epub',
    },
    links: [{ rel: 'self', href: 'manifest.json', type: 'application/webpub+json' }],
    readingOrder,
    resources: [],
    toc: readingOrder.map(({ href, title }) => ({ href, title })),
  };
}
