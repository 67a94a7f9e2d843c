import { buildEpub3 } from './build-epub.ts';
import { noiseImage } from './images.ts';

const IMAGE_SIDE = 512;
/** An uncompressed PNG of IMAGE_SIDE² RGB pixels: ~786 KB. */
const IMAGE_BYTES = IMAGE_SIDE * IMAGE_SIDE * 3;
const CHAPTER_CHARACTERS = 40_000;

/**
 * An EPUB 3 of about `targetBytes` (default 10 MB): real chapters of prose (toc, page list) showing
 * incompressible illustrations, as an illustrated book weighs. The size lands within one
 * illustration (~790 KB) of the target.
 *
 * @example
 * const bytes = await buildLargeEpub(); // ≈ 10 MB
 */
export async function buildLargeEpub(targetBytes = 10 * 1024 * 1024): Promise<Uint8Array> {
  const count = Math.max(1, Math.round(targetBytes / IMAGE_BYTES));
  const illustrations = await Promise.all(
    Array.from({ length: count }, (_, i) => noiseImage(`large-epub:${i}`, IMAGE_SIDE, IMAGE_SIDE)),
  );
  return buildEpub3({
    title: 'Grand livre illustré des contes du fleuve',
    chapters: Math.min(Math.max(count, 3), 24),
    chapterCharacters: CHAPTER_CHARACTERS,
    illustrations,
    seed: 'large-epub',
  });
}
