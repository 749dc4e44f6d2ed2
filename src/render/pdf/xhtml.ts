/**
 * The templates' XHTML fragments as a small closed tree. Only the elements the templates are
 * allowed to use are accepted; anything else is an error naming the template page, never a silent drop.
 */
import { parseDocument } from 'htmlparser2';
import { diagnostic, FicbindError } from '../../diagnostics.js';
import type { Page } from '../types.js';

export const ELEMENTS = [
  'section',
  'div',
  'h1',
  'h2',
  'h3',
  'p',
  'em',
  'strong',
  'span',
  'a',
  'ul',
  'ol',
  'li',
  'blockquote',
  'img',
  'br',
  'sup',
] as const;
export type ElementName = (typeof ELEMENTS)[number];

const ATTRIBUTES = new Set(['class', 'id', 'href', 'src', 'alt', 'epub:type', 'role', 'xmlns', 'xmlns:epub']);

export interface XElement {
  readonly kind: 'element';
  readonly name: ElementName;
  readonly classes: readonly string[];
  readonly id: string | null;
  readonly href: string | null;
  readonly src: string | null;
  readonly alt: string | null;
  readonly children: readonly XNode[];
}
export interface XText {
  readonly kind: 'text';
  readonly text: string;
}
export type XNode = XElement | XText;

function isElementName(name: string): name is ElementName {
  return (ELEMENTS as readonly string[]).includes(name);
}

function unsupported(page: Page, what: string): FicbindError {
  return new FicbindError(
    diagnostic(
      'error',
      'pdf-unsupported-element',
      `the ${page.kind} page "${page.id}" uses ${what}, which the PDF writer cannot lay out`,
      `${page.kind}.hbs`,
      null,
      `use only ${ELEMENTS.join(', ')} in templates (attributes: ${[...ATTRIBUTES].join(', ')})`,
    ),
  );
}

/** The parts of htmlparser2's DOM nodes we read (its own typings are tied to one domhandler version). */
interface RawNode {
  readonly type: string;
  readonly data?: string;
  readonly name?: string;
  readonly attribs?: Readonly<Record<string, string>>;
  readonly children?: readonly RawNode[];
}

function rawText(node: RawNode): string {
  if (typeof node.data === 'string') return node.data;
  return (node.children ?? []).map(rawText).join('');
}

function convert(node: RawNode, page: Page): XNode | null {
  switch (node.type) {
    case 'text':
      return { kind: 'text', text: node.data ?? '' };
    case 'cdata':
      return { kind: 'text', text: rawText(node) };
    case 'comment':
    case 'directive':
      return null;
    case 'tag':
    case 'script':
    case 'style': {
      const name = node.name ?? '';
      if (!isElementName(name)) throw unsupported(page, `<${name}>`);
      const attribs = node.attribs ?? {};
      for (const a of Object.keys(attribs)) {
        if (!ATTRIBUTES.has(a)) throw unsupported(page, `the attribute ${a}="…" on <${name}>`);
      }
      const children: XNode[] = [];
      for (const c of node.children ?? []) {
        const x = convert(c, page);
        if (x) children.push(x);
      }
      const cls = attribs.class?.trim();
      return {
        kind: 'element',
        name,
        classes: cls ? cls.split(/\s+/) : [],
        id: attribs.id ?? null,
        href: attribs.href ?? null,
        src: attribs.src ?? null,
        alt: attribs.alt ?? null,
        children,
      };
    }
    default:
      throw unsupported(page, `a ${node.type} node`);
  }
}

/** Parse a page's body (XML mode: entities decoded, case kept) into the closed tree. */
export function parsePageBody(page: Page): XNode[] {
  const doc = parseDocument(page.body, { xmlMode: true, decodeEntities: true });
  const out: XNode[] = [];
  for (const c of doc.children as unknown as readonly RawNode[]) {
    const x = convert(c, page);
    if (x) out.push(x);
  }
  return out;
}

/** A link target as written (`notes.xhtml#note-3`, `ch-2.xhtml`) → a destination name (`notes#note-3`, `ch-2`). */
export function destinationOf(href: string): string {
  const [file = '', anchor] = href.split('#');
  const page = file.replace(/\.xhtml$/, '');
  return anchor ? `${page}#${anchor}` : page;
}

/** A link that leaves the book (`https:`, `mailto:`). */
export function isExternal(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href);
}
