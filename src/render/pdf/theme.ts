/**
 * The PDF theme: how the templates' XHTML looks on a printed page. It lives beside the templates
 * (`pdf-theme.json`), is validated once when it is loaded, and is read-only afterwards.
 *
 * Lengths in element and class styles are in `em` of the page's base font size, so one theme
 * serves every page size; page margins are in points, per page size.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PageSizeName } from '../../config.js';
import { PAGE_SIZE_NAMES } from '../../config.js';
import { diagnostic, FicbindError } from '../../diagnostics.js';
import { loadTemplates, type TemplateSet } from '../templates.js';

export const THEME_FILE = 'pdf-theme.json';

export type Align = 'left' | 'right' | 'center' | 'justify';
export type ListStyle = 'none' | 'disc' | 'decimal';
export const ALIGNS: readonly Align[] = ['left', 'right', 'center', 'justify'];
export const LIST_STYLES: readonly ListStyle[] = ['none', 'disc', 'decimal'];

/** A style rule for an element or a class. Every property is optional; later rules win. */
export interface StyleRule {
  /** Italic on or off; `toggle` flips the inherited value (emphasis inside italic text is upright). */
  readonly italic?: boolean | 'toggle';
  readonly bold?: boolean;
  /** Font size, em of the base size. */
  readonly size?: number;
  /** Line height as a multiple of the font size. */
  readonly leading?: number;
  /** A colour name from `colors`, or `#rrggbb`. */
  readonly color?: string;
  readonly align?: Align;
  /** First-line indent, em. */
  readonly indent?: number;
  /** Indent only when the previous block was an ordinary paragraph (book convention). */
  readonly indentAfterParagraphOnly?: boolean;
  readonly spaceBefore?: number;
  readonly spaceAfter?: number;
  readonly marginLeft?: number;
  readonly marginRight?: number;
  /** Keep this block on the same page as the first lines of the next one. */
  readonly keepWithNext?: boolean;
  /** Start a new page before this block. */
  readonly pageBreakBefore?: boolean;
  readonly uppercase?: boolean;
  /** Extra space between letters, em. */
  readonly letterSpacing?: number;
  readonly hyphenate?: boolean;
  /** Raise the baseline, em of the base size (superscripts). */
  readonly rise?: number;
  readonly listStyle?: ListStyle;
  /** Leave the element out of the PDF (it stays in the EPUB). */
  readonly hidden?: boolean;
}

export interface PageGeometry {
  /** Base font size in points. */
  readonly fontSize: number;
  /** Base line height as a multiple of the font size. */
  readonly leading: number;
  /** Margins in points. `inner` is the gutter side (left on odd pages, right on even ones). */
  readonly margins: {
    readonly top: number;
    readonly bottom: number;
    readonly inner: number;
    readonly outer: number;
  };
}

export interface PageKindStyle {
  /** Where the page's content starts, as a fraction of the text block's height (a chapter's sink). */
  readonly sink: number;
  readonly runningHead: boolean;
  readonly folio: boolean;
  /** Start on an odd (right-hand) page, adding a blank page if needed. */
  readonly recto: boolean;
}

export interface Theme {
  readonly colors: Readonly<Record<string, string>>;
  /** A TTF used for characters Literata lacks (path relative to the theme file), or null. */
  readonly fallbackFont: string | null;
  readonly hyphenation: { readonly minWordLength: number };
  readonly geometry: Readonly<Record<PageSizeName, PageGeometry>>;
  readonly runningHead: {
    readonly size: number;
    readonly italic: boolean;
    readonly uppercase: boolean;
    readonly letterSpacing: number;
    readonly color: string;
    /** Distance of the running head's baseline above the text block, em. */
    readonly gap: number;
  };
  readonly folio: {
    readonly size: number;
    readonly color: string;
    /** Distance of the folio's baseline below the text block, em. */
    readonly gap: number;
  };
  readonly contents: {
    /** Space between an entry's title and its page number, em. */
    readonly gap: number;
  };
  readonly pages: Readonly<Record<'title' | 'disclaimer' | 'contents' | 'chapter' | 'notes', PageKindStyle>>;
  readonly elements: Readonly<Record<string, StyleRule>>;
  readonly classes: Readonly<Record<string, StyleRule>>;
}

