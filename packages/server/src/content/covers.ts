import sharp from 'sharp';

/** Cover widths: lists show the small one, a book's page the large one. */
export const COVER_SIZES = { small: 240, large: 720 } as const;
export type CoverSize = keyof typeof COVER_SIZES;

/**
 * The cover image at each size as WebP, resized to the width (height follows the aspect ratio; an
 * image narrower than the size is enlarged, so every cover has the same width in a list).
 */
export async function coverWebps(image: Uint8Array): Promise<Record<CoverSize, Uint8Array>> {
  const [small, large] = await Promise.all(
    [COVER_SIZES.small, COVER_SIZES.large].map(
      async (width) => new Uint8Array(await sharp(image).resize({ width }).webp({ quality: 80 }).toBuffer()),
    ),
  );
  return { small: small as Uint8Array, large: large as Uint8Array };
}
