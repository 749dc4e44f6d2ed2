/**
 * Most words of a book are set by fontkit glyph for character, but for a ligature (fi, Th), and
 * only pair kerning moves them. For those words this gives fontkit's result without running its
 * shaper (whose cost is per call, and several hundred milliseconds of decoding and compiling for a
 * thread's first book): each character's glyph from the cmap, the ligatures its default features
 * form, then the pair adjustments of the same GPOS subtables, each found and applied as fontkit's
 * layout engine finds and applies them.
 *
 * A word is taken only when nothing else could happen to it: every character a Latin, Greek or
 * Cyrillic letter or common, none a mark, default-ignorable or fraction slash, and no other
 * substitution able to match anywhere in it (one whose first glyph stands in the word and that
 * cannot be ruled out sends the word to fontkit). A font whose tables go beyond this (variations,
 * AAT, WOFF, a legacy kern table, no glyph classes) is always left to fontkit.
 */
import type { Font, Glyph } from 'fontkit';

/** The font's cmap step (not in fontkit's typings here). */
interface CmapFont {
  glyphForCodePoint(codePoint: number): Glyph;
  getGlyph(id: number, codePoints: number[]): Glyph;
}

/** OpenType structures as fontkit decodes them (and as `RawGpos` reads them), as far as they are read here. */
type Coverage =
  | { readonly version: 1; readonly glyphs: readonly number[] }
  | {
      readonly version: 2;
      readonly rangeRecords: readonly { start: number; end: number; startCoverageIndex: number }[];
    };
type ClassDef =
  | { readonly version: 1; readonly startGlyph: number; readonly classValueArray: readonly number[] }
  | {
      readonly version: 2;
      readonly classRangeRecord: readonly { start: number; end: number; class: number }[];
    };
interface LazyArray<T> {
  readonly length: number;
  get(index: number): T;
}
interface Ligature {
  readonly glyph: number;
  readonly components: readonly number[];
}
/** Any subtable: the fields read depend on the lookup type and format. */
interface Subtable {
  readonly version?: number;
  readonly lookupType?: number;
  readonly extension?: Subtable;
  readonly coverage?: Coverage;
  readonly coverages?: readonly Coverage[];
  readonly backtrackCoverage?: readonly Coverage[];
  readonly inputCoverage?: readonly Coverage[];
  readonly lookaheadCoverage?: readonly Coverage[];
  readonly ligatureSets?: LazyArray<readonly Ligature[]>;
}
interface Lookup {
  readonly lookupType: number;
  readonly flags: {
    readonly markAttachmentType: number;
    readonly flags: { readonly ignoreBaseGlyphs: boolean; readonly ignoreLigatures: boolean };
  };
  readonly subTables: readonly Subtable[];
}
interface LayoutTable {
  readonly scriptList: readonly {
    readonly tag: string;
    readonly script: { readonly defaultLangSys: { readonly featureIndexes: readonly number[] } | null };
  }[];
  readonly featureList: readonly {
    readonly tag: string;
    readonly feature: { readonly lookupListIndexes: number[] };
  }[];
  readonly lookupList: LazyArray<Lookup>;
}
interface Tables {
  readonly GSUB?: LayoutTable;
  readonly GPOS?: LayoutTable;
  readonly GDEF?: { readonly glyphClassDef?: ClassDef };
  readonly directory: { readonly tables: Record<string, { readonly offset: number } | undefined> };
  /** The font file's bytes (table offsets in `directory` are into them, for TTF and OTF files). */
  readonly stream: { readonly buffer: Uint8Array };
  readonly type: string;
}

/** The features fontkit's default shaper plans for horizontal text, in its order (one stage). */
const PLANNED = [
  'rvrn',
  'ltra',
  'ltrm',
  'frac',
  'numr',
  'dnom',
  'ccmp',
  'locl',
  'rlig',
  'mark',
  'mkmk',
  'calt',
  'clig',
  'liga',
  'rclt',
  'curs',
  'kern',
];
/** Planned but given only to glyphs around a fraction slash (U+2044, never in a plain word). */
const LOCAL = new Set(['frac', 'numr', 'dnom']);
/** The scripts fontkit falls back to when the text's own is missing from the font. */
const DEFAULT_SCRIPTS = ['DFLT', 'dflt', 'latn'];