// ---------------------------------------------------------------------------------------------
// Validation: every problem is reported with its JSON path, all at once.

type Json = unknown;

class Checker {
  readonly problems: string[] = [];

  obj(v: Json, at: string): Record<string, Json> {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, Json>;
    this.problems.push(`${at} must be an object`);
    return {};
  }

  num(v: Json, at: string, min: number, max: number): number {
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) return v;
    this.problems.push(`${at} must be a number from ${min} to ${max} (got ${JSON.stringify(v)})`);
    return min;
  }

  bool(v: Json, at: string): boolean {
    if (typeof v === 'boolean') return v;
    this.problems.push(`${at} must be true or false (got ${JSON.stringify(v)})`);
    return false;
  }

  oneOf<T extends string>(v: Json, at: string, allowed: readonly T[]): T {
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    this.problems.push(`${at} must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`);
    return allowed[0] as T;
  }

  color(v: Json, at: string, names: Readonly<Record<string, string>>): string {
    if (typeof v === 'string' && (/^#[0-9a-fA-F]{6}$/.test(v) || Object.hasOwn(names, v))) return v;
    this.problems.push(`${at} must be #rrggbb or one of the colour names ${Object.keys(names).join(', ')}`);
    return '#000000';
  }

  noExtra(o: Record<string, Json>, at: string, known: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (k.startsWith('$')) continue;
      if (!known.includes(k))
        this.problems.push(`${at}.${k} is not a theme setting (known: ${known.join(', ')})`);
    }
  }
}

const RULE_KEYS = [
  'italic',
  'bold',
  'size',
  'leading',
  'color',
  'align',
  'indent',
  'indentAfterParagraphOnly',
  'spaceBefore',
  'spaceAfter',
  'marginLeft',
  'marginRight',
  'keepWithNext',
  'pageBreakBefore',
  'uppercase',
  'letterSpacing',
  'hyphenate',
  'rise',
  'listStyle',
  'hidden',
] as const satisfies readonly (keyof StyleRule)[];

function checkRule(c: Checker, v: Json, at: string, colors: Readonly<Record<string, string>>): StyleRule {
  const o = c.obj(v, at);
  c.noExtra(o, at, RULE_KEYS);
  const r: { -readonly [K in keyof StyleRule]: StyleRule[K] } = {};
  if ('italic' in o) r.italic = o.italic === 'toggle' ? 'toggle' : c.bool(o.italic, `${at}.italic`);
  if ('bold' in o) r.bold = c.bool(o.bold, `${at}.bold`);
  if ('size' in o) r.size = c.num(o.size, `${at}.size`, 0.3, 6);
  if ('leading' in o) r.leading = c.num(o.leading, `${at}.leading`, 0.8, 4);
  if ('color' in o) r.color = c.color(o.color, `${at}.color`, colors);
  if ('align' in o) r.align = c.oneOf(o.align, `${at}.align`, ALIGNS);
  if ('indent' in o) r.indent = c.num(o.indent, `${at}.indent`, -10, 10);
  if ('indentAfterParagraphOnly' in o)
    r.indentAfterParagraphOnly = c.bool(o.indentAfterParagraphOnly, `${at}.indentAfterParagraphOnly`);
  for (const k of ['spaceBefore', 'spaceAfter', 'marginLeft', 'marginRight'] as const) {
    if (k in o) r[k] = c.num(o[k], `${at}.${k}`, 0, 40);
  }
  for (const k of ['keepWithNext', 'pageBreakBefore', 'uppercase', 'hyphenate', 'hidden'] as const) {
    if (k in o) r[k] = c.bool(o[k], `${at}.${k}`);
  }
  if ('letterSpacing' in o) r.letterSpacing = c.num(o.letterSpacing, `${at}.letterSpacing`, 0, 1);
  if ('rise' in o) r.rise = c.num(o.rise, `${at}.rise`, -2, 2);
  if ('listStyle' in o) r.listStyle = c.oneOf(o.listStyle, `${at}.listStyle`, LIST_STYLES);
  return r;
}

const PAGE_KINDS = ['title', 'disclaimer', 'contents', 'chapter', 'notes'] as const;

