/**
 * The faces the PDF uses (Literata's four TTFs, plus an optional fallback TTF from the theme), for
 * measuring, coverage checks and the glyphs the canvas draws.
 *
 * Shaping a word with fontkit is the PDF's dearest step, and short stories share most of their
 * words, so what a word's shaping gives is kept for the thread (bounded), in a compact form: glyph
 * ids, the kerning inside the word and its width. A glyph's advance and the characters it stands for
 * are kept once per glyph.
 */
import type { Font, GlyphRun } from 'fontkit';
import { BOOK_FONT, openFont } from '../fonts.js';
import { ThreadCache } from '../thread-cache.js';
import { PlainShaper } from './plain.js';

export type Face = 'regular' | 'italic' | 'bold' | 'boldItalic' | 'fallback';
export const BOOK_FACES = ['regular', 'italic', 'bold', 'boldItalic'] as const;

/** A word as shaped: its glyphs and how far each moves the pen beyond its own advance (kerning). */
export interface Shaped {
  /** Advance width of the whole word, em. */
  readonly width: number;
  readonly ids: readonly number[];
  /** Per glyph: position advance less glyph advance, font units; null when all are 0. */
  readonly kern: readonly number[] | null;
}

/** The parts of a fontkit font object used to open a second view of it (not in fontkit's typings). */
interface FontInternals {
  stream: { pos: number };
  _directoryPos: number;
  _tables: object;
  constructor: new (stream: { pos: number }) => FontInternals;
}

/**
 * A second fontkit font object over the same file and the same decoded tables, with glyph objects
 * of its own (as fontkit's `getVariation` makes one). fontkit keeps, on each glyph object, the
 * characters given when the object was first made; the shared font's glyph objects are also made by
 * the cover's outlines and by pdfkit's subsetting (components of composite glyphs, with none), and
 * the PDF's text layer must not depend on what else the thread drew.
 */
function ownGlyphs(shared: Font): Font {
  const f = shared as unknown as FontInternals;
  f.stream.pos = f._directoryPos;
  const view = new f.constructor(f.stream);
  view._tables = f._tables;
  return view as unknown as Font;
}

/** Words kept per font file. */
const WORDS_KEPT = 1 << 16;

/** One font file as the PDF uses it, for the life of the thread. */
export class Shaper {
  /** The shared font object: the one pdfkit embeds. */
  readonly font: Font;
  private readonly view: Font;
  /** fontkit's result for plain words without its shaper (null: the font is always left to fontkit). */
  private readonly plain: PlainShaper | null;
  readonly unitsPerEm: number;
  private readonly words = new ThreadCache<Shaped>(WORDS_KEPT);
  private readonly coverage = new Map<number, boolean>();
  /** Per glyph id, once shaped: advance width (font units) and the characters it stands for. */
  private readonly advances: number[] = [];
  private readonly chars: (readonly number[])[] = [];

  constructor(file: string) {
    this.font = openFont(file);
    this.view = ownGlyphs(this.font);
    this.plain = PlainShaper.of(this.view);
    this.unitsPerEm = this.font.unitsPerEm;
  }

  shape(text: string): Shaped {
    let w = this.words.get(text);
    if (w === undefined) {
      const plain = this.plain?.shape(text);
      const run = plain ?? this.view.layout(text);
      const n = run.glyphs.length;
      const ids = new Array<number>(n);
      let kern: number[] | null = null;
      for (let i = 0; i < n; i++) {
        const glyph = run.glyphs[i] as (typeof run.glyphs)[number];
        const id = glyph.id;
        ids[i] = id;
        const advance = plain ? (plain.advances[i] as number) : glyph.advanceWidth;
        if (this.advances[id] === undefined) {
          this.advances[id] = advance;
          this.chars[id] = glyph.codePoints;
        }
        const x = plain ? (plain.xAdvances[i] as number) : (run as GlyphRun).positions[i]?.xAdvance;
        const k = (x ?? advance) - advance;
        if (k !== 0) {
          kern ??= new Array<number>(n).fill(0);
          kern[i] = k;
        }
      }
      w = { width: run.advanceWidth / this.unitsPerEm, ids, kern };
      this.words.set(text, w);
    }
    return w;
  }

  /** Advance width of a glyph met in a shaped word, font units. */
  advance(id: number): number {
    return this.advances[id] ?? 0;
  }

  /** The characters a glyph met in a shaped word stands for (its ToUnicode entry). */
  codePoints(id: number): readonly number[] {
    return this.chars[id] ?? [];
  }

  has(codePoint: number): boolean {
    let ok = this.coverage.get(codePoint);
    if (ok === undefined) {
      ok = this.view.hasGlyphForCodePoint(codePoint);
      this.coverage.set(codePoint, ok);
    }
    return ok;
  }
}

const shapers = new Map<string, Shaper>();

function shaperOf(file: string): Shaper {
  let s = shapers.get(file);
  if (!s) {
    s = new Shaper(file);
    shapers.set(file, s);
  }
  return s;
}

export function faceOf(italic: boolean, bold: boolean): Face {
  if (bold) return italic ? 'boldItalic' : 'bold';
  return italic ? 'italic' : 'regular';
}

export class FaceSet {
  private readonly shapers: Record<Face, Shaper | null>;
  readonly files: Readonly<Record<Face, string | null>>;

  constructor(fallbackFile: string | null) {
    this.files = {
      regular: BOOK_FONT.regular,
      italic: BOOK_FONT.italic,
      bold: BOOK_FONT.bold,
      boldItalic: BOOK_FONT.boldItalic,
      fallback: fallbackFile,
    };
    this.shapers = {
      regular: shaperOf(BOOK_FONT.regular),
      italic: shaperOf(BOOK_FONT.italic),
      bold: shaperOf(BOOK_FONT.bold),
      boldItalic: shaperOf(BOOK_FONT.boldItalic),
      fallback: fallbackFile ? shaperOf(fallbackFile) : null,
    };
  }

  hasFallback(): boolean {
    return this.shapers.fallback !== null;
  }

  /** The face's font file as used (the fallback face without a fallback font is set in the regular). */
  shaper(face: Face): Shaper {
    return this.shapers[face] ?? (this.shapers.regular as Shaper);
  }

  /** The width of `text` set in a run's face and size, with its letter spacing. */
  measure(
    text: string,
    style: { readonly face: Face; readonly size: number; readonly letterSpacing: number },
  ): number {
    const w = this.width(style.face, text, style.size);
    return style.letterSpacing ? w + style.letterSpacing * [...text].length : w;
  }

  /** Advance width of `text` set in `face` at `size` points (kerning and ligatures included). */
  width(face: Face, text: string, size: number): number {
    return this.shaper(face).shape(text).width * size;
  }

  /** Whether the face has a glyph for the code point. */
  has(face: Face, codePoint: number): boolean {
    const s = this.shapers[face];
    return s ? s.has(codePoint) : false;
  }

  /** Height of capitals above the baseline, as a fraction of the size. */
  capHeight(face: Face): number {
    const font = this.shaper(face).font;
    return font.capHeight / font.unitsPerEm;
  }
}
