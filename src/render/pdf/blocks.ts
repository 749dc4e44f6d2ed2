/**
 * The XHTML tree of one page → a flat list of blocks (paragraph-like boxes of inline items),
 * each with its style resolved from the theme: element rules, then class rules, later wins.
 * Inline text is cut into boxes (runs of non-space text in one style) and glue (spaces).
 */
import { assertNever } from '../../model.js';
import type { Page } from '../types.js';
import { type Face, type FaceSet, faceOf } from './faces.js';
import { type Align, type ListStyle, resolveColor, type StyleRule, type Theme } from './theme.js';
import { destinationOf, type ElementName, isExternal, type XElement, type XNode } from './xhtml.js';

export interface RunStyle {
  readonly face: Face;
  readonly size: number;
  readonly color: string;
  /** Baseline shift upwards, points. */
  readonly rise: number;
  /** Extra space after each character, points. */
  readonly letterSpacing: number;
}

export interface Box {
  readonly kind: 'box';
  readonly text: string;
  readonly style: RunStyle;
  readonly width: number;
  /** Link target as written (`notes.xhtml#note-3`), or null. */
  readonly link: string | null;
  /** Anchors (`page#id`) that start at this box. */
  readonly anchors: readonly string[];
  /** The trailing `-` was added at a hyphenation point (the text reads on without it). */
  readonly softHyphen: boolean;
  /** May be hyphenated (false inside headings, or for fallback-font runs). */
  readonly hyphenate: boolean;
}

export interface Glue {
  readonly kind: 'glue';
  readonly style: RunStyle;
  readonly width: number;
  readonly link: string | null;
}

export interface ForcedBreak {
  readonly kind: 'br';
}

export type Item = Box | Glue | ForcedBreak;

export type StructTag = 'P' | 'H1' | 'H2' | 'H3' | 'LI' | 'BlockQuote';

export interface FlowBlock {
  readonly items: readonly Item[];
  readonly tag: StructTag;
  readonly align: Align;
  readonly indent: number;
  readonly marginLeft: number;
  readonly marginRight: number;
  readonly size: number;
  readonly lineHeight: number;
  spaceBefore: number;
  spaceAfter: number;
  readonly keepWithNext: boolean;
  readonly pageBreakBefore: boolean;
  /** Block anchors (`page#id`), placed at the block's top. */
  readonly anchors: readonly string[];
  /** A list marker (`•`, `3.`) hung in the left margin of the first line. */
  readonly marker: { readonly text: string; readonly style: RunStyle; readonly width: number } | null;
  /** A contents entry: the page id whose number goes at the right of its last line. */
  readonly tocTarget: string | null;
  /** A scene break: never split, shown even at the top of a page. */
  readonly sceneBreak: boolean;
}

/** The inherited part of a computed style. */
interface Inherited {
  readonly italic: boolean;
  readonly bold: boolean;
  readonly size: number;
  readonly leading: number;
  readonly color: string;
  readonly align: Align;
  readonly hyphenate: boolean;
  readonly uppercase: boolean;
  readonly letterSpacing: number;
  readonly rise: number;
  readonly link: string | null;
}

interface Computed extends Inherited {
  readonly indent: number;
  readonly indentAfterParagraphOnly: boolean;
  readonly spaceBefore: number;
  readonly spaceAfter: number;
  readonly marginLeft: number;
  readonly marginRight: number;
  readonly keepWithNext: boolean;
  readonly pageBreakBefore: boolean;
  readonly listStyle: ListStyle;
  readonly hidden: boolean;
}

const BLOCK_LEAVES = new Set<ElementName>(['h1', 'h2', 'h3', 'p']);
const BLOCK_CONTAINERS = new Set<ElementName>(['section', 'div', 'blockquote', 'ul', 'ol', 'li']);