/**
 * Null for a TrueType or OpenType font (what the PDF can embed), known from its first four bytes; else
 * what the file is instead, as a name ending in .ttf may hide: a web font (WOFF, WOFF2), a collection.
 */
function notAFont(file: string): string | null {
  const head = Buffer.alloc(4);
  let read: number;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      read = fs.readSync(fd, head, 0, 4, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EISDIR' ? 'a folder' : 'a file that cannot be read';
  }
  if (read < 4) return 'not a font file';
  const tag = head.toString('latin1');
  if (head.readUInt32BE(0) === 0x00010000 || tag === 'OTTO' || tag === 'true') return null;
  if (tag === 'wOFF' || tag === 'wOF2') return `a ${tag === 'wOF2' ? 'WOFF2' : 'WOFF'} web font`;
  if (tag === 'ttcf') return 'a font collection (.ttc)';
  return 'not a font file';
}

/** Validate a parsed theme; throws one FicbindError listing every problem. */
export function validateTheme(raw: Json, file: string): Theme {
  const c = new Checker();
  const top = c.obj(raw, 'theme');
  c.noExtra(top, 'theme', [
    'colors',
    'fallbackFont',
    'hyphenation',
    'geometry',
    'runningHead',
    'folio',
    'contents',
    'pages',
    'elements',
    'classes',
  ]);

  const colorsIn = c.obj(top.colors, 'colors');
  const colors: Record<string, string> = {};
  for (const [k, v] of Object.entries(colorsIn)) {
    if (typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v)) colors[k] = v;
    else c.problems.push(`colors.${k} must be #rrggbb (got ${JSON.stringify(v)})`);
  }
  if (!('text' in colors)) c.problems.push('colors.text is required');

  let fallbackFont: string | null = null;
  if (top.fallbackFont !== null && top.fallbackFont !== undefined) {
    if (typeof top.fallbackFont !== 'string' || !/\.(ttf|otf)$/i.test(top.fallbackFont)) {
      c.problems.push('fallbackFont must be null or the path of a .ttf/.otf file');
    } else {
      fallbackFont = path.resolve(path.dirname(file), top.fallbackFont);
      if (!fs.existsSync(fallbackFont)) c.problems.push(`fallbackFont ${top.fallbackFont} does not exist`);
      else {
        const other = notAFont(fallbackFont);
        if (other)
          c.problems.push(`fallbackFont ${top.fallbackFont} is ${other}; give a TrueType or OpenType font`);
      }
    }
  }

  const hy = c.obj(top.hyphenation, 'hyphenation');
  c.noExtra(hy, 'hyphenation', ['minWordLength']);
  const hyphenation = { minWordLength: c.num(hy.minWordLength, 'hyphenation.minWordLength', 3, 30) };

  const geoIn = c.obj(top.geometry, 'geometry');
  c.noExtra(geoIn, 'geometry', PAGE_SIZE_NAMES);
  const geometry = {} as Record<PageSizeName, PageGeometry>;
  for (const name of PAGE_SIZE_NAMES) {
    const at = `geometry.${name}`;
    const g = c.obj(geoIn[name], at);
    c.noExtra(g, at, ['fontSize', 'leading', 'margins']);
    const m = c.obj(g.margins, `${at}.margins`);
    c.noExtra(m, `${at}.margins`, ['top', 'bottom', 'inner', 'outer']);
    geometry[name] = {
      fontSize: c.num(g.fontSize, `${at}.fontSize`, 5, 30),
      leading: c.num(g.leading, `${at}.leading`, 1, 3),
      margins: {
        top: c.num(m.top, `${at}.margins.top`, 0, 200),
        bottom: c.num(m.bottom, `${at}.margins.bottom`, 0, 200),
        inner: c.num(m.inner, `${at}.margins.inner`, 0, 200),
        outer: c.num(m.outer, `${at}.margins.outer`, 0, 200),
      },
    };
  }

  const rh = c.obj(top.runningHead, 'runningHead');
  c.noExtra(rh, 'runningHead', ['size', 'italic', 'uppercase', 'letterSpacing', 'color', 'gap']);
  const runningHead = {
    size: c.num(rh.size, 'runningHead.size', 0.3, 3),
    italic: c.bool(rh.italic, 'runningHead.italic'),
    uppercase: c.bool(rh.uppercase, 'runningHead.uppercase'),
    letterSpacing: c.num(rh.letterSpacing, 'runningHead.letterSpacing', 0, 1),
    color: c.color(rh.color, 'runningHead.color', colors),
    gap: c.num(rh.gap, 'runningHead.gap', 0, 10),
  };
  const fo = c.obj(top.folio, 'folio');
  c.noExtra(fo, 'folio', ['size', 'color', 'gap']);
  const folio = {
    size: c.num(fo.size, 'folio.size', 0.3, 3),
    color: c.color(fo.color, 'folio.color', colors),
    gap: c.num(fo.gap, 'folio.gap', 0, 10),
  };
  const co = c.obj(top.contents, 'contents');
  c.noExtra(co, 'contents', ['gap']);
  const contents = { gap: c.num(co.gap, 'contents.gap', 0, 10) };

  const pagesIn = c.obj(top.pages, 'pages');
  c.noExtra(pagesIn, 'pages', PAGE_KINDS);
  const pages = {} as Record<(typeof PAGE_KINDS)[number], PageKindStyle>;
  for (const k of PAGE_KINDS) {
    const p = c.obj(pagesIn[k], `pages.${k}`);
    c.noExtra(p, `pages.${k}`, ['sink', 'runningHead', 'folio', 'recto']);
    pages[k] = {
      sink: c.num(p.sink, `pages.${k}.sink`, 0, 0.9),
      runningHead: c.bool(p.runningHead, `pages.${k}.runningHead`),
      folio: c.bool(p.folio, `pages.${k}.folio`),
      recto: c.bool(p.recto, `pages.${k}.recto`),
    };
  }

  const elements: Record<string, StyleRule> = {};
  for (const [k, v] of Object.entries(c.obj(top.elements, 'elements'))) {
    if (k.startsWith('$')) continue;
    elements[k] = checkRule(c, v, `elements.${k}`, colors);
  }
  const classes: Record<string, StyleRule> = {};
  for (const [k, v] of Object.entries(c.obj(top.classes, 'classes'))) {
    if (k.startsWith('$')) continue;
    classes[k] = checkRule(c, v, `classes.${k}`, colors);
  }

  if (c.problems.length > 0) {
    throw new FicbindError(
      diagnostic(
        'error',
        'pdf-theme-invalid',
        `the PDF theme is not valid: ${c.problems.join('; ')}`,
        file,
        null,
        `fix ${THEME_FILE} (compare with the one shipped in ficbind's templates/ folder)`,
      ),
    );
  }
  return {
    colors,
    fallbackFont,
    hyphenation,
    geometry,
    runningHead,
    folio,
    contents,
    pages,
    elements,
    classes,
  };
}

