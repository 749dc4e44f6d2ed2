/**
 * The one place that talks to pdfkit: pages, set lines of text (glyph runs written straight into
 * the content stream, one TJ per style run, real space glyphs stretched for justification),
 * marked content for the structure tree, artifacts, links, named destinations, the outline.
 *
 * pdfkit's `text()` is not used for body text: it would wrap and paginate on its own.
 */
import zlib from 'node:zlib';
import PDFDocument from 'pdfkit';
import type { Box, Glue, RunStyle, StructTag } from './blocks.js';
import { BOOK_FACES, type Face, type FaceSet } from './faces.js';
import { keepSubsetGlyphs } from './subset.js';

/** The parts of pdfkit's embedded font we use (not in its public typings). */
interface EmbeddedFont {
  readonly id: string;
  /** The glyphs used, subset ids given in order; their advance widths and characters (ToUnicode). */
  readonly subset: { includeGlyph(id: number): number };
  readonly widths: (number | undefined)[];
  readonly unicode: (number[] | undefined)[];
  ref(): unknown;
}

/** A word set in one face, as TJ operands; `last` is the kerning after its last glyph (1/1000 em). */
interface Fragment {
  readonly body: string;
  readonly last: number;
}

type StructContentClass = new (pageRef: unknown, mcid: number) => unknown;

interface StructElement {
  add(child: unknown): StructElement;
  end(): void;
}

/** A content stream object of pdfkit (a page's `/Contents`). */
interface StreamRef {
  compress: boolean;
  uncompressedLength: number;
  buffer: Uint8Array[];
  data: Record<string, unknown>;
}

/** pdfkit internals used here, behind one narrow type. */
interface Internals {
  _font: EmbeddedFont;
  _offset: number;
  _write(data: string | Uint8Array): void;
  page: {
    fonts: Record<string, unknown>;
    width: number;
    height: number;
    content: StreamRef;
    dictionary: unknown;
    structParentTreeKey: number;
    markings: unknown[];
  };
  getStructParentTree(): { get(key: number): unknown[] };
  _root: { data: Record<string, unknown> & { Pages: { data: { Kids: unknown[] } } } };
  addContent(data: string): unknown;
  struct(type: string, options?: Record<string, unknown>, children?: unknown): StructElement;
  markStructureContent(tag: string, options?: Record<string, unknown>): unknown;
  markContent(tag: string, options?: Record<string, unknown> | null): unknown;
  endMarkedContent(): unknown;
  addStructure(el: StructElement): unknown;
  addNamedDestination(name: string, ...args: unknown[]): void;
  goTo(x: number, y: number, w: number, h: number, name: string): unknown;
  link(x: number, y: number, w: number, h: number, url: string): unknown;
  outline: { addItem(title: string): unknown; children: unknown[] };
}

/**
 * zlib level for page content streams. Level 6 (zlib's default) costs about twice the time of 1 for
 * a few per cent of size on glyph-run content.
 */
const CONTENT_LEVEL = 1;

/** A page's content stream before it is compressed: one buffer for the thread, grown as needed. */
let contentBuffer = Buffer.allocUnsafe(1 << 16);

/**
 * The PDF file as it is written: pdfkit's output copied into large buffers. (pdfkit pushes every
 * object as several small chunks through a stream; holding those, and the slack of zlib's output
 * buffers behind them, took several times the file's size.)
 */
