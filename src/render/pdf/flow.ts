/**
 * The book's flow: pages of blocks → physical pages. Chapters open on a new page with a sink,
 * running heads and folios go on the other pages, paragraphs are never left with a single line at
 * the foot (orphan) or head (widow) of a page, headings and scene breaks stay with what follows.
 *
 * The same code runs twice: once without a canvas to learn where each page falls (for the printed
 * contents), then with one to draw. Only one template page's lines are held at a time.
 */
import type { PageSizeName } from '../../config.js';
import { PAGE_SIZES } from '../../config.js';
import type { CoverImage, Page } from '../types.js';
import { type BlockContext, type FlowBlock, type RunStyle, streamBlocks } from './blocks.js';
import type { Canvas, Placed } from './canvas.js';
import { type Face, type FaceSet, faceOf } from './faces.js';
import type { Hyphenator } from './hyphenate.js';
import { breakLines, type Line, lineText } from './linebreak.js';
import { type PageKindStyle, resolveColor, type Theme } from './theme.js';
import { destinationOf, isExternal, parsePageBody, type XNode } from './xhtml.js';

export interface FlowInput {
  readonly theme: Theme;
  readonly faces: FaceSet;
  readonly hyphenator: Hyphenator;
  readonly pageSize: PageSizeName;
  readonly bookTitle: string;
  /** The template pages to lay out; each is parsed when its turn comes (a book's trees are never all held). */
  readonly pages: Iterable<Page>;
  readonly cover: CoverImage | null;
  readonly missing: Set<number>;
}

export interface FlowResult {
  /** Page id → printed page number (arabic, from the first chapter). */
  readonly folios: Map<string, number>;
  readonly pageCount: number;
  readonly destinations: Set<string>;
  readonly links: Set<string>;
}

const EPS = 0.01;

export class Flow {
  private readonly width: number;
  private readonly height: number;
  private readonly geo;
  private readonly em: number;
  private physical = -1;
  private bodyStart: number | null = null;
  private y = 0;
  private pageEmpty = true;
  private kindStyle: PageKindStyle | null = null;
  private currentTitle = '';
  readonly folios = new Map<string, number>();
  readonly destinations = new Set<string>();
  readonly links = new Set<string>();

  constructor(
    private readonly input: FlowInput,
    private readonly canvas: Canvas | null,
    /** Page numbers from the previous pass (for the contents), and the digits to reserve for them. */
    private readonly knownFolios: ReadonlyMap<string, number>,
    private readonly folioDigits: number,
  ) {
    const size = PAGE_SIZES[input.pageSize];
    this.width = size.width;
    this.height = size.height;
    this.geo = input.theme.geometry[input.pageSize];
    this.em = this.geo.fontSize;
  }

  private get recto(): boolean {
    if (this.bodyStart !== null) return (this.physical - this.bodyStart) % 2 === 0;
    const first = this.input.cover ? 1 : 0;
    return (this.physical - first) % 2 === 0;
  }

  private get left(): number {
    return this.recto ? this.geo.margins.inner : this.geo.margins.outer;
  }

  private get textWidth(): number {
    return this.width - this.geo.margins.inner - this.geo.margins.outer;
  }

  private get top(): number {
    return this.geo.margins.top;
  }

  private get bottom(): number {
    return this.height - this.geo.margins.bottom;
  }

  private folio(): number | null {
    return this.bodyStart === null ? null : this.physical - this.bodyStart + 1;
  }

  private newPage(opening: boolean): void {
    this.physical++;
    this.canvas?.addPage();
    this.y = this.top;
    this.pageEmpty = true;
    if (!opening) this.decorate();
  }

  /** Running head and folio of a page that is not a chapter opening. */
  private decorate(): void {
    const ks = this.kindStyle;
    if (!this.canvas || !ks) return;
    const t = this.input.theme;
    if (ks.runningHead) {
      const rh = t.runningHead;
      const text = this.recto ? this.currentTitle : this.input.bookTitle;
      const style: RunStyle = {
        face: faceOf(rh.italic, false),
        size: rh.size * this.em,
        color: resolveColor(t, rh.color),
        rise: 0,
        letterSpacing: rh.letterSpacing * rh.size * this.em,
      };
      this.centred(rh.uppercase ? text.toUpperCase() : text, style, this.top - rh.gap * this.em);
    }
    const folio = this.folio();
    if (ks.folio && folio !== null) {
      const style: RunStyle = {
        face: 'regular',
        size: t.folio.size * this.em,
        color: resolveColor(t, t.folio.color),
        rise: 0,
        letterSpacing: 0,
      };
      this.centred(String(folio), style, this.bottom + t.folio.gap * this.em);
    }
  }

