import sharp from 'sharp';
import { pick, seededRandom } from '../../seeded-random.ts';

// Images for test books, drawn without fonts (shapes only) so they are fast to make and the same on
// every machine.

const COLOURS = ['#7a2e12', '#e0a23b', '#123c5a', '#3aa6a0', '#3b1f4a', '#d9643a', '#1f4a2b', '#c9b037'];

/** A 600 × 900 cover-like image (coloured bands and discs), the same for the same seed. */
export async function testCoverImage(seed: string, format: 'png' | 'jpeg'): Promise<Uint8Array> {
  const random = seededRandom(`test-cover:${seed}`);
  const shapes = Array.from({ length: 12 }, (_, i) => {
    const colour = pick(random, COLOURS);
    return i % 2 === 0
      ? `<rect x="0" y="${i * 75}" width="600" height="75" fill="${colour}"/>`
      : `<circle cx="${Math.floor(random() * 600)}" cy="${Math.floor(random() * 900)}" r="${40 + Math.floor(random() * 120)}" fill="${colour}"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="900">${shapes}</svg>`;
  const image = sharp(Buffer.from(svg));
  return new Uint8Array(await (format === 'png' ? image.png() : image.jpeg({ quality: 80 })).toBuffer());
}

/**
 * A PNG of seeded random pixels, stored without compression: about `width × height × 3` bytes that no
 * zip can shrink, which is what makes a test EPUB weigh what an illustrated book weighs.
 */
export async function noiseImage(seed: string, width: number, height: number): Promise<Uint8Array> {
  const random = seededRandom(`noise:${seed}`);
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = Math.floor(random() * 256);
  return new Uint8Array(
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer(),
  );
}