class ByteSink {
  private readonly full: Buffer[] = [];
  private buf = Buffer.allocUnsafe(1 << 20);
  private pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(1 << 20, n));
    this.pos = 0;
  }

  /** A binary string (one byte per character) and a line end, as pdfkit writes its objects. */
  line(s: string): number {
    const n = s.length + 1;
    this.room(n);
    this.buf.write(s, this.pos, 'latin1');
    this.buf[this.pos + n - 1] = 10;
    this.pos += n;
    return n;
  }

  bytes(b: Uint8Array): number {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return b.length;
  }

  /**
   * The file in order, in the pieces it was written into (not joined: see `WriterPieces`). Each piece's
   * memory is its own: nothing else uses the buffers it was cut from. The last piece is copied out when
   * it fills less than half of its buffer: a short story's 40 KB PDF would otherwise hold (and a worker
   * hand over) a whole 1 MiB.
   */
  finish(): Buffer[] {
    const last = this.buf.subarray(0, this.pos);
    return [...this.full, this.pos * 2 < this.buf.length ? Buffer.from(last) : last];
  }
}

function num(n: number): string {
  const r = Math.round(n * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\\': '\\\\',
  '(': '\\(',
  ')': '\\)',
};

/** A PDF text string as pdfkit writes one: literal, UTF-16BE with a byte-order mark unless ASCII. */
function pdfString(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  let bytes = text;
  if (!ascii) {
    bytes = '\u00fe\u00ff';
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      bytes += String.fromCharCode(c >> 8, c & 0xff);
    }
  }
  return `(${bytes.replace(/[\n\r\t\b\f()\\]/g, (c) => ESCAPES[c] ?? c)})`;
}

function rgb(hex: string): string {
  const v = Number.parseInt(hex.slice(1), 16);
  return `${num(((v >> 16) & 255) / 255)} ${num(((v >> 8) & 255) / 255)} ${num((v & 255) / 255)}`;
}

export interface DocInfo {
  readonly title: string;
  readonly author: string | null;
  readonly subject: string | null;
  readonly keywords: string | null;
  readonly language: string;
  readonly date: Date;
  readonly width: number;
  readonly height: number;
}

/** A positioned piece of a line to draw. */
export interface Placed {
  readonly item: Box | Glue;
  readonly x: number;
  /** Extra advance after a glue (justification), points. */
  readonly stretch: number;
}

export class Canvas {
  readonly doc: PDFKit.PDFDocument;
  private readonly pdf: Internals;
  private readonly fonts = new Map<Face, EmbeddedFont>();
  /** Encoded words per face. */
  private readonly encoded = new Map<Face, Map<string, Fragment>>();
  /** Per embedded font: font glyph id → its subset id as four hex digits, once used in this book. */
  private readonly hexes = new Map<EmbeddedFont, string[]>();
  private readonly colors = new Map<string, string>();
  /** pdfkit's marked-content class (the structure tree accepts only its instances), once known. */
  private StructContent: StructContentClass | null = null;
  private readonly sink = new ByteSink();
  /** The current page's content stream operators, written as one compressed stream when it ends. */
  private parts: string[] = [];
  private readonly done: Promise<Buffer[]>;
  private readonly root: StructElement;
  private section: StructElement | null = null;
  private block: StructElement | null = null;
  /**
   * The body is drawn before the front matter (whose contents need the body's page numbers). The
   * front matter's sections are made first, empty, so the structure tree is in reading order and
   * the body's elements are written out as soon as they end; they are filled when it is drawn.
   */
  private frontSections: StructElement[] = [];
  /** Index in the page tree where the front matter's pages start, once it is being drawn. */
  private frontStart: number | null = null;
  private frontOutlines = 0;

