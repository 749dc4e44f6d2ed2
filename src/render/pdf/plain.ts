/**
 * Most words of a book are set by fontkit glyph for character, but for a ligature (fi, Th), and
 * only pair kerning moves them. For those words this gives fontkit's result without running its
 * shaper (whose cost is per call, and several hundred milliseconds of decoding and compiling for a
 * thread's first book): each character's glyph from the cmap, the ligatures its default features
 * form, then the pair adjustments of the same GPOS subtables, each found and applied as fontkit's
 * layout engine finds and applies them.
 *
 * A word is taken only when nothing else could happen to it: every character in the Latin and
 * common ranges, none a mark, default-ignorable or fraction slash, and no other substitution able
 * to match anywhere in it (one whose first glyph stands in the word and that cannot be ruled out
 * sends the word to fontkit). A font whose tables go beyond this (variations, AAT, a legacy kern
 * table, no glyph classes) is always left to fontkit.
 */
import type { Font, Glyph } from 'fontkit';

/** The font's cmap step (not in fontkit's typings here). */
interface CmapFont {
  glyphForCodePoint(codePoint: number): Glyph;
  getGlyph(id: number, codePoints: number[]): Glyph;
}

/** fontkit's decoded OpenType structures, as far as they are read here. */
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
interface ValueRecord {
  readonly xAdvance?: number;
}
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
  readonly markCoverage?: Coverage;
  readonly mark1Coverage?: Coverage;
  readonly backtrackCoverage?: readonly Coverage[];
  readonly inputCoverage?: readonly Coverage[];
  readonly lookaheadCoverage?: readonly Coverage[];
  readonly ligatureSets?: LazyArray<readonly Ligature[]>;
  readonly pairSets?: LazyArray<
    readonly { readonly secondGlyph: number; readonly value1: ValueRecord; readonly value2: ValueRecord }[]
  >;
  readonly classDef1?: ClassDef;
  readonly classDef2?: ClassDef;
  readonly classRecords?: LazyArray<
    LazyArray<{ readonly value1: ValueRecord; readonly value2: ValueRecord }>
  >;
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
  readonly kern?: unknown;
  readonly morx?: unknown;
  readonly fvar?: unknown;
  readonly directory: { readonly tables: Record<string, unknown> };
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
  readonly pairs: readonly (readonly Subtable[])[];
  /** Per pair lookup, first and second glyph → [xAdvance of the first, of the second], or null. */
  readonly memo: Map<number, readonly [number, number] | null>[];
}

/** fontkit's lookups for the planned global features of a script's default language, sorted by index. */
function plannedLookups(table: LayoutTable, scriptTag: string): Lookup[] {
  let entry = table.scriptList.find((s) => s.tag === scriptTag);
  if (!entry) {
    for (const tag of DEFAULT_SCRIPTS) {
      entry = table.scriptList.find((s) => s.tag === tag);
      if (entry) break;
    }
  }
  const lang = entry?.script.defaultLangSys;
  if (!lang) return [];
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
  return indexes.map((i) => table.lookupList.get(i));
}

/** Whether the lookup skips glyphs a plain word has (base glyphs, ligatures): then no check is exact. */
function skipsPlainGlyphs(l: Lookup): boolean {
  return l.flags.flags.ignoreBaseGlyphs || l.flags.flags.ignoreLigatures;
}

export interface PlainRun {
  readonly glyphs: readonly Glyph[];
  /** Per glyph: advance after positioning, font units. */
  readonly xAdvances: readonly number[];
  readonly advanceWidth: number;
}

export class PlainShaper {
  private readonly prepared = new Map<string, Prepared | null>();
  /** Code point → its glyph, with whether it is a Latin letter; null when a word with it is not plain. */
  private readonly chars = new Map<number, { glyph: Glyph; latin: boolean } | null>();
  /** Glyph id → the glyph object of a character met (fontkit's own, for its characters). */
  private readonly glyphs = new Map<number, Glyph>();
  private readonly isMark: (glyph: number) => boolean;

  private readonly font: CmapFont;

  private constructor(
    font: Font,
    private readonly tables: Tables,
    glyphClasses: ClassDef,
  ) {
    this.font = font as unknown as CmapFont;
    this.isMark = (g) => classOf(glyphClasses, g) === 3;
  }