  private textPieces(text: string, style: RunStyle, x0: number, maxWidth: number): Placed[] {
    const faces = this.input.faces;
    const pieces: Placed[] = [];
    let x = x0;
    const words = text.split(/\s+/).filter((w) => w.length > 0);
    words.forEach((w, i) => {
      if (i > 0) {
        const width = faces.measure(' ', style);
        pieces.push({ item: { kind: 'glue', style, width, link: null }, x, stretch: 0 });
        x += width;
      }
      const face: Face = [...w].every((ch) => faces.has(style.face, ch.codePointAt(0) ?? 0))
        ? style.face
        : 'regular';
      const s = { ...style, face };
      const width = faces.measure(w, s);
      pieces.push({
        item: {
          kind: 'box',
          text: w,
          style: s,
          width,
          link: null,
          anchors: [],
          softHyphen: false,
          hyphenate: false,
        },
        x,
        stretch: 0,
      });
      x += width;
    });
    return x - x0 <= maxWidth ? pieces : pieces.slice(0, 1);
  }

  private centred(text: string, style: RunStyle, baseline: number): void {
    if (!this.canvas) return;
    const w = this.input.faces.measure(text, style);
    const x = this.left + Math.max(0, (this.textWidth - w) / 2);
    this.canvas.artifact(this.textPieces(text, style, x, this.textWidth), baseline);
  }

  /** Lay out the whole book. */
  run(): FlowResult {
    for (const page of this.input.pages) {
      if (page.kind === 'cover') {
        this.coverPage(page);
        continue;
      }
      this.templatePage(page, parsePageBody(page));
    }
    return {
      folios: this.folios,
      pageCount: this.physical + 1,
      destinations: this.destinations,
      links: this.links,
    };
  }

  private coverPage(page: Page): void {
    const cover = this.input.cover;
    if (!cover) return;
    this.kindStyle = null;
    this.physical++;
    this.destinations.add(page.id);
    if (this.canvas) {
      this.canvas.addFirstPage(this.width, this.height);
      this.canvas.beginSection(page.title);
      this.canvas.destination(page.id, 0, 0);
      // The description is the one the cover template gives its <img>, as in the EPUB.
      const alt = findAlt(parsePageBody(page)) ?? page.title;
      this.canvas.coverImage(cover.jpeg, this.width, this.height, alt);
      this.canvas.endSection();
    }
  }

  private templatePage(page: Page, tree: readonly XNode[]): void {
    const kind = page.kind;
    if (kind === 'cover') return;
    const ks = this.input.theme.pages[kind];
    if ((kind === 'chapter' || kind === 'notes') && this.bodyStart === null)
      this.bodyStart = this.physical + 1;
    this.kindStyle = ks;
    this.currentTitle = page.title;
    if (this.physical < 0) {
      this.physical++;
      this.canvas?.addFirstPage(this.width, this.height);
      this.y = this.top;
      this.pageEmpty = true;
    } else {
      if (ks.recto && !this.nextIsRecto()) {
        // A blank verso so the page opens on the right.
        this.physical++;
        this.canvas?.addPage();
      }
      this.newPage(true);
    }
    const folio = this.folio();
    this.folios.set(page.id, folio ?? this.physical + 1);
    this.destinations.add(page.id);
    if (this.canvas) {
      this.canvas.beginSection(page.title);
      this.canvas.destination(page.id, 0, 0);
      if (page.inToc) this.canvas.outline(page.title);
    }
    this.y = this.top + ks.sink * (this.bottom - this.top);

    const ctx: BlockContext = {
      theme: this.input.theme,
      faces: this.input.faces,
      baseSize: this.geo.fontSize,
      baseLeading: this.geo.leading,
      missing: this.input.missing,
    };
    const blocks = new BlockWindow(streamBlocks(ctx, page, tree));
    const lines: (Line[] | undefined)[] = [];
    const linesOf = (i: number): Line[] => {
      let l = lines[i];
      if (!l) {
        const b = blocks.at(i) as FlowBlock;
        l = breakLines(this.input, b, this.textWidth - b.marginLeft - b.marginRight, this.reserve(b));
        lines[i] = l;
      }
      return l;
    };
    for (let i = 0; blocks.at(i); i++) {
      this.place(blocks, i, linesOf);
      // Placed: let it go (only later blocks are looked at from here on).
      lines[i] = undefined;
      blocks.release(i);
    }
    this.canvas?.endSection();
  }

