import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Page sizes for the PDF, by name. Dimensions in PostScript points (1/72 in). */
export const PAGE_SIZES = {
  a5: { width: 419.53, height: 595.28, label: 'A5 (148 × 210 mm)' },
  a4: { width: 595.28, height: 841.89, label: 'A4 (210 × 297 mm)' },
  letter: { width: 612, height: 792, label: 'US Letter (8.5 × 11 in)' },
  'us-trade': { width: 432, height: 648, label: 'US trade (6 × 9 in)' },
  pocket: { width: 306, height: 494.64, label: 'Mass-market pocket (4.25 × 6.87 in)' },
  ereader: { width: 255.12, height: 345.83, label: 'E-reader (90 × 122 mm, large type)' },
} as const;

export type PageSizeName = keyof typeof PAGE_SIZES;
export const PAGE_SIZE_NAMES = Object.keys(PAGE_SIZES) as PageSizeName[];

export type Format = 'epub' | 'pdf';
export const FORMATS: readonly Format[] = ['epub', 'pdf'];

/** The project's own folder (where `templates/` and `stories/` live), found from this module. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');

/** Options every writer reads. Resolved once (defaults filled), then read-only. */
export interface RenderOptions {
  /** Folder holding the `.hbs` templates and `style.css`. */
  readonly templatesDir: string;
  readonly pageSize: PageSizeName;
  /** The date written into the books: SOURCE_DATE_EPOCH, else the story's date, else its files' mtime. */
  readonly buildDate: Date;
}

/**
 * The date a book is stamped with. Same input gives the same date, so builds are reproducible:
 * `SOURCE_DATE_EPOCH` (seconds) wins, then the story's own date, then its newest input file's mtime.
 */
export function resolveBuildDate(
  story: { meta: { date: string | null }; source: { modified: string } },
  env: NodeJS.ProcessEnv = process.env,
): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch.trim())) return new Date(Number(epoch.trim()) * 1000);
  if (story.meta.date) {
    const d = new Date(story.meta.date);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return new Date(story.source.modified);
}
