import type { RenderOptions } from '../config.js';
import type { Story } from '../model.js';
import { findAuthorCover, normaliseAuthorCover } from './cover/author-image.js';
import { renderCoverSvg } from './cover/generated.js';
import { COVER_SIZE, rasteriseSvg, rasteriseThumbnail, thumbnailOf } from './cover/raster.js';
import type { CoverImage } from './types.js';

// What the tests reach through this module; the cover's other pieces stay in src/render/cover/.
export { type CoverColors, colorsFor, contrastRatio, resolveCoverColors } from './cover/colors.js';
export { buildCoverView, COVER_TEXT, type CoverView, renderCoverSvg } from './cover/generated.js';
export { measureText } from './cover/outline-font.js';
export { COVER_JPEG_OPTIONS, COVER_SIZE, rasteriseSvg, THUMBNAIL_SIZE } from './cover/raster.js';
export { fitText } from './cover/text-block.js';

/**
 * The cover of a story: the author's own image when the story has one (sidecar `cover:`, or an image
 * named like the story next to it), else a typographic cover drawn from `cover.svg.hbs`.
 * Both come out as a 1600 × 2560 JPEG without metadata, plus a 200 × 320 thumbnail drawn when first asked
 * for (neither book needs it, and it cost every cover about 7 ms); same story, same bytes.
 * A declared cover that is missing, outside the story's folder or not an image throws a `FicbindError`.
 */
export async function makeCover(story: Story, options: RenderOptions): Promise<CoverImage> {
  const authorFile = findAuthorCover(story);
  if (authorFile !== null) {
    const { jpeg, diagnostics } = await normaliseAuthorCover(authorFile);
    return {
      jpeg,
      thumbnail: once(() => thumbnailOf(jpeg)),
      width: COVER_SIZE.width,
      height: COVER_SIZE.height,
      origin: 'author',
      diagnostics,
    };
  }
  const { svg, diagnostics } = renderCoverSvg(story, options);
  const jpeg = await rasteriseSvg(svg);
  return {
    jpeg,
    thumbnail: once(() => rasteriseThumbnail(svg)),
    width: COVER_SIZE.width,
    height: COVER_SIZE.height,
    origin: 'generated',
    diagnostics,
  };
}

/** `make`, run on the first call only; every call gets the same promise. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => {
    made ??= make();
    return made;
  };
}
