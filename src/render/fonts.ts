import { createRequire } from 'node:module';
import path from 'node:path';
import { type Font, openSync } from 'fontkit';

const require = createRequire(import.meta.url);
const literataDir = path.dirname(require.resolve('@expo-google-fonts/literata/package.json'));

/** The book face: Literata (SIL Open Font License), shipped as TTF by @expo-google-fonts/literata. */
export const BOOK_FONT = {
  family: 'Literata',
  regular: path.join(literataDir, '400Regular', 'Literata_400Regular.ttf'),
  italic: path.join(literataDir, '400Regular_Italic', 'Literata_400Regular_Italic.ttf'),
  bold: path.join(literataDir, '700Bold', 'Literata_700Bold.ttf'),
  boldItalic: path.join(literataDir, '700Bold_Italic', 'Literata_700Bold_Italic.ttf'),
} as const;

export type FontStyle = 'regular' | 'italic' | 'bold' | 'boldItalic';

const opened = new Map<string, Font>();

/**
 * A font file opened with fontkit, once per thread: the cover, the PDF's measuring and pdfkit's
 * embedding all read the same object, so its tables are decoded once. fontkit is imported as an ES
 * module, the same copy pdfkit imports (a `require` would load a second copy of fontkit).
 */
export function openFont(file: string): Font {
  let font = opened.get(file);
  if (!font) {
    const result = openSync(file);
    const first = 'fonts' in result ? result.fonts[0] : result;
    if (!first) throw new Error(`font file has no faces: ${file}`);
    font = first;
    opened.set(file, font);
  }
  return font;
}