/** Per templates folder as read (see `forgetTemplates`). */
const themes = new WeakMap<TemplateSet, Theme>();

/** The theme of a templates folder, read and checked once for as long as the folder's templates are kept. */
export function loadTheme(templatesDir: string): Theme {
  const templates = loadTemplates(templatesDir);
  const cached = themes.get(templates);
  if (cached) return cached;
  const theme = readTheme(templates, path.join(templatesDir, THEME_FILE));
  themes.set(templates, theme);
  return theme;
}

/** Read and validate `pdf-theme.json` from a templates folder. */
function readTheme(templates: TemplateSet, file: string): Theme {
  let text: string;
  try {
    text = templates.asset(THEME_FILE);
  } catch {
    throw new FicbindError(
      diagnostic(
        'error',
        'pdf-theme-missing',
        `the templates folder has no ${THEME_FILE}`,
        file,
        null,
        `copy ${THEME_FILE} from ficbind's templates/ folder`,
      ),
    );
  }
  let raw: Json;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FicbindError(
      diagnostic(
        'error',
        'pdf-theme-invalid',
        `${THEME_FILE} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
        file,
        null,
        'check for a missing comma or quote',
      ),
    );
  }
  return validateTheme(raw, file);
}

/** A theme colour (name or #rrggbb) as #rrggbb. */
export function resolveColor(theme: Theme, color: string): string {
  return color.startsWith('#') ? color : (theme.colors[color] ?? '#000000');
}