export interface BlockContext {
  readonly theme: Theme;
  readonly faces: FaceSet;
  /** Base font size (points) and leading of the page size in use. */
  readonly baseSize: number;
  readonly baseLeading: number;
  /** Code points the book faces lack, collected for one warning. */
  readonly missing: Set<number>;
}

function rulesFor(theme: Theme, el: XElement): StyleRule[] {
  const out: StyleRule[] = [];
  const e = theme.elements[el.name];
  if (e) out.push(e);
  for (const c of el.classes) {
    const r = theme.classes[c];
    if (r) out.push(r);
  }
  return out;
}

function compute(ctx: BlockContext, parent: Inherited, el: XElement): Computed {
  const theme = ctx.theme;
  let italic = parent.italic;
  let bold = parent.bold;
  let sizeFactor = 1;
  let leading = parent.leading;
  let color = parent.color;
  let align = parent.align;
  let hyphenate = parent.hyphenate;
  let uppercase = parent.uppercase;
  let letterSpacingEm: number | null = null;
  let riseEm = 0;
  let indent = 0;
  let indentAfterParagraphOnly = false;
  let spaceBefore = 0;
  let spaceAfter = 0;
  let marginLeft = 0;
  let marginRight = 0;
  let keepWithNext = false;
  let pageBreakBefore = false;
  let listStyle: ListStyle = 'none';
  let hidden = false;
  for (const r of rulesFor(theme, el)) {
    if (r.italic !== undefined) italic = r.italic === 'toggle' ? !parent.italic : r.italic;
    if (r.bold !== undefined) bold = r.bold;
    if (r.size !== undefined) sizeFactor = r.size;
    if (r.leading !== undefined) leading = r.leading;
    if (r.color !== undefined) color = resolveColor(theme, r.color);
    if (r.align !== undefined) align = r.align;
    if (r.hyphenate !== undefined) hyphenate = r.hyphenate;
    if (r.uppercase !== undefined) uppercase = r.uppercase;
    if (r.letterSpacing !== undefined) letterSpacingEm = r.letterSpacing;
    if (r.rise !== undefined) riseEm = r.rise;
    if (r.indent !== undefined) indent = r.indent;
    if (r.indentAfterParagraphOnly !== undefined) indentAfterParagraphOnly = r.indentAfterParagraphOnly;
    if (r.spaceBefore !== undefined) spaceBefore = r.spaceBefore;
    if (r.spaceAfter !== undefined) spaceAfter = r.spaceAfter;
    if (r.marginLeft !== undefined) marginLeft = r.marginLeft;
    if (r.marginRight !== undefined) marginRight = r.marginRight;
    if (r.keepWithNext !== undefined) keepWithNext = r.keepWithNext;
    if (r.pageBreakBefore !== undefined) pageBreakBefore = r.pageBreakBefore;
    if (r.listStyle !== undefined) listStyle = r.listStyle;
    if (r.hidden !== undefined) hidden = r.hidden;
  }
  const size = parent.size * sizeFactor;
  const em = ctx.baseSize;
  return {
    italic,
    bold,
    size,
    leading,
    color,
    align,
    hyphenate,
    uppercase,
    letterSpacing: letterSpacingEm === null ? parent.letterSpacing : letterSpacingEm * size,
    rise: parent.rise + riseEm * parent.size,
    link: el.name === 'a' && el.href ? el.href : parent.link,
    indent: indent * em,
    indentAfterParagraphOnly,
    spaceBefore: spaceBefore * em,
    spaceAfter: spaceAfter * em,
    marginLeft: marginLeft * em,
    marginRight: marginRight * em,
    keepWithNext,
    pageBreakBefore,
    listStyle,
    hidden,
  };
}

function structTag(name: ElementName, inItem: boolean): StructTag {
  if (name === 'h1') return 'H1';
  if (name === 'h2') return 'H2';
  if (name === 'h3') return 'H3';
  return inItem ? 'LI' : 'P';
}

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
const NO_ANCHORS: readonly string[] = Object.freeze([]);

