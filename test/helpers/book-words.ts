/**
 * Reading an EPUB back the way a reading system would, independently of the writer's code:
 * container.xml → OPF → spine → XHTML documents parsed as XML, and their text as words.
 */
import { parseDocument } from 'htmlparser2';
import JSZip from 'jszip';
import type { Story } from '../../src/model.js';

// Node types as htmlparser2 itself returns them (the top-level `domhandler` package is an older major).
type ChildNode = ReturnType<typeof parseDocument>['children'][number];
export type Element = Extract<ChildNode, { name: string; attribs: Record<string, string> }>;
type Text = Extract<ChildNode, { type: 'text' }>;
const isTag = (n: ChildNode): n is Element => 'name' in n && 'attribs' in n;
const isText = (n: ChildNode): n is Text => n.type === 'text';

export interface EpubDoc {
  /** Path inside the zip, e.g. `OEBPS/ch-1.xhtml`. */
  readonly path: string;
  /** Path relative to the OPF, as the spine names it, e.g. `ch-1.xhtml`. */
  readonly href: string;
  readonly xml: string;
  readonly root: ChildNode[];
}

export interface OpenedEpub {
  readonly zip: JSZip;
  readonly opfPath: string;
  readonly opf: string;
  /** The spine documents in reading order. */
  readonly spine: readonly EpubDoc[];
  doc(href: string): EpubDoc | undefined;
}

function attr(xml: string, tag: string, name: string): string[] {
  const out: string[] = [];
  for (const m of xml.matchAll(new RegExp(`<${tag}\\b[^>]*>`, 'g'))) {
    const a = new RegExp(`\\b${name}="([^"]*)"`).exec(m[0]);
    if (a?.[1] !== undefined) out.push(a[1]);
  }
  return out;
}

export function parseXml(xml: string): ChildNode[] {
  return parseDocument(xml, { xmlMode: true, decodeEntities: true }).children;
}

export async function openEpub(bytes: Buffer): Promise<OpenedEpub> {
  const zip = await JSZip.loadAsync(bytes);
  const container = await zip.file('META-INF/container.xml')?.async('string');
  if (!container) throw new Error('no META-INF/container.xml');
  const opfPath = attr(container, 'rootfile', 'full-path')[0];
  if (!opfPath) throw new Error('container.xml names no rootfile');
  const opf = await zip.file(opfPath)?.async('string');
  if (!opf) throw new Error(`no ${opfPath}`);
  const base = opfPath.includes('/') ? opfPath.slice(0, opfPath.lastIndexOf('/') + 1) : '';
  const items = new Map<string, string>();
  for (const m of opf.matchAll(/<item\b[^>]*>/g)) {
    const id = /\bid="([^"]*)"/.exec(m[0])?.[1];
    const href = /\bhref="([^"]*)"/.exec(m[0])?.[1];
    if (id && href) items.set(id, href);
  }
  const docs = new Map<string, EpubDoc>();
  const spine: EpubDoc[] = [];
  for (const idref of attr(opf, 'itemref', 'idref')) {
    const href = items.get(idref);
    if (!href) throw new Error(`spine item ${idref} is not in the manifest`);
    const path = base + href;
    const xml = await zip.file(path)?.async('string');
    if (xml === undefined) throw new Error(`spine document ${path} is missing`);
    const doc = { path, href, xml, root: parseXml(xml) };
    docs.set(href, doc);
    spine.push(doc);
  }
  return { zip, opfPath, opf, spine, doc: (href) => docs.get(href) };
}

function classes(el: Element): string[] {
  return (el.attribs.class ?? '').split(/\s+/).filter(Boolean);
}

export interface TextOptions {
  /** Leave out elements with any of these classes. */
  readonly skipClasses?: readonly string[];
  /** Leave out elements with these tag names. */
  readonly skipTags?: readonly string[];
}

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'section',
  'h1',
  'h2',
  'h3',
  'li',
  'ol',
  'ul',
  'blockquote',
  'br',
  'nav',
  'body',
  'title',
]);

/** The text under `nodes`, with block boundaries and `<br/>` as spaces. */
export function textOf(nodes: readonly ChildNode[], opts: TextOptions = {}): string {
  let out = '';
  const walk = (n: ChildNode): void => {
    if (isText(n)) {
      out += n.data;
      return;
    }
    if (!isTag(n)) return;
    if (opts.skipTags?.includes(n.name)) return;
    if (opts.skipClasses && classes(n).some((c) => opts.skipClasses?.includes(c))) return;
    const block = BLOCK_TAGS.has(n.name);
    if (block) out += ' ';
    for (const c of n.children) walk(c);
    if (block) out += ' ';
  };
  for (const n of nodes) walk(n);
  return out;
}

export function findAll(nodes: readonly ChildNode[], pred: (el: Element) => boolean): Element[] {
  const out: Element[] = [];
  const walk = (n: ChildNode): void => {
    if (!isTag(n)) return;
    if (pred(n)) out.push(n);
    for (const c of n.children) walk(c);
  };
  for (const n of nodes) walk(n);
  return out;
}

export function bodyOf(doc: EpubDoc): ChildNode[] {
  const body = findAll(doc.root, (e) => e.name === 'body')[0];
  if (!body) throw new Error(`${doc.path} has no body`);
  return body.children;
}

export function words(text: string): string[] {
  return text.match(/\S+/g) ?? [];
}

// XML cannot carry these; a writer must drop them, so the expected text drops them too.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 forbids
const NOT_XML = /[\u0000-\u0008\u000E-\u001F\uFFFE\uFFFF]/g;

function expectedText(text: string): string {
  return text.replace(/[\v\f]/g, ' ').replace(NOT_XML, '');
}

/** The words of each chapter's paragraphs, as the Story holds them (note references left out). */
export function chapterWordsOf(story: Story): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ch of story.chapters) {
    const ws: string[] = [];
    for (const b of ch.blocks) {
      if (b.kind !== 'paragraph') continue;
      const text = b.inlines.map((i) => (i.kind === 'text' ? i.text : '')).join('');
      ws.push(...words(expectedText(text)));
    }
    out.set(ch.id, ws);
  }
  return out;
}

export function noteWordsOf(story: Story): Map<string, string[]> {
  return new Map(story.notes.map((n) => [n.id, words(expectedText(n.text))]));
}
