import path from 'node:path';
import type { Node as YamlNode } from 'yaml';
import { diagnostic } from '../diagnostics.js';
import type { Diagnostic, Series } from '../model.js';
import { yaml } from '../yaml.js';
import { languageTag } from './header.js';

/** Metadata a YAML sidecar (`stories/<slug>.yaml`, `story.yaml`) or front matter may set. */
export interface SidecarMeta {
  title?: string;
  author?: string;
  pairing?: string;
  rating?: string;
  fandom?: string;
  tags?: string[];
  summary?: string;
  disclaimer?: string;
  language?: string;
  series?: Series;
  date?: string;
  source?: string;
  cover?: string;
  coverColors?: Record<string, string>;
}

export type SidecarResult =
  | { readonly ok: true; readonly meta: SidecarMeta; readonly diagnostics: Diagnostic[] }
  | { readonly ok: false; readonly error: Diagnostic };

const STRING_KEYS = [
  'title',
  'author',
  'pairing',
  'rating',
  'fandom',
  'summary',
  'disclaimer',
  'language',
  'source',
] as const;
const KNOWN_KEYS = [...STRING_KEYS, 'tags', 'series', 'date', 'cover', 'colors', 'coverColors'];
const COLOR_KEYS = ['background', 'foreground', 'accent'];

/** Parses YAML metadata. `firstLine` shifts line numbers for front matter inside a story file. */
export function parseSidecar(text: string, file: string, firstLine = 1): SidecarResult {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const lineOf = (node: YamlNode | null | undefined): number | null =>
    node?.range ? lineCounter.linePos(node.range[0]).line + firstLine - 1 : null;
  const firstError = doc.errors[0];
  if (firstError) {
    const line = firstError.linePos?.[0]?.line;
    return {
      ok: false,
      error: diagnostic(
        'error',
        'sidecar-invalid',
        `is not valid YAML: ${(firstError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
        file,
        line === undefined ? null : line + firstLine - 1,
        'fix the YAML (a value with a colon in it needs quotes), or remove the file',
      ),
    };
  }
  const diagnostics: Diagnostic[] = [];
  const meta: SidecarMeta = {};
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === '')))
    return { ok: true, meta, diagnostics };
  if (!isMap(root)) {
    return {
      ok: false,
      error: diagnostic(
        'error',
        'sidecar-invalid',
        'must be a mapping of keys to values (`title: My Story`)',
        file,
        lineOf(root),
      ),
    };
  }
  const bad = (node: YamlNode | null | undefined, key: string, want: string) =>
    diagnostics.push(
      diagnostic('warning', 'sidecar-bad-value', `\`${key}\` should be ${want}; ignored`, file, lineOf(node)),
    );

  for (const pair of root.items) {
    const keyNode = pair.key as YamlNode;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    const node = pair.value as YamlNode | null;
    const value: unknown = node && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : null;
    if (!KNOWN_KEYS.includes(key)) {
      diagnostics.push(
        diagnostic(
          'warning',
          'sidecar-unknown-key',
          `unknown key \`${key}\`; ignored`,
          file,
          lineOf(keyNode),
          `known keys: ${KNOWN_KEYS.join(', ')}`,
        ),
      );
      continue;
    }
    if (value === null || value === undefined) continue;
    const scalar = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : null;
    switch (key) {
      case 'tags':
        if (Array.isArray(value) && isSeq(node))
          meta.tags = value.map((v) => String(v).trim()).filter(Boolean);
        else if (scalar !== null)
          meta.tags = scalar
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean);
        else bad(node, key, 'a list of strings');
        break;
      case 'series':
        if (scalar !== null) meta.series = { name: scalar, index: null };
        else if (
          typeof value === 'object' &&
          !Array.isArray(value) &&
          typeof (value as { name?: unknown }).name === 'string'
        ) {
          const v = value as { name: string; index?: unknown };
          const index = typeof v.index === 'number' && Number.isFinite(v.index) ? v.index : null;
          meta.series = { name: v.name.trim(), index };
        } else bad(node, key, 'a name, or {name, index}');
        break;
      case 'date': {
        const d = value instanceof Date ? value.toISOString().slice(0, 10) : scalar;
        if (d !== null && !Number.isNaN(new Date(d).getTime())) meta.date = d;
        else bad(node, key, 'a date such as 2009-04-01');
        break;
      }
      case 'cover':
        if (scalar) meta.cover = path.resolve(path.dirname(file), scalar);
        else bad(node, key, 'the path of an image file');
        break;
      case 'colors':
      case 'coverColors': {
        if (typeof value !== 'object' || Array.isArray(value)) {
          bad(node, key, `a mapping with ${COLOR_KEYS.join(', ')}`);
          break;
        }
        const colors: Record<string, string> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (COLOR_KEYS.includes(k) && typeof v === 'string') colors[k] = v.trim();
          else bad(node, `${key}.${k}`, `one of ${COLOR_KEYS.join(', ')} with a colour such as "#1d3557"`);
        }
        meta.coverColors = colors;
        break;
      }
      case 'language': {
        const tag = scalar === null ? null : languageTag(scalar);
        if (tag) meta.language = tag;
        else bad(node, key, 'a language tag such as en, fr or pt-BR (or a name such as English)');
        break;
      }
      default:
        if (scalar === null) bad(node, key, 'a single line of text');
        else if (scalar !== '') (meta as Record<string, unknown>)[key] = scalar;
    }
  }
  return { ok: true, meta, diagnostics };
}

/** Splits `---` YAML front matter (a block that opens with a `key:` line) off the top of a story file. */
export function splitFrontMatter(text: string): { yaml: string; body: string; bodyFirstLine: number } | null {
  if (!text.startsWith('---\n')) return null;
  const end = text.indexOf('\n---', 3);
  if (end === -1) return null;
  const after = text.indexOf('\n', end + 4);
  const closing = text.slice(end + 1, after === -1 ? undefined : after).trim();
  if (closing !== '---') return null;
  const yaml = text.slice(4, end + 1);
  // Front matter opens with a `key:` line; prose between two `---` separators is story text.
  if (!/^[A-Za-z_][\w-]*[ \t]*:(?:\s|$)/.test(yaml)) return null;
  const body = after === -1 ? '' : text.slice(after + 1);
  const bodyFirstLine = text.slice(0, after === -1 ? text.length : after + 1).split('\n').length;
  return { yaml, body, bodyFirstLine };
}
