import sharp, { type Sharp } from 'sharp';

/**
 * No libvips operation cache: no two covers share an input, so it never hits, and the buffers of the
 * last operations it keeps (up to 50 MB by default) stay allocated in whichever thread made them.
 */
sharp.cache(false);

/** Size of every cover: 1600 × 2560 px (1 : 1.6, what e-book shops ask for). */
export const COVER_SIZE = { width: 1600, height: 2560 } as const;
/** Size of the small copy shown in library lists. */
export const THUMBNAIL_SIZE = { width: 200, height: 320 } as const;

/**
 * JPEG encoding of every cover. Colour at half resolution (4:2:0), as almost every JPEG is: at quality
 * 90 the letters and ornaments of a cover look the same as with full-resolution colour (4:4:4) at
 * 1:1, and only a 4x zoom shows the edges of thin saturated rules a little softer; the file is 30%
 * smaller and encodes in two thirds of the time. Standard Huffman tables: optimised ones save about
 * a quarter of the bytes but cost more than the rest of the encoding (a second pass over every
 * coefficient). sharp writes no metadata unless asked, so the bytes depend only on pixels.
 */
export const COVER_JPEG_OPTIONS = {
  quality: 90,
  chromaSubsampling: '4:2:0',
  mozjpeg: false,
  optimiseCoding: false,
} as const;
/** The thumbnail keeps full-resolution colour: its letters are a few pixels high, and it costs nothing. */
export const THUMBNAIL_JPEG_OPTIONS = {
  quality: 85,
  chromaSubsampling: '4:4:4',
  mozjpeg: false,
  optimiseCoding: false,
} as const;

/** The cover SVG is drawn in 1600 × 2560 user units: 72 dpi draws it at full size, 9 dpi at thumbnail size. */
const FULL_DENSITY = 72;
const THUMBNAIL_DENSITY = (FULL_DENSITY * THUMBNAIL_SIZE.width) / COVER_SIZE.width;

/**
 * A cover SVG drawn at `density`, as opaque RGB. A cover template paints every pixel (see the head
 * of cover.svg.hbs; a test checks it), so the alpha channel librsvg adds is dropped, not blended:
 * the same pixels as flattening, without a pass in floating point.
 */
function drawSvg(svg: Buffer, density: number): Sharp {
  return sharp(svg, { density }).removeAlpha();
}

/** Rasterise a cover SVG (drawn at 1600 × 2560 user units) to the cover JPEG. */
export async function rasteriseSvg(svg: string): Promise<Buffer> {
  return drawSvg(Buffer.from(svg, 'utf8'), FULL_DENSITY).jpeg(COVER_JPEG_OPTIONS).toBuffer();
}

/**
 * The thumbnail of a cover SVG: the same drawing rendered at 200 × 320 (librsvg's own antialiasing does
 * the downscaling), cheaper than decoding or resampling the full-size raster, and as deterministic.
 */
export async function rasteriseThumbnail(svg: string): Promise<Buffer> {
  return drawSvg(Buffer.from(svg, 'utf8'), THUMBNAIL_DENSITY).jpeg(THUMBNAIL_JPEG_OPTIONS).toBuffer();
}

/** The small copy of a cover JPEG (an author's own image). */
export async function thumbnailOf(jpeg: Buffer): Promise<Buffer> {
  return sharp(jpeg)
    .resize(THUMBNAIL_SIZE.width, THUMBNAIL_SIZE.height, { fit: 'cover', kernel: 'lanczos3' })
    .jpeg(THUMBNAIL_JPEG_OPTIONS)
    .toBuffer();
}
