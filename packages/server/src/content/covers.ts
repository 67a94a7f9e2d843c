import sharp from 'sharp';

/** Cover widths: lists show the small one, a book's page the large one. */
export const COVER_SIZES = { small: 240, large: 720 } as const;
export type CoverSize = keyof typeof COVER_SIZES;
export type CoverEncoder = (image: Uint8Array) => Promise<Record<CoverSize, Uint8Array>>;

const WEBP = { quality: 80 } as const;

/** What coverWebps's output depends on besides its input: a key part for caches of its output. */
export const COVER_ENCODING = JSON.stringify({ sizes: COVER_SIZES, webp: WEBP, vips: sharp.versions.vips });

/**
 * The cover image at each size as WebP, resized to the width (height follows the aspect ratio; an
 * image narrower than the size is enlarged, so every cover has the same width in a list).
 */
export const coverWebps: CoverEncoder = async (image) => {
  const [small, large] = await Promise.all(
    [COVER_SIZES.small, COVER_SIZES.large].map(
      async (width) => new Uint8Array(await sharp(image).resize({ width }).webp(WEBP).toBuffer()),
    ),
  );
  return { small: small as Uint8Array, large: large as Uint8Array };
};