function coverageIndex(c: Coverage, glyph: number): number {
  if (c.version === 1) return c.glyphs.indexOf(glyph);
  for (const r of c.rangeRecords)
    if (r.start <= glyph && glyph <= r.end) return r.startCoverageIndex + glyph - r.start;
  return -1;
}

function classOf(c: ClassDef, glyph: number): number {
  if (c.version === 1) {
    const i = glyph - c.startGlyph;
    return i >= 0 && i < c.classValueArray.length ? (c.classValueArray[i] as number) : 0;
  }
  for (const r of c.classRangeRecord) if (r.start <= glyph && glyph <= r.end) return r.class;
  return 0;
}

function addCoverage(c: Coverage | undefined, out: Set<number>): void {
  if (!c) return;
  if (c.version === 1) for (const g of c.glyphs) out.add(g);
  else for (const r of c.rangeRecords) for (let g = r.start; g <= r.end; g++) out.add(g);
}

/**
 * One subtable of a substitution lookup, at a glyph its first coverage holds: `may` when it may
 * apply (the word goes to fontkit), `no` when it cannot here, or the ligature it forms.
 */
type SubstitutionStep = (ids: readonly number[], i: number) => 'may' | 'no' | Ligature;

/** A substitution lookup: its subtables in order, each with the glyphs it can start at. */
interface SubstitutionLookup {
  /** Every glyph some subtable can start at. */
  readonly starts: ReadonlySet<number>;
  readonly subtables: readonly { readonly starts: ReadonlySet<number>; readonly step: SubstitutionStep }[];
}

/** The lookups of one script's default language, as fontkit's processors would apply them. */
interface Prepared {
  /** Substitution lookups, in the order (and as often) fontkit applies them. */
  readonly substitutions: readonly SubstitutionLookup[];
  /** Glyphs at which a positioning lookup other than pair kerning may apply. */
  readonly positioned: ReadonlySet<number>;
  /** Pair-positioning lookups, in the order (and as often) fontkit applies them. */
  readonly pairs: readonly (readonly PairSubtable[])[];
  /** Per pair lookup, first and second glyph → [xAdvance of the first, of the second], or null. */
  readonly memo: Map<number, readonly [number, number] | null>[];
  readonly gpos: RawGpos | null;
}

/**
 * The indexes of fontkit's lookups for the planned global features of a script's default language:
 * sorted, and as often as the features list them.
 */
function plannedIndexes(table: LayoutTable, scriptTag: string): number[] {
  let entry = table.scriptList.find((s) => s.tag === scriptTag);
  if (!entry) {
    for (const tag of DEFAULT_SCRIPTS) {
      entry = table.scriptList.find((s) => s.tag === tag);
      if (entry) break;
    }
  }
  const lang = entry?.script.defaultLangSys;
  if (!lang) return [];
  // A tag listed twice: fontkit keeps the last.
  const features = new Map<string, { lookupListIndexes: number[] }>();
  for (const i of lang.featureIndexes) {
    const record = table.featureList[i];
    if (record) features.set(record.tag, record.feature);
  }
  const indexes: number[] = [];
  for (const tag of PLANNED) {
    const feature = features.get(tag);
    if (!feature || LOCAL.has(tag)) continue;
    indexes.push(...feature.lookupListIndexes);
  }
  indexes.sort((a, b) => a - b);
  return indexes;
}

/** Whether the lookup skips glyphs a plain word has (base glyphs, ligatures): then no check is exact. */
function skipsPlainGlyphs(l: Lookup): boolean {
  return l.flags.flags.ignoreBaseGlyphs || l.flags.flags.ignoreLigatures;
}

