/**
 * Labelled lines (`Title: X`, `Disclaimer- Y`, `Author Note : Z`) and the author's-note markers that
 * fan fiction uses in its header block and inside the text.
 */

export type FieldKind =
  | 'title'
  | 'author'
  | 'pairing'
  | 'rating'
  | 'fandom'
  | 'summary'
  | 'disclaimer'
  | 'tags'
  | 'language'
  | 'series'
  | 'date'
  | 'source'
  | 'note'
  | 'extra';

const LABELS: Readonly<Record<FieldKind, readonly string[]>> = {
  title: ['title', 'story title', 'story name', 'fic title', 'name of story'],
  author: ['author', 'authors', 'by', 'written by', 'writer', 'penname', 'pen name'],
  pairing: ['pairing', 'pairings', 'ship', 'ships', 'relationship', 'relationships', 'couple', 'couples'],
  rating: ['rating', 'rated'],
  fandom: ['fandom', 'fandoms', 'category', 'categories', 'crossover'],
  summary: ['summary', 'story summary', 'description', 'blurb', 'synopsis', 'full summary'],
  disclaimer: ['disclaimer', 'disclaimers'],
  tags: ['tags', 'tag', 'keywords', 'additional tags'],
  language: ['language', 'lang'],
  series: ['series', 'part of series'],
  date: ['date', 'published', 'posted', 'date posted', 'written'],
  source: ['source', 'url', 'link', 'posted at', 'originally posted at'],
  note: [
    'a/n',
    'an',
    'a.n.',
    'a.n',
    'a/n note',
    'author note',
    'author notes',
    "author's note",
    "author's notes",
    'authors note',
    'authors notes',
    'note from the author',
    "author's comment",
    "author's comments",
    'notes',
    'note',
  ],
  extra: [
    'warning',
    'warnings',
    'genre',
    'genres',
    'dedication',
    'dedicated to',
    'beta',
    'betas',
    'beta reader',
    'beta readers',
    "beta'd by",
    'characters',
    'character',
    'main characters',
    'spoilers',
    'spoiler',
    'timeline',
    'setting',
    'word count',
    'words',
    'status',
    'chapters',
    'prompt',
    'challenge',
    'feedback',
    'archive',
    'updated',
    'inspiration',
    'thanks',
    'soundtrack',
  ],
};

const KIND_OF_LABEL = new Map<string, FieldKind>();
for (const [kind, labels] of Object.entries(LABELS) as [FieldKind, readonly string[]][]) {
  for (const l of labels) KIND_OF_LABEL.set(l, kind);
}

/** Labels that are only fields once a header is under way (`Note: bring rope` can open a story). */
const WEAK_LABELS = new Set(['note', 'notes', 'by', 'written', 'words', 'thanks', 'setting', 'status']);

