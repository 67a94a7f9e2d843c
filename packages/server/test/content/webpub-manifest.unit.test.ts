import { describe, expect, it } from 'vitest';
import { readEpub } from '../../src/content/read-epub.ts';
import type { WebPubLink } from '../../src/content/webpub.ts';
import { webpubManifest } from '../../src/content/webpub-manifest.ts';
import { epub2Files, SAMPLE_BOOK, sampleEpub, zip } from './fixtures.ts';

const hrefs = (links: WebPubLink[]) => links.map((link) => link.href);

describe('webpubManifest', () => {
  it('describes a generated EPUB 3 as a Readium Web Publication with the EPUB profile', async () => {
    const epub = readEpub(await sampleEpub());
    const manifest = webpubManifest(epub);
    expect(manifest['@context']).toBe('https://readium.org/webpub-manifest/context.jsonld');
    expect(manifest.metadata).toEqual({
      '@type': 'http://schema.org/Book',
      conformsTo: 'https://readium.org/webpub-manifest/profiles/epub',
      title: SAMPLE_BOOK.title,
      subtitle: SAMPLE_BOOK.subtitle,
      identifier: `urn:isbn:${SAMPLE_BOOK.isbn}`,
      author: [{ name: 'Aminata Diallo, Moussa Traoré' }],
      language: 'fr',
      publisher: SAMPLE_BOOK.publisher,
      modified: '2026-01-01T00:00:00Z',
      numberOfPages: epub.pageList.length,
    });
    expect(manifest.links).toEqual([{ rel: 'self', href: 'manifest.json', type: 'application/webpub+json' }]);
    // The reading order is the spine, in spine order, XHTML only, named from the toc.
    expect(hrefs(manifest.readingOrder)).toEqual(epub.spine.map((item) => item.href));
    expect(manifest.readingOrder.every((link) => link.type === 'application/xhtml+xml')).toBe(true);
    expect(manifest.readingOrder[1]).toEqual({
      href: 'OEBPS/text/chapter-001.xhtml',
      type: 'application/xhtml+xml',
      title: 'Chapitre 1',
    });
    // Every other manifest item once, the cover marked.
    expect(hrefs(manifest.resources).sort()).toEqual([
      'OEBPS/images/cover.jpg',
      'OEBPS/nav.xhtml',
      'OEBPS/styles/book.css',
    ]);
    expect(manifest.resources.find((link) => link.rel === 'cover')).toEqual({
      href: 'OEBPS/images/cover.jpg',
      type: 'image/jpeg',
      rel: 'cover',
    });
    const all = [...hrefs(manifest.readingOrder), ...hrefs(manifest.resources)];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(epub.resources.map((resource) => resource.href).sort());
    expect(manifest.toc.map((link) => link.title)).toEqual([
      'Chapitre 1',
      'Chapitre 2',
      'Chapitre 3',
      'Chapitre 4',
      'Chapitre 5',
    ]);
    expect(manifest.pageList?.[0]).toEqual({ href: 'OEBPS/text/chapter-001.xhtml#page-1', title: '1' });
    // JSON all the way: what is stored is what is read back.
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('keeps nested toc entries, other contributors and an EPUB 2 spine order', () => {
    const manifest = webpubManifest(readEpub(zip(epub2Files())));
    expect(manifest.metadata.author).toEqual([{ name: 'Awa Ndiaye' }]);
    expect(manifest.metadata.contributor).toEqual([{ name: 'Kofi Mensah', role: 'ill' }]);
    expect(manifest.metadata.numberOfPages).toBe(2);
    expect(hrefs(manifest.readingOrder)).toEqual(['OPS/text/two.xhtml', 'OPS/text/one.xhtml']);
    expect(manifest.toc[0]).toEqual({
      href: 'OPS/text/two.xhtml',
      title: 'Premier conte',
      children: [{ href: 'OPS/text/two.xhtml#suite', title: 'La suite' }],
    });
    expect(manifest.resources).toContainEqual({ href: 'OPS/images/cover art.png', type: 'image/png', rel: 'cover' });
  });
});
