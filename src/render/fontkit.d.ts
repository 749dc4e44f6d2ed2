// fontkit ships no types; these describe the few parts ficbind uses.
declare module 'fontkit' {
  export type PathCommand =
    | { readonly command: 'moveTo'; readonly args: readonly number[] }
    | { readonly command: 'lineTo'; readonly args: readonly number[] }
    | { readonly command: 'quadraticCurveTo'; readonly args: readonly number[] }
    | { readonly command: 'bezierCurveTo'; readonly args: readonly number[] }
    | { readonly command: 'closePath'; readonly args: readonly number[] };

  export interface Glyph {
    readonly id: number;
    readonly advanceWidth: number;
    readonly codePoints: number[];
    readonly path: { readonly commands: readonly PathCommand[] };
  }

  export interface GlyphPosition {
    readonly xAdvance: number;
    readonly yAdvance: number;
    readonly xOffset: number;
    readonly yOffset: number;
  }

  export interface GlyphRun {
    readonly advanceWidth: number;
    readonly glyphs: Glyph[];
    readonly positions: GlyphPosition[];
  }

  export interface Font {
    readonly unitsPerEm: number;
    readonly ascent: number;
    readonly descent: number;
    readonly capHeight: number;
    hasGlyphForCodePoint(codePoint: number): boolean;
    layout(text: string, features?: readonly string[]): GlyphRun;
  }

  export function openSync(path: string): Font | { readonly fonts: Font[] };
  export function create(buffer: Uint8Array): Font | { readonly fonts: Font[] };
}