/** lookupFlag bits for skipping base glyphs and ligatures. */
const SKIPS_PLAIN_GLYPHS = 0x2 | 0x4;

export interface PlainRun {
  readonly glyphs: readonly Glyph[];
  /** Per glyph: its advance width (as its `advanceWidth`, read without decoding its outline). */
  readonly advances: readonly number[];
  /** Per glyph: advance after positioning, font units. */
  readonly xAdvances: readonly number[];
  readonly advanceWidth: number;
}

export class PlainShaper {
  private readonly prepared = new Map<string, Prepared | null>();
  /** Code point → its glyph and script (null: common); null when a word with it is not plain. */
  private readonly chars = new Map<number, { glyph: Glyph; script: string | null } | null>();
  /** Glyph id → the glyph object of a character met (fontkit's own, for its characters). */
  private readonly glyphs = new Map<number, Glyph>();
  private readonly isMark: (glyph: number) => boolean;

  private readonly font: CmapFont;
  private readonly bytes: DataView;
  private readonly hmtx: number;
  private readonly hMetrics: number;

  private constructor(
    font: Font,
    private readonly tables: Tables,
    glyphClasses: ClassDef,
  ) {
    this.font = font as unknown as CmapFont;
    this.bytes = bytesOf(tables);
    this.hmtx = tables.directory.tables.hmtx?.offset ?? 0;
    // numberOfHMetrics, the last field of hhea.
    this.hMetrics = this.bytes.getUint16((tables.directory.tables.hhea?.offset ?? 0) + 34);
    this.isMark = (g) => classOf(glyphClasses, g) === 3;
  }

  /** The plain shaper of a font, or null when its tables are beyond what is emulated here. */
  static of(font: Font): PlainShaper | null {
    const t = font as unknown as Tables;
    const has = (tag: string): boolean => tag in t.directory.tables;
    // Table offsets are into the file's bytes only for TTF and OTF (not WOFF) files.
    if (t.type !== 'TTF' || has('morx') || has('fvar') || has('kern') || !has('GPOS')) return null;
    if (!has('hmtx') || !has('hhea')) return null;
    const classes = has('GDEF') ? t.GDEF?.glyphClassDef : undefined;
    if (!classes) return null;
    return new PlainShaper(font, t, classes);
  }

  /** fontkit's result for `text` when it is a plain word, else null. */
  shape(text: string): PlainRun | null {
    const n = text.length;
    const ids = new Array<number>(n);
    /** The characters each glyph stands for, as fontkit carries them through substitution. */
    const chars = new Array<readonly number[]>(n);
    let script: string | null = null;
    for (let i = 0; i < n; i++) {
      const c = this.char(text.charCodeAt(i));
      if (!c) return null;
      ids[i] = c.glyph.id;
      chars[i] = c.glyph.codePoints;
      script ??= c.script;
    }
    // fontkit takes the script of the first letter with one, else none ('zzzz').
    const p = this.prepare(script ?? 'zzzz');
    if (!p) return null;
    let ligated = false;
    for (const lookup of p.substitutions) {
      for (let i = 0; i < ids.length; i++) {
        if (!lookup.starts.has(ids[i] as number)) continue;
        for (const sub of lookup.subtables) {
          if (!sub.starts.has(ids[i] as number)) continue;
          const r = sub.step(ids, i);
          if (r === 'no') continue;
          if (r === 'may') return null;
          // The ligature replaces its first glyph, its components go (fontkit's GSUB type 4).
          const k = r.components.length;
          const merged = (chars[i] as readonly number[]).slice();
          for (let j = 1; j <= k; j++) merged.push(...(chars[i + j] as readonly number[]));
          ids.splice(i, k + 1, r.glyph);
          chars.splice(i, k + 1, merged);
          ligated = true;
          break;
        }
      }
    }
    const m = ids.length;
    const glyphs = new Array<Glyph>(m);
    const advances = new Array<number>(m);
    const x = new Array<number>(m);
    for (let i = 0; i < m; i++) {
      const id = ids[i] as number;
      // The glyph objects fontkit ends with: made with these characters unless they exist already.
      const glyph = ligated ? this.font.getGlyph(id, chars[i] as number[]) : (this.glyphOf(id) as Glyph);
      const first = glyph.codePoints[0];
      if (p.positioned.has(id) || this.isMark(id) || (first !== undefined && isDefaultIgnorable(first)))
        return null;
      glyphs[i] = glyph;
      advances[i] = this.advance(id);
      x[i] = advances[i] as number;
    }
    for (let l = 0; l < p.pairs.length; l++) {
      const subtables = p.pairs[l] as readonly PairSubtable[];
      const memo = p.memo[l] as Map<number, readonly [number, number] | null>;
      for (let i = 0; i + 1 < m; i++) {
        const a = ids[i] as number;
        const b = ids[i + 1] as number;
        const key = a * 65536 + b;
        let adj = memo.get(key);
        if (adj === undefined) {
          adj = (p.gpos as RawGpos).adjustment(subtables, a, b);
          memo.set(key, adj);
        }
        if (adj) {
          x[i] = (x[i] as number) + adj[0];
          x[i + 1] = (x[i + 1] as number) + adj[1];
        }
      }
    }
    let advanceWidth = 0;
    for (let i = 0; i < m; i++) advanceWidth += x[i] as number;
    return { glyphs, advances, xAdvances: x, advanceWidth };
  }

