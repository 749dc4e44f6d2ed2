import { createRequire } from 'node:module';
import path from 'node:path';

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