  constructor(
    private readonly faces: FaceSet,
    info: DocInfo,
  ) {
    const keywords = info.keywords ?? undefined;
    this.doc = new PDFDocument({
      autoFirstPage: false,
      size: [info.width, info.height],
      margin: 0,
      bufferPages: false,
      tagged: true,
      lang: info.language,
      displayTitle: true,
      pdfVersion: '1.7',
      // Words are cached here as finished glyph runs; pdfkit's own cache would keep every word's layout.
      fontLayoutCache: false,
      // No default font (pdfkit would load Helvetica's metrics, which the bundled command could not
      // find: pdfkit looks them up beside its own package.json): the faces are registered below.
      font: null as unknown as string,
      info: {
        Title: info.title,
        ...(info.author ? { Author: info.author } : {}),
        ...(info.subject ? { Subject: info.subject } : {}),
        ...(keywords ? { Keywords: keywords } : {}),
        Creator: 'ficbind',
        Producer: 'ficbind (pdfkit)',
        CreationDate: info.date,
        ModDate: info.date,
      },
    });
    this.pdf = this.doc as unknown as Internals;
    // pdfkit's file header is waiting in its stream; from here on its writes go straight to the sink
    // and content operators to the page's own list.
    const head = this.doc.read() as Buffer | null;
    if (head) this.sink.bytes(head);
    const pdf = this.pdf;
    const sink = this.sink;
    pdf._write = (data: string | Uint8Array): void => {
      pdf._offset += typeof data === 'string' ? sink.line(data) : sink.bytes(data);
    };
    const parts = (): string[] => this.parts;
    pdf.addContent = (data: string): unknown => {
      parts().push(data);
      return pdf;
    };
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', () => reject(new Error('pdfkit wrote around the canvas')));
      this.doc.on('end', () => resolve(this.sink.finish()));
      this.doc.on('error', reject);
    });
    // Register every face up front so font ids (F1, F2, …) are the same in every build. pdfkit is
    // given the thread's fontkit font (keyed by its file, as if opened from it), so its tables are
    // decoded once per thread, not once per book.
    for (const face of [...BOOK_FACES, 'fallback'] as const) {
      const file = faces.files[face];
      if (!file) continue;
      this.doc.font(faces.shaper(face).font as unknown as PDFKit.Mixins.PDFFontSource, file);
      keepSubsetGlyphs(this.pdf._font.subset);
      this.fonts.set(face, this.pdf._font);
    }
    this.root = this.pdf.struct('Document');
    this.pdf.addStructure(this.root);
  }

  private font(face: Face): EmbeddedFont {
    const f = this.fonts.get(face) ?? this.fonts.get('regular');
    if (!f) throw new Error('the book face is not loaded');
    if (this.pdf.page.fonts[f.id] == null) this.pdf.page.fonts[f.id] = f.ref();
    return f;
  }

  /** The current page's operators → its content stream, compressed here (pdfkit writes it as is). */
  private endContent(): void {
    if (this.parts.length === 0) return;
    // The operators, a line each, written straight into a buffer kept for the thread.
    let size = 0;
    for (const part of this.parts) size += part.length + 1;
    if (contentBuffer.length < size)
      contentBuffer = Buffer.allocUnsafe(Math.max(size, contentBuffer.length * 2));
    const buf = contentBuffer;
    let pos = 0;
    for (const part of this.parts) {
      pos += buf.write(part, pos, 'latin1');
      buf[pos++] = 10;
    }
    this.parts = [];
    const content = this.pdf.page.content;
    const z = zlib.deflateSync(buf.subarray(0, pos), { level: CONTENT_LEVEL });
    content.compress = false;
    content.buffer = [z];
    content.uncompressedLength = pos;
    content.data.Length = z.length;
    content.data.Filter = 'FlateDecode';
  }

  addPage(): void {
    this.endContent();
    this.doc.addPage({ size: [this.pdf.page?.width ?? 0, this.pdf.page?.height ?? 0], margin: 0 });
  }

  addFirstPage(width: number, height: number): void {
    this.endContent();
    this.doc.addPage({ size: [width, height], margin: 0 });
  }

  beginSection(title: string): void {
    this.endSection();
    const reserved = this.frontStart !== null ? this.frontSections.shift() : undefined;
    if (reserved) {
      this.section = reserved;
      return;
    }
    this.section = this.pdf.struct('Sect', { title });
    this.root.add(this.section);
  }

  endSection(): void {
    this.endBlock();
    this.section?.end();
    this.section = null;
  }

  beginBlock(tag: StructTag): void {
    this.endBlock();
    this.block = this.pdf.struct(tag);
    (this.section ?? this.root).add(this.block);
  }

  endBlock(): void {
    this.block?.end();
    this.block = null;
  }

  /** One set line: its text for readers (`actual`), its pieces at their x, on `baseline`. */
  line(pieces: readonly Placed[], baseline: number, actual: string): void {
    const block = this.block;
    if (!block) {
      this.glyphs(pieces, baseline);
      return;
    }
    const page = this.pdf.page;
    const content = this.StructContent;
    if (content === null) {
      // pdfkit's own marked content once, to learn its content class; its operator is replaced below.
      const first = this.pdf.markStructureContent('Span');
      this.pdf.page.markings.pop();
      this.parts.pop();
      this.StructContent = (first as object).constructor as StructContentClass;
      this.line(pieces, baseline, actual);
      return;
    }
    // Marked content as pdfkit's markStructureContent makes it, written here in one string.
    const parents = this.pdf.getStructParentTree().get(page.structParentTreeKey);
    const mcid = parents.length;
    parents.push(null);
    this.parts.push(`/Span <</MCID ${mcid} /ActualText ${pdfString(actual)}>> BDC`);
    this.glyphs(pieces, baseline);
    this.parts.push('EMC');
    block.add(new content(page.dictionary, mcid));
  }

  /** Text outside the structure tree (running heads, folios): a pagination artifact. */
  artifact(pieces: readonly Placed[], baseline: number): void {
    this.pdf.markContent('Artifact', { type: 'Pagination' });
    this.glyphs(pieces, baseline);
    this.pdf.endMarkedContent();
  }

  /** A text object: one TJ per style run, kerning and justification as TJ adjustments. */
  private glyphs(pieces: readonly Placed[], baseline: number): void {
    let out = 'BT';
    let style: RunStyle | null = null;
    let tj = '';
    for (const p of pieces) {
      const s = p.item.style;
      if (style === null || !sameStyle(style, s)) {
        if (tj) out += `\n[${tj}] TJ`;
        tj = '';
        const f = this.font(s.face);
        out += `\n${this.rgb(s.color)} rg\n/${f.id} ${num(s.size)} Tf\n${num(s.letterSpacing)} Tc\n1 0 0 -1 ${num(p.x)} ${num(baseline - s.rise)} Tm`;
        style = s;
      }
      const frag = this.encode(s.face, p.item.kind === 'box' ? p.item.text : ' ');
      tj += frag.body;
      const adj = p.stretch !== 0 ? frag.last + (p.stretch * 1000) / s.size : frag.last;
      if (Math.abs(adj) > 0.001) tj += num(-adj);
    }
    if (tj) out += `\n[${tj}] TJ`;
    this.parts.push(`${out}\nET`);
  }

  private rgb(hex: string): string {
    let c = this.colors.get(hex);
    if (c === undefined) {
      c = rgb(hex);
      this.colors.set(hex, c);
    }
    return c;
  }

  /** A word's glyphs as TJ operands (hex glyph ids, kerning inside the word), cached per face. */
  private encode(face: Face, text: string): Fragment {
    let cache = this.encoded.get(face);
    if (!cache) {
      cache = new Map();
      this.encoded.set(face, cache);
    }
    let e = cache.get(text);
    if (!e) {
      // What pdfkit's font.encode does, from the word's shaping (one shaping per word and thread).
      const f = this.font(face);
      let hexes = this.hexes.get(f);
      if (!hexes) {
        hexes = [];
        this.hexes.set(f, hexes);
      }
      const shaper = this.faces.shaper(face);
      const { ids, kern } = shaper.shape(text.includes('\u00ad') ? text.replace(/\u00ad/g, '') : text);
      const scale = 1000 / shaper.unitsPerEm;
      let body = '';
      let run = '';
      let last = 0;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        let hex = hexes[id];
        if (hex === undefined) {
          // The glyph's first use in this book: its place in the subset, width and characters.
          const gid = f.subset.includeGlyph(id);
          f.widths[gid] ??= shaper.advance(id) * scale;
          f.unicode[gid] ??= shaper.codePoints(id) as number[];
          hex = `0000${gid.toString(16)}`.slice(-4);
          hexes[id] = hex;
        }
        run += hex;
        const adj = kern ? (kern[i] as number) * scale : 0;
        if (i === ids.length - 1) last = adj;
        else if (Math.abs(adj) > 0.001) {
          body += `<${run}>${num(-adj)}`;
          run = '';
        }
      }
      if (run) body += `<${run}>`;
      e = { body, last };
      cache.set(text, e);
    }
    return e;
  }

  destination(name: string, x: number, y: number): void {
    this.pdf.addNamedDestination(name, 'XYZ', x, y, null);
  }

  goTo(x: number, y: number, w: number, h: number, name: string): void {
    this.pdf.goTo(x, y, w, h, name);
  }

  uri(x: number, y: number, w: number, h: number, url: string): void {
    this.pdf.link(x, y, w, h, url);
  }

  outline(title: string): void {
    const outline = this.pdf.outline;
    outline.addItem(title);
    if (this.frontStart !== null) {
      // The front matter's entries go before the body's.
      const item = outline.children.pop();
      outline.children.splice(this.frontOutlines++, 0, item);
    }
  }

  /**
   * The body's pages are drawn; the front matter follows in drawing order but goes first in the
   * book: its pages, sections and outline entries are put before the body's.
   */
  beginFront(): void {
    this.endSection();
    this.frontStart = this.pdf._root.data.Pages.data.Kids.length;
  }

  /** Before the body is drawn: the front matter's sections (one per page, by title), in order. */
  reserveFrontSections(titles: readonly string[]): void {
    for (const title of titles) {
      const sect = this.pdf.struct('Sect', { title });
      this.root.add(sect);
      this.frontSections.push(sect);
    }
  }

  /** A full-bleed image (the cover), cropped to the page, tagged as a figure. */
  coverImage(jpeg: Buffer, width: number, height: number, alt: string): void {
    const fig = this.pdf.struct('Figure', { alt });
    (this.section ?? this.root).add(fig);
    const content = this.pdf.markStructureContent('Figure');
    fig.add(content);
    this.doc.save();
    this.doc.rect(0, 0, width, height).clip();
    this.doc.image(jpeg, 0, 0, { cover: [width, height], align: 'center', valign: 'center' });
    this.doc.restore();
    this.pdf.endMarkedContent();
    fig.end();
  }

  /**
   * Page labels: the cover's title on the cover (the label the templates give its page), roman numerals
   * for the rest of the front matter, arabic from the first chapter.
   */
  pageLabels(bodyStart: number | null, coverTitle: string | null): void {
    const nums: unknown[] = [];
    if (coverTitle !== null) nums.push(0, { P: new String(coverTitle) });
    const front = coverTitle !== null ? 1 : 0;
    if (bodyStart === null || bodyStart > front) nums.push(front, { S: 'r' });
    if (bodyStart !== null) nums.push(bodyStart, { S: 'D' });
    this.pdf._root.data.PageLabels = { Nums: nums };
  }

  async finish(): Promise<Buffer[]> {
    this.endSection();
    for (const sect of this.frontSections) sect.end();
    this.frontSections = [];
    const pages = this.pdf._root.data.Pages.data;
    const front = this.frontStart ?? pages.Kids.length;
    pages.Kids = [...pages.Kids.slice(front), ...pages.Kids.slice(0, front)];
    this.root.end();
    this.endContent();
    this.doc.end();
    return this.done;
  }
}

function sameStyle(a: RunStyle, b: RunStyle): boolean {
  return (
    a.face === b.face &&
    a.size === b.size &&
    a.color === b.color &&
    a.rise === b.rise &&
    a.letterSpacing === b.letterSpacing
  );
}