  /**
   * A glyph's advance width from the hmtx table, as fontkit's `advanceWidth` gives it for a font
   * without variations (which also decodes the glyph's outline, for vertical metrics).
   */
  private advance(id: number): number {
    const i = Math.min(id, this.hMetrics - 1);
    return i < 0 ? 0 : this.bytes.getUint16(this.hmtx + 4 * i);
  }

  /** The glyph object of a character's glyph, met in `char`. */
  private glyphOf(id: number): Glyph | undefined {
    return this.glyphs.get(id);
  }

  private char(cp: number): { glyph: Glyph; script: string | null } | null {
    let c = this.chars.get(cp);
    if (c === undefined) {
      c = null;
      const script = scriptOf(cp);
      if (script) {
        // The glyph object fontkit's cmap step gives (it keeps the characters it was first made with,
        // which is what fontkit tests for default-ignorables).
        const glyph = this.font.glyphForCodePoint(cp);
        // A mark may be skipped by a lookup (then ligatures and pairs are not contiguous): fontkit's.
        if (glyph.id !== 0 && !this.isMark(glyph.id) && !isDefaultIgnorable(cp)) {
          c = { glyph, script: script === 'common' ? null : script };
          this.glyphs.set(glyph.id, glyph);
        }
      }
      this.chars.set(cp, c);
    }
    return c;
  }

  private prepare(script: string): Prepared | null {
    let p = this.prepared.get(script);
    if (p === undefined) {
      p = prepare(this.tables, script);
      this.prepared.set(script, p);
    }
    return p;
  }
}

/**
 * How fontkit's script detection sees a character: the OpenType tag of its script for a Latin, Greek
 * or Cyrillic letter, 'common' for punctuation, digits and symbols, within the blocks whose script
 * assignments have long been settled (so fontkit's Unicode data and the engine's agree on them);
 * null for anything else (surrogates, marks, the fraction slash, other scripts), which goes to fontkit.
 */
export function scriptOf(cp: number): string | null {
  const settled =
    cp < 0x0530 ||
    (cp >= 0x1e00 && cp <= 0x1fff) ||
    (cp >= 0x2000 && cp <= 0x206f && cp !== 0x2044) ||
    (cp >= 0x20a0 && cp <= 0x20bf) ||
    (cp >= 0x2100 && cp <= 0x214f);
  if (!settled) return null;
  const ch = String.fromCharCode(cp);
  for (const [tag, re] of SCRIPTS) if (re.test(ch)) return tag;
  return null;
}
const SCRIPTS: readonly (readonly [string, RegExp])[] = [
  ['latn', /^\p{Script=Latin}$/u],
  ['grek', /^\p{Script=Greek}$/u],
  ['cyrl', /^\p{Script=Cyrillic}$/u],
  ['common', /^\p{Script=Common}$/u],
];

