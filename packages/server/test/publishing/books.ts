// Test books for the publishing tests and bench, made by helper `extract`'s builders
// (src/content/extract/testing.ts) with the defaults these tests need: no ISBN unless asked (the
// catalogue refuses a second book with the same one) and a seed per title (distinct bytes).
import {
  buildBrokenFiles,
  buildEpub2,
  buildEpub3,
  buildLargeEpub,
  buildPdf as buildTestPdf,
} from '../../src/content/extract/testing.ts';

export interface BookOptions {
  title?: string;
  authors?: string[];
  language?: string;
  publisher?: string | null;
  isbn?: string | null;
  description?: string;
  chapters?: number;
}

/** An EPUB 2 or 3 with a cover, a toc, a page list and Dublin Core metadata. */
export function buildEpub(version: 2 | 3, options: BookOptions = {}): Promise<Uint8Array> {
  const build = version === 2 ? buildEpub2 : buildEpub3;
  return build({
    ...options,
    isbn: options.isbn ?? null,
    publisher: options.publisher ?? null,
    seed: `${version}:${options.title ?? 'untitled'}`,
  });
}

/** A PDF of `pages` pages (default 3) with title and author. */
export function buildPdf(options: { title?: string; author?: string; pages?: number } = {}): Promise<Uint8Array> {
  return buildTestPdf({
    title: options.title ?? 'Rapport annuel des bibliothèques',
    authors: [options.author ?? 'Aminata Sow Fall'],
    pages: options.pages ?? 3,
    seed: options.title ?? 'pdf',
  });
}

/** Files that must be refused, with the reason the upload must show. */
export async function brokenFiles(): Promise<{ name: string; bytes: Uint8Array; reason: string }[]> {
  return buildBrokenFiles();
}

export { buildLargeEpub };