/** Builds the blocks of one page. */
class Builder {
  readonly blocks: FlowBlock[] = [];
  private items: Item[] = [];
  private pendingAnchors: string[] = [];
  /** The last run style and glue made, shared by the words that follow in the same style. */
  private lastStyle: { s: Inherited; face: Face; style: RunStyle } | null = null;
  private lastGlue: Glue | null = null;
  private pendingBlockAnchors: string[] = [];
  private pendingSpaceBefore = 0;
  private pendingPageBreak = false;
  private pendingMarker: FlowBlock['marker'] = null;
  /** Signature (tag + classes) of the previous paragraph, for the indent convention. */
  private previous: string | null = null;
  /** Blocks emitted so far (handed out or not). */
  private emitted = 0;

  constructor(
    private readonly ctx: BlockContext,
    private readonly page: Page,
  ) {}

  private anchor(id: string): string {
    return `${this.page.id}#${id}`;
  }

  private runStyle(s: Inherited, face: Face): RunStyle {
    const last = this.lastStyle;
    if (last && last.s === s && last.face === face) return last.style;
    const style = { face, size: s.size, color: s.color, rise: s.rise, letterSpacing: s.letterSpacing };
    this.lastStyle = { s, face, style };
    return style;
  }

  private takeAnchors(): readonly string[] {
    if (this.pendingAnchors.length === 0) return NO_ANCHORS;
    const a = this.pendingAnchors;
    this.pendingAnchors = [];
    return a;
  }

  /** Split a word into runs by glyph coverage: characters the book face lacks go to the fallback. */
  private pushWord(word: string, s: Inherited): void {
    const face = faceOf(s.italic, s.bold);
    const faces = this.ctx.faces;
    if (ASCII_PRINTABLE.test(word)) {
      const style = this.runStyle(s, face);
      this.items.push({
        kind: 'box',
        text: word,
        style,
        width: this.ctx.faces.measure(word, style),
        link: s.link,
        anchors: this.takeAnchors(),
        softHyphen: false,
        hyphenate: s.hyphenate,
      });
      return;
    }
    const parts: { text: string; face: Face }[] = [];
    for (const ch of word) {
      const cp = ch.codePointAt(0) ?? 0;
      if (cp === 0xad) {
        // An author's soft hyphen: a break point, kept in the text for the hyphenator.
        const last = parts[parts.length - 1];
        if (last) last.text += ch;
        continue;
      }
      let f: Face = face;
      if (!faces.has(face, cp)) {
        this.ctx.missing.add(cp);
        if (faces.hasFallback() && faces.has('fallback', cp)) f = 'fallback';
      }
      const last = parts[parts.length - 1];
      if (last && last.face === f) last.text += ch;
      else parts.push({ text: ch, face: f });
    }
    for (const p of parts) {
      const style = this.runStyle(s, p.face);
      const clean = p.text.replace(/\u00ad/g, '');
      if (clean.length === 0) continue;
      this.items.push({
        kind: 'box',
        text: p.face === 'fallback' ? clean : p.text,
        style,
        width: this.ctx.faces.measure(clean, style),
        link: s.link,
        anchors: this.takeAnchors(),
        softHyphen: false,
        hyphenate: s.hyphenate && p.face !== 'fallback',
      });
    }
  }

  private pushText(text: string, s: Inherited): void {
    const t = s.uppercase ? text.toUpperCase() : text;
    const pieces = t.split(/[ \t\n\r\f]+/);
    pieces.forEach((w, i) => {
      if (i > 0) this.pushGlue(s);
      if (w.length > 0) this.pushWord(w, s);
    });
  }

  private pushGlue(s: Inherited): void {
    const last = this.items[this.items.length - 1];
    if (last?.kind !== 'box') return; // collapse; no glue at a block's start or after a break
    const style = this.runStyle(s, faceOf(s.italic, s.bold));
    let glue = this.lastGlue;
    if (glue?.style !== style || glue.link !== s.link) {
      glue = { kind: 'glue', style, width: this.ctx.faces.measure(' ', style), link: s.link };
      this.lastGlue = glue;
    }
    this.items.push(glue);
  }