/** fontkit's default-ignorable characters (its layout engine hides them), for the BMP. */
function isDefaultIgnorable(ch: number): boolean {
  switch (ch >> 8) {
    case 0x00:
      return ch === 0x00ad;
    case 0x03:
      return ch === 0x034f;
    case 0x06:
      return ch === 0x061c;
    case 0x17:
      return ch >= 0x17b4 && ch <= 0x17b5;
    case 0x18:
      return ch >= 0x180b && ch <= 0x180e;
    case 0x20:
      return (
        (ch >= 0x200b && ch <= 0x200f) || (ch >= 0x202a && ch <= 0x202e) || (ch >= 0x2060 && ch <= 0x206f)
      );
    case 0xfe:
      return (ch >= 0xfe00 && ch <= 0xfe0f) || ch === 0xfeff;
    case 0xff:
      return ch >= 0xfff0 && ch <= 0xfff8;
    default:
      // Other planes: fontkit has a few ranges there; such a glyph is left to fontkit.
      return ch > 0xffff;
  }
}

function prepare(t: Tables, script: string): Prepared | null {
  const substitutions: SubstitutionLookup[] = [];
  if (t.GSUB) {
    for (const index of plannedIndexes(t.GSUB, script)) {
      const lookup = t.GSUB.lookupList.get(index);
      const starts = new Set<number>();
      const subtables: { starts: Set<number>; step: SubstitutionStep }[] = [];
      for (let sub of lookup.subTables) {
        let type = lookup.lookupType;
        if (type === 7 && sub.extension) {
          type = sub.lookupType ?? 0;
          sub = sub.extension;
        }
        // Exact only when the lookup skips no glyph of a plain word (it has no marks).
        const exact = !skipsPlainGlyphs(lookup);
        let step: SubstitutionStep = () => 'may';
        if (type === 4 && exact && sub.coverage && sub.ligatureSets)
          step = ligatureStep(sub.coverage, sub.ligatureSets);
        else if (type === 6 && exact && sub.version === 3) step = chainStep(sub);
        const first = new Set<number>();
        addCoverage(firstCoverage(type, sub), first);
        for (const g of first) starts.add(g);
        subtables.push({ starts: first, step });
      }
      substitutions.push({ starts, subtables });
    }
  }
  const positioned = new Set<number>();
  const pairs: PairSubtable[][] = [];
  // Read from the bytes: fontkit's decoding of a lookup builds an object for every anchor and pair.
  const gpos = t.GPOS ? new RawGpos(t) : null;
  if (t.GPOS && gpos) {
    // Without a kern feature, fontkit kerns with a legacy kern table (such fonts are refused in `of`).
    for (const index of plannedIndexes(t.GPOS, script)) {
      const lookup = gpos.lookup(index);
      const subtables: PairSubtable[] = [];
      for (const sub of lookup.subtables) {
        const pair = sub.type === 2 ? gpos.pairSubtable(sub.at) : null;
        if (pair) subtables.push(pair);
        else addCoverage(gpos.firstCoverage(sub.type, sub.at), positioned);
      }
      if (subtables.length > 0) {
        if (lookup.flags & SKIPS_PLAIN_GLYPHS || subtables.length !== lookup.subtables.length) return null;
        pairs.push(subtables);
      }
    }
  }
  return { substitutions, positioned, pairs, memo: pairs.map(() => new Map()), gpos };
}

/** The coverage a substitution of this type tests the current glyph against before anything else. */
function firstCoverage(type: number, sub: Subtable): Coverage | undefined {
  if (type === 5 && sub.version === 3) return sub.coverages?.[0];
  if (type === 6 && sub.version === 3) return sub.inputCoverage?.[0];
  return sub.coverage;
}

