/** A cover for the writers' tests: one flat colour as a JPEG, without going through the cover maker. */
import sharp, { type JpegOptions } from 'sharp';
import type { CoverImage } from '../../src/render/types.js';

export async function plainCover(
  width: number,
  height: number,
  background: string,
  jpegOptions: JpegOptions = {},
): Promise<CoverImage> {
  const jpeg = await sharp({ create: { width, height, channels: 3, background } })
    .jpeg(jpegOptions)
    .toBuffer();
  return { jpeg, thumbnail: async () => jpeg, width, height, origin: 'generated', diagnostics: [] };
}