  private nextIsRecto(): boolean {
    // The next physical page's parity, judged as `recto` will judge it.
    this.physical++;
    const r = this.recto;
    this.physical--;
    return r;
  }

  private reserve(b: FlowBlock): number {
    if (!b.tocTarget) return 0;
    const style = this.tocStyle(b);
    return (
      this.input.theme.contents.gap * this.em + this.input.faces.measure('0'.repeat(this.folioDigits), style)
    );
  }

  private tocStyle(b: FlowBlock): RunStyle {
    const first = b.items.find((i) => i.kind === 'box');
    const base = first && first.kind === 'box' ? first.style : null;
    return {
      face: 'regular',
      size: base?.size ?? this.em,
      color: base?.color ?? resolveColor(this.input.theme, 'text'),
      rise: 0,
      letterSpacing: 0,
    };
  }

  /** Height the blocks from `i` on need on this page to honour keep-with-next. */
  private keepNeed(blocks: BlockWindow, i: number, linesOf: (i: number) => Line[], depth: number): number {
    const b = blocks.at(i);
    if (!b || depth > 3) return 0;
    const n = linesOf(i).length;
    if (b.keepWithNext)
      return (
        b.spaceBefore + n * b.lineHeight + b.spaceAfter + this.keepNeed(blocks, i + 1, linesOf, depth + 1)
      );
    return b.spaceBefore + Math.min(2, n) * b.lineHeight;
  }

  private place(blocks: BlockWindow, i: number, linesOf: (i: number) => Line[]): void {
    const b = blocks.at(i) as FlowBlock;
    let rest = linesOf(i);
    if (b.pageBreakBefore && !this.pageEmpty) this.newPage(false);
    const lh = b.lineHeight;
    const unsplittable = b.sceneBreak || b.tag === 'H1' || b.tag === 'H2' || b.tag === 'H3';
    let first = true;
    let triedNewPage = false;
    while (rest.length > 0) {
      const sb = this.pageEmpty ? 0 : first ? b.spaceBefore : 0;
      const room = this.bottom - (this.y + sb);
      const avail = Math.max(0, Math.floor(room / lh + EPS));
      const n = rest.length;
      if (first && b.keepWithNext && !this.pageEmpty && !triedNewPage) {
        const need = sb + n * lh + b.spaceAfter + this.keepNeed(blocks, i + 1, linesOf, 0);
        if (this.y + need > this.bottom + EPS) {
          this.newPage(false);
          triedNewPage = true;
          continue;
        }
      }
      if (n <= avail) {
        this.y += sb;
        this.drawLines(b, rest, first);
        break;
      }
      let m = avail;
      if (n - m < 2) m = n - 2;
      // A word hyphenated across the turn of a page is hard to read: take that line over too.
      while (m >= 3 && n - (m - 1) >= 2 && endsHyphenated(rest[m - 1])) m--;
      if (m < 2 || unsplittable) {
        if (this.pageEmpty) {
          // Nothing better is possible on an empty page: set what fits (at least one line).
          const k = Math.max(1, avail);
          this.y += sb;
          this.drawLines(b, rest.slice(0, k), first);
          rest = rest.slice(k);
          first = false;
          if (rest.length > 0) this.newPage(false);
          continue;
        }
        this.newPage(false);
        continue;
      }
      this.y += sb;
      this.drawLines(b, rest.slice(0, m), first);
      rest = rest.slice(m);
      first = false;
      this.newPage(false);
    }
    this.y += b.spaceAfter;
  }

