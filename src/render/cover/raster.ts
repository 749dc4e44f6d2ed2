import sharp from 'sharp';

/** Size of every cover: 1600 × 2560 px (1 : 1.6, what e-book shops ask for). */
export const COVER_SIZE = { width: 1600, height: 2560 } as const;
/** Size of the small copy shown in library lists. */
export const THUMBNAIL_SIZE = { width: 200, height: 320 } as const;

/**
 * JPEG encoding of every cover. Full-resolution colour (no chroma subsampling) keeps the edges of
 * coloured letters clean. sharp writes no metadata unless asked, so the bytes depend only on pixels.
 */
export const COVER_JPEG_OPTIONS = { quality: 90, chromaSubsampling: '4:4:4', mozjpeg: false } as const;
export const THUMBNAIL_JPEG_OPTIONS = { quality: 85, chromaSubsampling: '4:4:4', mozjpeg: false } as const;

/** Rasterise a cover SVG (drawn at 1600 × 2560 user units) to the cover JPEG. */
export async function rasteriseSvg(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg, 'utf8'), { density: 72 })
    .resize(COVER_SIZE.width, COVER_SIZE.height, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .jpeg(COVER_JPEG_OPTIONS)
    .toBuffer();
}

/** The small copy of a cover JPEG. */
export async function thumbnailOf(jpeg: Buffer): Promise<Buffer> {
  return sharp(jpeg)
    .resize(THUMBNAIL_SIZE.width, THUMBNAIL_SIZE.height, { fit: 'cover', kernel: 'lanczos3' })
    .jpeg(THUMBNAIL_JPEG_OPTIONS)
    .toBuffer();
}
