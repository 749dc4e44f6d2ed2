import path from 'node:path';
import type { Format } from '../config.js';

/** The path a story's book of one format is written to: `<out>/<slug>.<format>`. */
export function outputPath(outDir: string, slug: string, format: Format): string {
  return path.join(outDir, `${slug}.${format}`);
}