/** A ligature substitution: the first of the glyph's ligatures whose components follow it. */
function ligatureStep(coverage: Coverage, sets: LazyArray<readonly Ligature[]>): SubstitutionStep {
  return (ids, i) => {
    const index = coverageIndex(coverage, ids[i] as number);
    if (index === -1) return 'no';
    for (const ligature of sets.get(index)) {
      const c = ligature.components;
      if (i + c.length >= ids.length) continue;
      let k = 0;
      while (k < c.length && c[k] === ids[i + 1 + k]) k++;
      if (k === c.length) return ligature;
    }
    return 'no';
  };
}

/**
 * A chaining context (format 3) matches as fontkit matches it: the backtrack coverages from
 * `backtrack` glyphs before this one onwards, then the input, then the lookahead. A match may
 * substitute: the word goes to fontkit.
 */
function chainStep(sub: Subtable): SubstitutionStep {
  const back = sub.backtrackCoverage ?? [];
  const input = sub.inputCoverage ?? [];
  const ahead = sub.lookaheadCoverage ?? [];
  const matches = (ids: readonly number[], start: number, seq: readonly Coverage[]): boolean => {
    if (start < 0 || start + seq.length > ids.length) return seq.length === 0;
    for (let k = 0; k < seq.length; k++)
      if (coverageIndex(seq[k] as Coverage, ids[start + k] as number) < 0) return false;
    return true;
  };
  return (ids, i) =>
    matches(ids, i - back.length, back) && matches(ids, i, input) && matches(ids, i + input.length, ahead)
      ? 'may'
      : 'no';
}

/** A pair-positioning subtable (format 1 or 2) as read from the font's bytes. */
interface PairSubtable {
  readonly format: 1 | 2;
  /** Where it starts in the font's bytes. */
  readonly at: number;
  readonly coverage: Coverage;
  /** Bytes of a value record of the first glyph, of the second. */
  readonly size1: number;
  readonly size2: number;
  /** Where the xAdvance is in each value record, or -1 when it has none. */
  readonly x1: number;
  readonly x2: number;
  readonly classDef1: ClassDef | null;
  readonly classDef2: ClassDef | null;
  readonly class2Count: number;
}

function bits(n: number): number {
  let c = 0;
  for (let v = n & 0xff; v; v >>= 1) c += v & 1;
  return c;
}

/** The font file's bytes. */
function bytesOf(t: Tables): DataView {
  const b = t.stream.buffer;
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The GPOS lookups read straight from the font's bytes (OpenType's layout; fontkit reads the same
 * bytes). Only what plain words need: lookup types and flags, first coverages, pair subtables.
 */
class RawGpos {
  private readonly v: DataView;
  private readonly lookups: number;

  constructor(t: Tables) {
    this.v = bytesOf(t);
    const start = t.directory.tables.GPOS?.offset ?? 0;
    this.lookups = start + this.u16(start + 8);
  }

  private u16(at: number): number {
    return this.v.getUint16(at);
  }

  lookup(index: number): { flags: number; subtables: { type: number; at: number }[] } {
    const at = this.lookups + this.u16(this.lookups + 2 + 2 * index);
    const type = this.u16(at);
    const flags = this.u16(at + 2);
    const subtables: { type: number; at: number }[] = [];
    for (let k = 0, n = this.u16(at + 4); k < n; k++) {
      const sub = at + this.u16(at + 6 + 2 * k);
      // An extension subtable holds the lookup type and a 32-bit offset to the real subtable.
      if (type === 9) subtables.push({ type: this.u16(sub + 2), at: sub + this.v.getUint32(sub + 4) });
      else subtables.push({ type, at: sub });
    }
    return { flags, subtables };
  }