  private drawLines(b: FlowBlock, lines: readonly Line[], first: boolean): void {
    const lh = b.lineHeight;
    const canvas = this.canvas;
    const x0 = this.left + b.marginLeft;
    if (first) {
      for (const a of b.anchors) {
        this.destinations.add(a);
        canvas?.destination(a, x0, this.y);
      }
      canvas?.beginBlock(b.tag);
    }
    lines.forEach((line, li) => {
      const top = this.y;
      const baseline = top + (lh + b.size * 0.7) / 2;
      const isFirst = first && li === 0;
      for (const it of line.items) {
        if (it.kind === 'box') {
          for (const a of it.anchors) this.destinations.add(a);
          if (it.link && !isExternal(it.link)) this.links.add(destinationOf(it.link));
        }
      }
      if (canvas) {
        const pieces = this.position(b, line, x0);
        for (const p of pieces) {
          if (p.item.kind === 'box') for (const a of p.item.anchors) canvas.destination(a, p.x, top);
        }
        canvas.line(pieces, baseline, lineText(line));
        if (!b.tocTarget) this.annotate(pieces, top, lh);
        if (isFirst && b.marker) {
          const m = b.marker;
          const mx = x0 - m.width - 0.4 * this.em;
          canvas.line(
            [
              {
                item: {
                  kind: 'box',
                  text: m.text,
                  style: m.style,
                  width: m.width,
                  link: null,
                  anchors: [],
                  softHyphen: false,
                  hyphenate: false,
                },
                x: mx,
                stretch: 0,
              },
            ],
            baseline,
            m.text,
          );
        }
        if (b.tocTarget && line.last) this.tocNumber(b, x0, baseline);
        if (b.tocTarget) canvas.goTo(x0, top, this.textWidth - b.marginLeft - b.marginRight, lh, b.tocTarget);
      }
      if (b.tocTarget) this.links.add(b.tocTarget);
      this.y += lh;
      this.pageEmpty = false;
    });
  }

  private tocNumber(b: FlowBlock, x0: number, baseline: number): void {
    if (!this.canvas || !b.tocTarget) return;
    const n = this.knownFolios.get(b.tocTarget);
    const text = n === undefined ? '' : String(n);
    if (!text) return;
    const style = this.tocStyle(b);
    const w = this.input.faces.measure(text, style);
    const right = x0 + this.textWidth - b.marginLeft - b.marginRight;
    this.canvas.line(
      [
        {
          item: {
            kind: 'box',
            text,
            style,
            width: w,
            link: null,
            anchors: [],
            softHyphen: false,
            hyphenate: false,
          },
          x: right - w,
          stretch: 0,
        },
      ],
      baseline,
      ` ${text}`,
    );
  }

  /** Where each piece of a line goes, with justification stretch on the glue. */
  private position(b: FlowBlock, line: Line, x0: number): Placed[] {
    let x = x0 + line.indent;
    const slack = line.measure - line.width;
    let stretchPerGlue = 0;
    switch (b.align) {
      case 'justify':
        if ((!line.last || slack < 0) && line.glues > 0) stretchPerGlue = slack / line.glues;
        break;
      case 'center':
        x += Math.max(0, slack / 2);
        break;
      case 'right':
        x += Math.max(0, slack);
        break;
      case 'left':
        if (slack < 0 && line.glues > 0) stretchPerGlue = slack / line.glues;
        break;
    }
    const out: Placed[] = [];
    for (const it of line.items) {
      const stretch = it.kind === 'glue' ? stretchPerGlue : 0;
      out.push({ item: it, x, stretch });
      x += it.width + stretch;
    }
    return out;
  }

  /** Link annotations over each linked run of a line. */
  private annotate(pieces: readonly Placed[], top: number, lh: number): void {
    if (!this.canvas) return;
    let start: Placed | null = null;
    let end = 0;
    let target: string | null = null;
    const flush = (): void => {
      if (start && target) {
        if (isExternal(target)) this.canvas?.uri(start.x, top, end - start.x, lh, target);
        else this.canvas?.goTo(start.x, top, end - start.x, lh, destinationOf(target));
      }
      start = null;
      target = null;
    };
    for (const p of pieces) {
      const link = p.item.link;
      if (link !== target) flush();
      if (link) {
        if (!start) start = p;
        target = link;
        end = p.x + p.item.width + p.stretch;
      }
    }
    flush();
  }
}

/** A page's blocks as they are built: read ahead on demand, let go once placed. */
class BlockWindow {
  private readonly held = new Map<number, FlowBlock>();
  private made = 0;
  private done = false;

  constructor(private readonly source: Iterator<FlowBlock>) {}

  at(i: number): FlowBlock | undefined {
    while (!this.done && this.made <= i) {
      const r = this.source.next();
      if (r.done) this.done = true;
      else this.held.set(this.made++, r.value);
    }
    return this.held.get(i);
  }

  release(i: number): void {
    this.held.delete(i);
  }
}

function endsHyphenated(line: Line | undefined): boolean {
  const last = line?.items[line.items.length - 1];
  return last?.kind === 'box' && last.softHyphen;
}

/** The first `alt` text in a page's tree. */
function findAlt(nodes: readonly XNode[]): string | null {
  for (const n of nodes) {
    if (n.kind !== 'element') continue;
    if (n.alt) return n.alt;
    const inner = findAlt(n.children);
    if (inner) return inner;
  }
  return null;
}