  private inline(node: XNode, s: Inherited): void {
    if (node.kind === 'text') {
      this.pushText(node.text, s);
      return;
    }
    const c = compute(this.ctx, s, node);
    if (c.hidden) return;
    if (node.id) this.pendingAnchors.push(this.anchor(node.id));
    switch (node.name) {
      case 'br': {
        const last = this.items[this.items.length - 1];
        if (last?.kind === 'glue') this.items.pop();
        this.items.push({ kind: 'br' });
        return;
      }
      case 'img':
        // Only the cover page shows an image; elsewhere the alternative text stands in.
        if (node.alt) this.pushText(`[${node.alt}]`, c);
        return;
      case 'em':
      case 'strong':
      case 'span':
      case 'a':
      case 'sup':
        for (const child of node.children) this.inline(child, c);
        return;
      case 'section':
      case 'div':
      case 'h1':
      case 'h2':
      case 'h3':
      case 'p':
      case 'ul':
      case 'ol':
      case 'li':
      case 'blockquote':
        // A block inside inline content: treated as inline (the templates never do this).
        for (const child of node.children) this.inline(child, c);
        return;
      default:
        assertNever(node.name, 'element');
    }
  }

  /** Close the current run of inline items as a block. */
  private emit(
    c: Computed,
    name: ElementName,
    inItem: boolean,
    marginLeft: number,
    marginRight: number,
    classes: readonly string[],
  ): void {
    // Trailing glue and breaks carry nothing.
    while (this.items.length > 0 && this.items[this.items.length - 1]?.kind !== 'box') this.items.pop();
    if (this.items.length === 0) {
      // Nothing to show: keep its anchors for the next block.
      this.pendingBlockAnchors.push(...this.pendingAnchors);
      this.pendingAnchors = [];
      return;
    }
    const signature = `${name}.${classes.join('.')}`;
    const indent = c.indentAfterParagraphOnly && this.previous !== signature ? 0 : c.indent;
    const sceneBreak = classes.includes('scene-break');
    this.blocks.push({
      items: this.items,
      tag: structTag(name, inItem),
      align: c.align,
      indent,
      marginLeft,
      marginRight,
      size: c.size,
      lineHeight: c.size * c.leading,
      spaceBefore: Math.max(c.spaceBefore, this.pendingSpaceBefore),
      spaceAfter: c.spaceAfter,
      keepWithNext: c.keepWithNext,
      pageBreakBefore: c.pageBreakBefore || this.pendingPageBreak,
      anchors: this.pendingBlockAnchors,
      marker: this.pendingMarker,
      tocTarget: null,
      sceneBreak,
    });
    this.emitted++;
    this.previous = name === 'p' ? signature : null;
    this.items = [];
    this.pendingBlockAnchors = [];
    this.pendingSpaceBefore = 0;
    this.pendingPageBreak = false;
    this.pendingMarker = null;
  }