  coverage(at: number): Coverage {
    const count = this.u16(at + 2);
    if (this.u16(at) === 1) {
      const glyphs: number[] = [];
      for (let k = 0; k < count; k++) glyphs.push(this.u16(at + 4 + 2 * k));
      return { version: 1, glyphs };
    }
    const rangeRecords: { start: number; end: number; startCoverageIndex: number }[] = [];
    for (let k = 0; k < count; k++) {
      const r = at + 4 + 6 * k;
      rangeRecords.push({ start: this.u16(r), end: this.u16(r + 2), startCoverageIndex: this.u16(r + 4) });
    }
    return { version: 2, rangeRecords };
  }

  classDef(at: number): ClassDef {
    if (this.u16(at) === 1) {
      const classValueArray: number[] = [];
      for (let k = 0, n = this.u16(at + 4); k < n; k++) classValueArray.push(this.u16(at + 6 + 2 * k));
      return { version: 1, startGlyph: this.u16(at + 2), classValueArray };
    }
    const classRangeRecord: { start: number; end: number; class: number }[] = [];
    for (let k = 0, n = this.u16(at + 2); k < n; k++) {
      const r = at + 4 + 6 * k;
      classRangeRecord.push({ start: this.u16(r), end: this.u16(r + 2), class: this.u16(r + 4) });
    }
    return { version: 2, classRangeRecord };
  }

  /** The coverage a positioning subtable tests the current glyph against before anything else. */
  firstCoverage(type: number, at: number): Coverage {
    const format = this.u16(at);
    if (type === 7 && format === 3) return this.coverage(at + this.u16(at + 6));
    if (type === 8 && format === 3) {
      const input = at + 4 + 2 * this.u16(at + 2);
      return this.coverage(at + this.u16(input + 2));
    }
    // Single, pair, cursive: the coverage; mark to base, ligature or mark: the marks' coverage;
    // contextual formats 1 and 2: the coverage. All at the same place.
    return this.coverage(at + this.u16(at + 2));
  }

  pairSubtable(at: number): PairSubtable | null {
    const format = this.u16(at);
    if (format !== 1 && format !== 2) return null;
    const vf1 = this.u16(at + 4);
    const vf2 = this.u16(at + 6);
    const two = format === 2;
    return {
      format,
      at,
      coverage: this.coverage(at + this.u16(at + 2)),
      size1: 2 * bits(vf1),
      size2: 2 * bits(vf2),
      x1: vf1 & 4 ? 2 * bits(vf1 & 3) : -1,
      x2: vf2 & 4 ? 2 * bits(vf2 & 3) : -1,
      classDef1: two ? this.classDef(at + this.u16(at + 8)) : null,
      classDef2: two ? this.classDef(at + this.u16(at + 10)) : null,
      class2Count: two ? this.u16(at + 14) : 0,
    };
  }

  /** The first pair subtable that applies to `a` followed by `b`, as fontkit's PairPos does. */
  adjustment(subtables: readonly PairSubtable[], a: number, b: number): readonly [number, number] | null {
    for (const t of subtables) {
      const index = coverageIndex(t.coverage, a);
      if (index === -1) continue;
      let record: number;
      if (t.format === 1) {
        // The pair set of the first glyph: the first pair with the second glyph.
        const set = t.at + this.u16(t.at + 10 + 2 * index);
        const size = 2 + t.size1 + t.size2;
        record = -1;
        for (let k = 0, n = this.u16(set); k < n; k++) {
          const r = set + 2 + size * k;
          if (this.u16(r) === b) {
            record = r + 2;
            break;
          }
        }
        if (record === -1) continue;
      } else {
        const c1 = classOf(t.classDef1 as ClassDef, a);
        const c2 = classOf(t.classDef2 as ClassDef, b);
        record = t.at + 16 + (c1 * t.class2Count + c2) * (t.size1 + t.size2);
      }
      return [
        t.x1 < 0 ? 0 : this.v.getInt16(record + t.x1),
        t.x2 < 0 ? 0 : this.v.getInt16(record + t.size1 + t.x2),
      ];
    }
    return null;
  }
}
