import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { COVER_SIZES, coverWebps } from '../../src/content/covers.ts';
import { drawCover } from '../../src/content/generated-cover.ts';

describe('covers', () => {
  it('draws a 600 × 900 JPEG cover, the same bytes for the same seed', async () => {
    const text = { title: 'Le Petit Prince du Sahel', author: 'Awa Ndiaye' };
    const cover = await drawCover('book-2', text);
    expect(await sharp(cover).metadata()).toMatchObject({ format: 'jpeg', width: 600, height: 900 });
    expect(Buffer.from(await drawCover('book-2', text)).equals(Buffer.from(cover))).toBe(true);
    expect(Buffer.from(await drawCover('book-3', text)).equals(Buffer.from(cover))).toBe(false);
  });

  it('resizes a cover to WebP at 240 and 720 px wide, keeping the aspect ratio', async () => {
    const image = await sharp({ create: { width: 1000, height: 1500, channels: 3, background: '#7a2e12' } })
      .png()
      .toBuffer();
    const webps = await coverWebps(new Uint8Array(image));
    for (const size of ['small', 'large'] as const) {
      const metadata = await sharp(webps[size]).metadata();
      expect(metadata.format).toBe('webp');
      expect(metadata.width).toBe(COVER_SIZES[size]);
      expect(metadata.height).toBe(COVER_SIZES[size] * 1.5);
    }
    expect(COVER_SIZES).toEqual({ small: 240, large: 720 });
  });

  it('refuses bytes that are not an image', async () => {
    await expect(coverWebps(new TextEncoder().encode('not an image'))).rejects.toThrow();
  });
});
