import { describe, expect, it } from 'vitest';
import { resourcePath } from '../src/reader/publication';

const manifest = 'https://coko.example/functions/v1/api/v1/books/B/manifest.json?exp=1900000000&sig=abc';

describe('resourcePath', () => {
  it('gives the path inside the EPUB of a Coko manifest’s href, whatever its token', () => {
    const href = (token: string) =>
      `https://coko.example/functions/v1/api/v1/books/B/epub/${token}/OEBPS/text/chapter%20un.xhtml#p2`;
    expect(resourcePath(href('1900000000.abc_-DEF'), manifest)).toBe('OEBPS/text/chapter un.xhtml');
    expect(resourcePath(href('1900003600.xyz'), manifest)).toBe('OEBPS/text/chapter un.xhtml');
  });

  it('gives the path under the manifest’s folder, or the URL’s path, for other manifests', () => {
    const plain = 'https://books.example/contes/manifest.json';
    expect(resourcePath('text/ch1.xhtml?sig=1', plain)).toBe('text/ch1.xhtml');
    expect(resourcePath('https://cdn.example/a/ch1.xhtml', plain)).toBe('/a/ch1.xhtml');
  });
});
