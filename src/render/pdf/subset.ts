/**
 * fontkit's TrueType subsetting (which pdfkit runs when it embeds a face) with what it copies from
 * each glyph kept for the thread. For every book it decoded every used glyph's outline again, only
 * to learn whether the glyph is a composite and of which components; the bytes, components and
 * metrics it takes are the same every time.
 */

/** The parts of fontkit's TTFSubset used here (not in its typings). */
interface TTFSubset {
  readonly font: SubsetFont;
  glyf: Uint8Array[];
  loca: { offsets: number[] };
  hmtx: { metrics: { advance: number; bearing: number }[] };
  offset: number;
  includeGlyph(glyph: number): number;
  _addGlyph(glyph: number): number;
}

interface SubsetFont {
  readonly directory: { readonly tables: Record<string, unknown> };
  readonly _variationProcessor: unknown;
  readonly loca: { readonly offsets: readonly number[] };
  _getTableStream(tag: string): { pos: number; readBuffer(length: number): Uint8Array };
  getGlyph(id: number): {
    readonly advanceWidth: number;
    _getMetrics(): { readonly leftBearing: number };
    _decode(): { numberOfContours: number; components?: { glyphID: number; pos: number }[] } | null;
  };
}

/** What `_addGlyph` takes from a glyph: its bytes in the glyf table, components, metrics. */
interface SubsetGlyph {
  readonly bytes: Uint8Array;
  /** A composite's components: glyph id and where the id sits in `bytes`. */
  readonly components: readonly { readonly glyphID: number; readonly pos: number }[] | null;
  readonly advance: number;
  readonly bearing: number;
}

const kept = new WeakMap<SubsetFont, Map<number, SubsetGlyph>>();

function glyphOf(font: SubsetFont, gid: number): SubsetGlyph {
  let glyphs = kept.get(font);
  if (!glyphs) {
    glyphs = new Map();
    kept.set(font, glyphs);
  }
  let g = glyphs.get(gid);
  if (!g) {
    // As fontkit's TTFSubset._addGlyph reads them.
    const glyph = font.getGlyph(gid);
    const glyf = glyph._decode();
    const start = font.loca.offsets[gid] ?? 0;
    const end = font.loca.offsets[gid + 1] ?? start;
    const stream = font._getTableStream('glyf');
    if (!stream) throw new Error('the font has no glyf table');
    stream.pos += start;
    const bytes = stream.readBuffer(end - start);
    const components =
      glyf && glyf.numberOfContours < 0
        ? (glyf.components ?? []).map((c) => ({ glyphID: c.glyphID, pos: c.pos }))
        : null;
    g = { bytes, components, advance: glyph.advanceWidth, bearing: glyph._getMetrics().leftBearing };
    glyphs.set(gid, g);
  }
  return g;
}

/**
 * Have a pdfkit font's subset take its glyphs from the thread's kept copies (TrueType outlines
 * without variations; anything else is left as it is). The subset's bytes are unchanged.
 */
export function keepSubsetGlyphs(subset: unknown): void {
  const s = subset as TTFSubset;
  if (typeof s._addGlyph !== 'function' || !('glyf' in s.font.directory.tables)) return;
  if (s.font._variationProcessor) return;
  s._addGlyph = function (this: TTFSubset, gid: number): number {
    const g = glyphOf(this.font, gid);
    let bytes = g.bytes;
    if (g.components) {
      // A composite names its components by glyph id: renumbered for the subset, in a copy.
      bytes = new Uint8Array(bytes);
      const view = new DataView(bytes.buffer);
      for (const c of g.components) view.setUint16(c.pos, this.includeGlyph(c.glyphID));
    }
    this.glyf.push(bytes);
    this.loca.offsets.push(this.offset);
    this.hmtx.metrics.push({ advance: g.advance, bearing: g.bearing });
    this.offset += bytes.length;
    return this.glyf.length - 1;
  };
}
