import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { diagnostic, FicbindError } from '../../diagnostics.js';
import type { Diagnostic, Story } from '../../model.js';
import { COVER_EXTENSIONS, coverImageNames } from './cover-files.js';
import { COVER_JPEG_OPTIONS, COVER_SIZE } from './raster.js';

/** Formats sharp may decode for an author's cover. SVG is refused: it may load other files and fonts. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/** The folder holding the story (the `.txt` file or the story folder): no cover may come from outside it. */
export function storyFolder(story: Story): string {
  return path.dirname(path.resolve(story.source.path));
}

/** `file` is `folder` or somewhere below it (the folder itself is then refused as not a file). */
function isInside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function fail(code: string, message: string, file: string, hint: string): never {
  throw new FicbindError(diagnostic('error', code, message, file, null, hint));
}

/** The file in `dir` whose name is one of `names` (case-insensitively), with an image extension. */
function findImage(dir: string, names: readonly string[]): string | null {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).sort();
  } catch {
    return null;
  }
  for (const name of names) {
    for (const ext of COVER_EXTENSIONS) {
      const wanted = `${name}.${ext}`.toLowerCase();
      const hit = entries.find((e) => e.toLowerCase() === wanted);
      if (hit && fs.statSync(path.join(dir, hit)).isFile()) return path.join(dir, hit);
    }
  }
  return null;
}

/**
 * The author's own cover image for a story, or null when there is none:
 * `meta.cover` from the sidecar (which must exist and stay inside the folder holding the story),
 * else `<slug>.jpg|jpeg|png|webp` next to a story file, or `cover.jpg|jpeg|png|webp` inside a story folder.
 */
export function findAuthorCover(story: Story): string | null {
  const folder = realOrResolved(storyFolder(story));
  const declared = story.meta.cover;
  if (declared !== null && declared.trim() !== '') {
    const where = story.source.sidecar ?? story.source.path;
    const file = path.resolve(declared);
    const real = realOrResolved(file);
    // Compared as real paths (a folder may be reached through links). The cover may also sit in the real
    // folder of the file that names it: inside a story folder reached through a link, that is where the
    // link points. A story file that is a link does not open the folder its target is in.
    const namedIn = realOrResolved(
      story.source.sidecar
        ? path.dirname(path.resolve(story.source.sidecar))
        : story.source.kind === 'folder'
          ? path.resolve(story.source.path)
          : path.dirname(path.resolve(story.source.path)),
    );
    if (!isInside(folder, real) && !isInside(namedIn, real)) {
      fail(
        'cover-outside-story',
        `cover image ${declared} is outside the folder holding the story (${folder})`,
        where,
        'put the image next to the story and give its name relative to the sidecar, e.g. "cover: my-story.jpg"',
      );
    }
    if (!fs.existsSync(file)) {
      fail(
        'cover-missing',
        `cover image ${declared} does not exist`,
        where,
        'check the spelling of "cover:" in the sidecar, or remove the line to get a generated cover',
      );
    }
    if (!fs.statSync(file).isFile()) {
      fail(
        'cover-not-image',
        `cover image ${declared} is not a file`,
        where,
        'point "cover:" at a JPEG, PNG or WebP image',
      );
    }
    return file;
  }
  const names = coverImageNames(story.source.path, story.source.kind, story.slug);
  const dir = path.resolve(story.source.path);
  return findImage(story.source.kind === 'folder' ? dir : path.dirname(dir), names);
}

/**
 * The author's image made into a cover: turned upright (EXIF orientation), converted to sRGB,
 * transparency laid on white, cropped to fill 1600 × 2560, written as JPEG without metadata.
 */
export async function normaliseAuthorCover(
  file: string,
): Promise<{ jpeg: Buffer; diagnostics: Diagnostic[] }> {
  const notImage = (detail: string): never =>
    fail(
      'cover-not-image',
      `cover image ${file} cannot be used: ${detail}`,
      file,
      'save the cover as a JPEG, PNG or WebP image, or remove it to get a generated cover',
    );
  let format: string;
  let width: number;
  let height: number;
  try {
    const meta = await sharp(file).metadata();
    format = meta.format;
    width = meta.autoOrient.width;
    height = meta.autoOrient.height;
  } catch {
    return notImage('it is not an image file sharp can read');
  }
  if (!ACCEPTED_FORMATS.has(format)) return notImage(`${format.toUpperCase()} images are not accepted`);
  if (!width || !height) return notImage('it has no pixels');

  let jpeg: Buffer;
  try {
    jpeg = await sharp(file, { autoOrient: true, failOn: 'error' })
      .resize(COVER_SIZE.width, COVER_SIZE.height, { fit: 'cover', position: 'centre' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg(COVER_JPEG_OPTIONS)
      .toBuffer();
  } catch (err) {
    return notImage(
      `the image is damaged (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
    );
  }

  const diagnostics: Diagnostic[] = [];
  if (width < COVER_SIZE.width / 2 || height < COVER_SIZE.height / 2) {
    diagnostics.push(
      diagnostic(
        'warning',
        'cover-low-resolution',
        `cover image is ${width}×${height} px and will look blurred when enlarged to ${COVER_SIZE.width}×${COVER_SIZE.height}`,
        file,
        null,
        `use an image of at least ${COVER_SIZE.width / 2}×${COVER_SIZE.height / 2} px`,
      ),
    );
  }
  const ratio = width / height / (COVER_SIZE.width / COVER_SIZE.height);
  if (ratio > 1.25 || ratio < 0.8) {
    diagnostics.push(
      diagnostic(
        'info',
        'cover-cropped',
        `cover image is ${width}×${height} px; its ${ratio > 1 ? 'sides' : 'top and bottom'} are cropped to fit 5:8`,
        file,
        null,
        'crop the image to a 5:8 portrait yourself to choose what stays',
      ),
    );
  }
  return { jpeg, diagnostics };
}
