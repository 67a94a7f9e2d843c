// A small reflowable book for the reader's end-to-end test, as a Readium Web Publication: a
// manifest.json beside three XHTML chapters, long enough that each spans several pages. The same
// layout as a book the content step publishes (hrefs relative to the manifest), served statically.
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

/** Writes the book into `dir` (created) and returns the manifest's path relative to it. */
export function writeFixtureBook(dir: string): string {
  mkdirSync(join(dir, 'text'), { recursive: true });
  const readingOrder = Array.from({ length: FIXTURE_CHAPTERS }, (_, i) => {
    writeFileSync(join(dir, 'text', `chapitre-${i + 1}.xhtml`), chapter(i + 1));
    return { href: `text/chapitre-${i + 1}.xhtml`, type: 'application/xhtml+xml', title: `Chapitre ${i + 1}` };
  });
  const manifest = {
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
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return 'manifest.json';
}