export function normaliseLabel(label: string): string {
  return label.toLowerCase().replace(/[’`]/g, "'").replace(/\s+/g, ' ').trim();
}

export interface Field {
  /** The label as written, trimmed: `Title`, `A/N`, `Author Note`, `Pretty Please?`. */
  readonly label: string;
  readonly value: string;
  /** Known kind, or null for a made-up label. */
  readonly kind: FieldKind | null;
  /** Only a field where a header is already established (made-up and weak labels). */
  readonly weak: boolean;
}

// Label: no colon or dash-with-space inside, not starting with a quote or bracket. Separator: `:` (any
// spacing), or a dash followed by a space or the end of the line (`Pretty Please?- Reviews`).
const FIELD =
  /^(?<label>[^\s:"'“‘([{*~\-–—](?:[^:\n–—-]|-(?=\S))*?)\s*(?:(?<colon>:)|(?<dash>-{1,2}|–|—)(?=\s|$))\s*(?<value>[\s\S]*)$/u;

export function matchField(text: string): Field | null {
  const m = FIELD.exec(text);
  const groups = m?.groups;
  if (!groups) return null;
  const label = (groups.label as string).trim();
  if (label.length === 0 || label.length > 40 || label.split(/\s+/).length > 5) return null;
  if (/^\d+$/.test(label)) return null; // `8:30pm`
  const value = (groups.value as string).trim();
  const norm = normaliseLabel(label);
  let kind = KIND_OF_LABEL.get(norm) ?? null;
  // `AN` is a note marker only in capitals: `An` starts sentences.
  if (norm === 'an' && label !== 'AN') kind = null;
  if (kind !== null) return { label, value, kind, weak: WEAK_LABELS.has(norm) };
  // A made-up label (`Pretty Please?-`, `Shameless Begging:`): short, every word capitalised, and the colon
  // or hyphen right after it. A spaced or long dash is prose (`Zoë — the`), never a made-up label.
  if (groups.dash !== undefined && groups.dash !== '-') return null;
  if (/\s$/.test(text.slice(0, text.length - (groups.value as string).length).replace(/[:-]\s*$/, '')))
    return null;
  // The colon or hyphen is followed by a space: `Zoë 8:30pm` is a time, not a label.
  if (!/^(?::|-{1,2})(?:\s|$)/.test(text.slice(label.length))) return null;
  // Only words, with a `?` or `!` at the end: `Zoë (A/N: …)` is a sentence with a note, not a label.
  if (!/^[\p{L}\p{N}'’& ]+[?!.]*$/u.test(label)) return null;
  const words = label.split(/\s+/);
  const titleCase = words.every((w) => /^[^\p{L}]*[\p{Lu}\p{N}]/u.test(w));
  if (!titleCase || words.length > 4) return null;
  return { label, value, kind: null, weak: true };
}

/**
 * The author's-note markers that open a paragraph inside the story: `A/N:`, `A/N-`, `AN:`, `Author's note:`,
 * `Author Note :`. `Note:` alone is not one (a story can say `Note: the valve was replaced`).
 */
const NOTE_MARKER =
  /^(?<label>A\/N|A\.N\.?|AN|[Aa]uthor'?s?[’']?s?\s+[Nn]otes?|[Aa]uthors?\s+[Nn]otes?|AUTHOR'?S?\s+NOTES?|a\/n)(?:\s*(?::|-{1,2}|–|—)|(?<=A\/N|a\/n)\s)\s*/u;

export interface NoteMarker {
  readonly label: string;
  /** Length of the marker including its punctuation and the spaces after it. */
  readonly length: number;
}

export function matchNoteMarker(text: string): NoteMarker | null {
  const m = NOTE_MARKER.exec(text);
  if (!m?.groups) return null;
  return { label: (m.groups.label as string).trim(), length: m[0].length };
}

export interface BracketedNote {
  /** Offset of the opening bracket and one past the closing bracket. */
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly text: string;
}

const CLOSING: Readonly<Record<string, string>> = { '(': ')', '[': ']' };

/** `(A/N: …)` or `[A/N: …]` inside a paragraph, with nested brackets balanced. */
/** Where a bracketed note may open: a bracket, optional spaces, then the start of a note marker. */
const NOTE_OPENING = /[([]\s*(?=A\/N|A\.N|AN\b|[Aa]uthor|AUTHOR|a\/n)/g;

export function findBracketedNotes(text: string): BracketedNote[] {
  const found: BracketedNote[] = [];
  NOTE_OPENING.lastIndex = 0;
  if (!NOTE_OPENING.test(text)) return found;
  let i = 0;
  while (i < text.length) {
    const open = text[i] as string;
    const close = CLOSING[open];
    if (close) {
      const inner = text.slice(i + 1).replace(/^\s+/, '');
      const lead = text.length - i - 1 - inner.length;
      const marker = matchNoteMarker(inner);
      if (marker) {
        let depth = 1;
        let j = i + 1;
        for (; j < text.length; j++) {
          const c = text[j];
          if (c === open) depth++;
          else if (c === close && --depth === 0) break;
        }
        if (depth === 0) {
          const body = text.slice(i + 1 + lead + marker.length, j).trim();
          found.push({ start: i, end: j + 1, label: marker.label, text: body });
          i = j + 1;
          continue;
        }
      }
    }
    i++;
  }
  return found;
}