  *block(
    node: XNode,
    s: Inherited,
    marginLeft: number,
    marginRight: number,
    inItem: boolean,
    containerClasses: readonly string[],
  ): Generator<FlowBlock> {
    if (node.kind === 'text') {
      if (node.text.trim().length > 0) this.pushText(node.text, s);
      return;
    }
    if (!BLOCK_LEAVES.has(node.name) && !BLOCK_CONTAINERS.has(node.name)) {
      this.inline(node, s);
      return;
    }
    // A block starts: whatever inline content came before it becomes an anonymous block.
    if (this.items.length > 0) {
      this.emit(
        compute(this.ctx, s, { ...emptyElement, name: 'div' }),
        'p',
        inItem,
        marginLeft,
        marginRight,
        containerClasses,
      );
    }
    const c = compute(this.ctx, s, node);
    if (c.hidden) return;
    if (node.id) this.pendingBlockAnchors.push(this.anchor(node.id));
    const ml = marginLeft + c.marginLeft;
    const mr = marginRight + c.marginRight;
    if (BLOCK_LEAVES.has(node.name)) {
      this.pendingSpaceBefore = Math.max(this.pendingSpaceBefore, c.spaceBefore);
      if (c.pageBreakBefore) this.pendingPageBreak = true;
      for (const child of node.children) this.inline(child, c);
      this.emit(c, node.name, inItem, ml, mr, node.classes);
      this.addSpaceAfter(c.spaceAfter);
      return;
    }
    // A container.
    const before = this.emitted;
    this.pendingSpaceBefore = Math.max(this.pendingSpaceBefore, c.spaceBefore);
    if (c.pageBreakBefore) this.pendingPageBreak = true;
    let number = 0;
    for (const child of node.children) {
      if (child.kind === 'element' && child.name === 'li' && (node.name === 'ul' || node.name === 'ol')) {
        number++;
        const marker = c.listStyle === 'disc' ? '\u2022' : c.listStyle === 'decimal' ? `${number}.` : null;
        if (marker) {
          const style = this.runStyle(c, faceOf(c.italic, c.bold));
          this.pendingMarker = { text: marker, style, width: this.ctx.faces.measure(marker, style) };
        }
      }
      yield* this.block(child, c, ml, mr, inItem || node.name === 'li', node.classes);
      yield* this.take(1);
    }
    if (this.items.length > 0)
      this.emit(c, node.name === 'li' ? 'p' : 'p', inItem || node.name === 'li', ml, mr, node.classes);
    if (this.emitted > before) this.addSpaceAfter(c.spaceAfter);
  }

  /** Hand out the finished blocks, all but the last `keep` (a container may still add space after it). */
  *take(keep: number): Generator<FlowBlock> {
    while (this.blocks.length > keep) {
      const b = this.blocks.shift();
      if (b) yield b;
    }
  }

  private addSpaceAfter(space: number): void {
    const last = this.blocks[this.blocks.length - 1];
    if (last) last.spaceAfter = Math.max(last.spaceAfter, space);
  }
}

const emptyElement: XElement = {
  kind: 'element',
  name: 'div',
  classes: [],
  id: null,
  href: null,
  src: null,
  alt: null,
  children: [],
};

/**
 * Lay the page's tree out as blocks, handed out as they are finished (a chapter's blocks are never
 * all held). Contents entries (links to pages) are marked for page numbers.
 */
export function* streamBlocks(ctx: BlockContext, page: Page, tree: readonly XNode[]): Generator<FlowBlock> {
  const root: Inherited = {
    italic: false,
    bold: false,
    size: ctx.baseSize,
    leading: ctx.baseLeading,
    color: resolveColor(ctx.theme, 'text'),
    align: 'left',
    hyphenate: false,
    uppercase: false,
    letterSpacing: 0,
    rise: 0,
    link: null,
  };
  const b = new Builder(ctx, page);
  const contents = page.kind === 'contents';
  const out = function* (blocks: Generator<FlowBlock>): Generator<FlowBlock> {
    for (const bl of blocks) yield contents ? tocEntry(bl) : bl;
  };
  for (const node of tree) {
    yield* out(b.block(node, root, 0, 0, false, []));
    yield* out(b.take(1));
  }
  yield* out(b.take(0));
}

/** A contents block whose links all go to one page: that page's number goes at its right. */
function tocEntry(bl: FlowBlock): FlowBlock {
  const links = new Set(bl.items.flatMap((i) => (i.kind === 'box' && i.link ? [i.link] : [])));
  const only = links.size === 1 ? [...links][0] : undefined;
  // A contents entry points at a page: its destination without the anchor.
  const target = only && !isExternal(only) ? (destinationOf(only).split('#')[0] ?? null) : null;
  return target ? { ...bl, tocTarget: target } : bl;
}
