/**
 * The faces the PDF uses (Literata's four TTFs, plus an optional fallback TTF from the theme),
 * opened once with fontkit for measuring and coverage checks. Word widths are cached per face,
 * at 1 pt, so a long book measures each distinct word once.
 */
import type { Font } from 'fontkit';
import { BOOK_FONT, openFont } from '../fonts.js';

export type Face = 'regular' | 'italic' | 'bold' | 'boldItalic' | 'fallback';
export const BOOK_FACES = ['regular', 'italic', 'bold', 'boldItalic'] as const;

/** A word shaped by fontkit: glyphs (id, advance, the characters they stand for) and positions, in font units. */
export interface GlyphRun {
  readonly advanceWidth: number;
  readonly glyphs: readonly {
    readonly id: number;
    readonly advanceWidth: number;
    readonly codePoints: number[];
  }[];
  readonly positions: readonly { readonly xAdvance: number }[];
}

/** Runs kept from measuring until the canvas draws the word (bounded: words measured but never drawn). */
const RECENT_RUNS = 4096;

export function faceOf(italic: boolean, bold: boolean): Face {
  if (bold) return italic ? 'boldItalic' : 'bold';
  return italic ? 'italic' : 'regular';
}

export class FaceSet {
  private readonly fonts: Record<Face, Font | null>;
  private readonly widths: Record<Face, Map<string, number>>;
  private readonly coverage: Record<Face, Map<number, boolean>>;
  private readonly recent: Record<Face, Map<string, GlyphRun>>;
  readonly files: Readonly<Record<Face, string | null>>;

  constructor(fallbackFile: string | null) {
    this.files = {
      regular: BOOK_FONT.regular,
      italic: BOOK_FONT.italic,
      bold: BOOK_FONT.bold,
      boldItalic: BOOK_FONT.boldItalic,
      fallback: fallbackFile,
    };
    this.fonts = {
      regular: openFont(BOOK_FONT.regular),
      italic: openFont(BOOK_FONT.italic),
      bold: openFont(BOOK_FONT.bold),
      boldItalic: openFont(BOOK_FONT.boldItalic),
      fallback: fallbackFile ? openFont(fallbackFile) : null,
    };
    this.widths = {
      regular: new Map(),
      italic: new Map(),
      bold: new Map(),
      boldItalic: new Map(),
      fallback: new Map(),
    };
    this.recent = {
      regular: new Map(),
      italic: new Map(),
      bold: new Map(),
      boldItalic: new Map(),
      fallback: new Map(),
    };
    this.coverage = {
      regular: new Map(),
      italic: new Map(),
      bold: new Map(),
      boldItalic: new Map(),
      fallback: new Map(),
    };
  }

  hasFallback(): boolean {
    return this.fonts.fallback !== null;
  }

  /** Advance width of `text` set in `face` at `size` points (kerning and ligatures included). */
  /** The width of `text` set in a run's face and size, with its letter spacing. */
  measure(
    text: string,
    style: { readonly face: Face; readonly size: number; readonly letterSpacing: number },
  ): number {
    const w = this.width(style.face, text, style.size);
    return style.letterSpacing ? w + style.letterSpacing * [...text].length : w;
  }

  width(face: Face, text: string, size: number): number {
    const cache = this.widths[face];
    let w = cache.get(text);
    if (w === undefined) {
      const font = this.fonts[face] ?? this.fonts.regular;
      if (font) {
        const run = font.layout(text);
        w = run.advanceWidth / font.unitsPerEm;
        const recent = this.recent[face];
        if (recent.size >= RECENT_RUNS) recent.clear();
        recent.set(text, run);
      } else w = 0;
      cache.set(text, w);
    }
    return w * size;
  }

  /**
   * The glyph run of `text` in `face` (the same shaping its width came from), for drawing: the run
   * kept when it was measured, else shaped now. Units per em come with it.
   */
  shape(face: Face, text: string): { run: GlyphRun; unitsPerEm: number } | null {
    const font = this.fonts[face] ?? this.fonts.regular;
    if (!font) return null;
    const recent = this.recent[face];
    let run = recent.get(text);
    if (run) recent.delete(text);
    else run = font.layout(text);
    return { run, unitsPerEm: font.unitsPerEm };
  }

  /** Whether the face has a glyph for the code point. */
  has(face: Face, codePoint: number): boolean {
    const cache = this.coverage[face];
    let ok = cache.get(codePoint);
    if (ok === undefined) {
      const font = this.fonts[face];
      ok = font ? font.hasGlyphForCodePoint(codePoint) : false;
      cache.set(codePoint, ok);
    }
    return ok;
  }

  /** Height of capitals above the baseline, as a fraction of the size. */
  capHeight(face: Face): number {
    const font = this.fonts[face] ?? this.fonts.regular;
    return font ? font.capHeight / font.unitsPerEm : 0.7;
  }
}