  /** The plain shaper of a font, or null when its tables are beyond what is emulated here. */
  static of(font: Font): PlainShaper | null {
    const t = font as unknown as Tables;
    const has = (tag: string): boolean => tag in t.directory.tables;
    if (has('morx') || has('fvar') || has('kern') || !has('GPOS')) return null;
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
    let latin = false;
    for (let i = 0; i < n; i++) {
      const c = this.char(text.charCodeAt(i));
      if (!c) return null;
      ids[i] = c.glyph.id;
      chars[i] = c.glyph.codePoints;
      latin ||= c.latin;
    }
    // fontkit takes the script of the first letter with one (Latin here), else none ('zzzz').
    const p = this.prepare(latin ? 'latn' : 'zzzz');
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
    const x = new Array<number>(m);
    for (let i = 0; i < m; i++) {
      const id = ids[i] as number;
      // The glyph objects fontkit ends with: made with these characters unless they exist already.
      const glyph = ligated ? this.font.getGlyph(id, chars[i] as number[]) : (this.glyphOf(id) as Glyph);
      const first = glyph.codePoints[0];
      if (p.positioned.has(id) || this.isMark(id) || (first !== undefined && isDefaultIgnorable(first)))
        return null;
      glyphs[i] = glyph;
      x[i] = glyph.advanceWidth;
    }
    for (let l = 0; l < p.pairs.length; l++) {
      const subtables = p.pairs[l] as readonly Subtable[];
      const memo = p.memo[l] as Map<number, readonly [number, number] | null>;
      for (let i = 0; i + 1 < m; i++) {
        const a = ids[i] as number;
        const b = ids[i + 1] as number;
        const key = a * 65536 + b;
        let adj = memo.get(key);
        if (adj === undefined) {
          adj = pairAdjustment(subtables, a, b);
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
    return { glyphs, xAdvances: x, advanceWidth };
  }

  /** The glyph object of a character's glyph, met in `char`. */
  private glyphOf(id: number): Glyph | undefined {
    return this.glyphs.get(id);
  }

  private char(cp: number): { glyph: Glyph; latin: boolean } | null {
    let c = this.chars.get(cp);
    if (c === undefined) {
      c = null;
      const script = scriptClass(cp);
      if (script) {
        // The glyph object fontkit's cmap step gives (it keeps the characters it was first made with,
        // which is what fontkit tests for default-ignorables).
        const glyph = this.font.glyphForCodePoint(cp);
        // A mark may be skipped by a lookup (then ligatures and pairs are not contiguous): fontkit's.
        if (glyph.id !== 0 && !this.isMark(glyph.id) && !isDefaultIgnorable(cp)) {
          c = { glyph, latin: script === 'latin' };
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
 * Whether fontkit's script detection sees a character as a Latin letter or as common (punctuation,
 * digits, symbols), for the blocks whose script assignments have long been settled, so that
 * fontkit's Unicode data and the engine's agree on them; null for anything else (surrogates, marks,
 * the fraction slash, other scripts), which goes to fontkit.
 */
function scriptClass(cp: number): 'latin' | 'common' | null {
  const settled =
    cp < 0x0250 ||
    (cp >= 0x1e00 && cp <= 0x1eff) ||
    (cp >= 0x2000 && cp <= 0x206f && cp !== 0x2044) ||
    (cp >= 0x20a0 && cp <= 0x20bf) ||
    (cp >= 0x2100 && cp <= 0x214f);
  if (!settled) return null;
  const ch = String.fromCharCode(cp);
  if (LATIN_SCRIPT.test(ch)) return 'latin';
  return COMMON_SCRIPT.test(ch) ? 'common' : null;
}
const LATIN_SCRIPT = /^\p{Script=Latin}$/u;
const COMMON_SCRIPT = /^\p{Script=Common}$/u;

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
    for (const lookup of plannedLookups(t.GSUB, script)) {
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
        addCoverage(firstCoverage(type, sub, false), first);
        for (const g of first) starts.add(g);
        subtables.push({ starts: first, step });
      }
      substitutions.push({ starts, subtables });
    }
  }
  const positioned = new Set<number>();
  const pairs: Subtable[][] = [];
  if (t.GPOS) {
    // Without a kern feature, fontkit kerns with a legacy kern table (such fonts are refused in `of`).
    for (const lookup of plannedLookups(t.GPOS, script)) {
      const subtables: Subtable[] = [];
      for (let sub of lookup.subTables) {
        let type = lookup.lookupType;
        if (type === 9 && sub.extension) {
          type = sub.lookupType ?? 0;
          sub = sub.extension;
        }
        if (type === 2 && (sub.version === 1 || sub.version === 2)) subtables.push(sub);
        else addCoverage(firstCoverage(type, sub, true), positioned);
      }
      if (subtables.length > 0) {
        if (skipsPlainGlyphs(lookup) || subtables.length !== lookup.subTables.length) return null;
        pairs.push(subtables);
      }
    }
  }
  return { substitutions, positioned, pairs, memo: pairs.map(() => new Map()) };
}

/** The coverage a lookup of this type tests the current glyph against before anything else. */
function firstCoverage(type: number, sub: Subtable, gpos: boolean): Coverage | undefined {
  if (gpos && (type === 4 || type === 5)) return sub.markCoverage;
  if (gpos && type === 6) return sub.mark1Coverage;
  const context = gpos ? 7 : 5;
  const chaining = gpos ? 8 : 6;
  if (type === context && sub.version === 3) return sub.coverages?.[0];
  if (type === chaining && sub.version === 3) return sub.inputCoverage?.[0];
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

/** The first pair subtable that applies to `a` followed by `b`, as fontkit's PairPos does. */
function pairAdjustment(
  subtables: readonly Subtable[],
  a: number,
  b: number,
): readonly [number, number] | null {
  for (const t of subtables) {
    if (!t.coverage) continue;
    const index = coverageIndex(t.coverage, a);
    if (index === -1) continue;
    if (t.version === 1 && t.pairSets) {
      for (const pair of t.pairSets.get(index))
        if (pair.secondGlyph === b) return [pair.value1.xAdvance ?? 0, pair.value2.xAdvance ?? 0];
      continue;
    }
    if (t.version === 2 && t.classDef1 && t.classDef2 && t.classRecords) {
      const record = t.classRecords.get(classOf(t.classDef1, a)).get(classOf(t.classDef2, b));
      return [record.value1.xAdvance ?? 0, record.value2.xAdvance ?? 0];
    }
  }
  return null;
}
