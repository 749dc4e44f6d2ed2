/**
 * The one document model. Parsers produce a `Story`; every writer reads only a `Story`.
 * Every node carries the position (file, 1-based line) it came from.
 */

export interface Position {
  /** Path of the source file, relative to the working directory when possible. */
  readonly file: string;
  /** 1-based line number in that file. */
  readonly line: number;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable kebab-case rule id, e.g. `title-guessed`, `binary-file`. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number | null;
  /** What the user can do about it. */
  readonly hint?: string;
}

/** Inline content of a paragraph. */
export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  /** A parenthesised `(A/N: …)` that stood here; the note itself lives in `Story.notes`. */
  | { readonly kind: 'noteRef'; readonly noteId: string };

export type Block =
  | { readonly kind: 'paragraph'; readonly inlines: readonly Inline[]; readonly position: Position }
  /** `marker` is the separator line as written (`***`, `xXx`), or null for a run of blank lines. */
  | { readonly kind: 'sceneBreak'; readonly marker: string | null; readonly position: Position }
  /** A whole-paragraph author's note stood here. */
  | { readonly kind: 'noteRef'; readonly noteId: string; readonly position: Position };

export interface Chapter {
  /** Stable id for links and file names: `ch-1`, `ch-2`, … */
  readonly id: string;
  /** 1-based position in the story. */
  readonly number: number;
  /**
   * The chapter's own name: the text after the marker (`Chapter One: The Fall` → `The Fall`), or a named
   * marker standing alone (`Prologue`). Null when the chapter has no name (`Chapter 3`, or no heading).
   */
  readonly title: string | null;
  /** The marker part of the heading as written (`Chapter One`, `Ch. 3`, `Part Two`, `Prologue`), if any. */
  readonly label: string | null;
  /** The heading line as written (`Chapter One: The Fall`, `Prologue`), or null when the chapter had none. */
  readonly heading: string | null;
  readonly blocks: readonly Block[];
  readonly position: Position;
}

/** Where a note stood in the text. `chapter` is the chapter number, null for the header. */
export type NotePlacement =
  | { readonly kind: 'header' }
  | { readonly kind: 'chapter-start'; readonly chapter: number }
  | { readonly kind: 'chapter-middle'; readonly chapter: number }
  | { readonly kind: 'chapter-end'; readonly chapter: number }
  | { readonly kind: 'inline'; readonly chapter: number };

export interface Note {
  /** `note-1`, `note-2`, … in reading order. */
  readonly id: string;
  /** The label as written, without its punctuation: `A/N`, `Author Note`, `Pretty Please?`. */
  readonly label: string;
  readonly text: string;
  readonly placement: NotePlacement;
  readonly position: Position;
}

export interface Series {
  readonly name: string;
  readonly index: number | null;
}

/** A labelled header line we keep but have no dedicated slot for (Warnings, Genre, Beta, …). */
export interface ExtraField {
  readonly label: string;
  readonly value: string;
  readonly position: Position;
}

export interface Meta {
  readonly title: string;
  readonly author: string | null;
  readonly pairing: string | null;
  readonly rating: string | null;
  readonly fandom: string | null;
  readonly tags: readonly string[];
  readonly summary: string | null;
  readonly disclaimer: string | null;
  /** BCP 47 language tag, `en` unless the story says otherwise. */
  readonly language: string;
  readonly series: Series | null;
  /** ISO 8601 date (`2009-04-01`) when the story or its sidecar gives one. */
  readonly date: string | null;
  /** Where the story was posted (URL or site name). */
  readonly source: string | null;
  readonly extra: readonly ExtraField[];
  /** Cover image path from the sidecar, resolved against the sidecar's folder. */
  readonly cover: string | null;
  /** Colour overrides for the generated cover (`background`, `foreground`, `accent`). */
  readonly coverColors: Readonly<Record<string, string>>;
}

export type MetaOrigin = 'header' | 'sidecar' | 'file-name' | 'default';

export interface StorySource {
  /** The `.txt` file or the story folder. */
  readonly path: string;
  readonly kind: 'file' | 'folder';
  /** The text files read, in chapter order. */
  readonly files: readonly string[];
  /** The sidecar YAML read, if any. */
  readonly sidecar: string | null;
  /** Latest modification time of the inputs, ISO 8601; a stable fallback date for reproducible builds. */
  readonly modified: string;
}

export interface Story {
  /** File-name-safe identifier: `my-story` for `stories/my-story.txt` or `stories/my-story/`. */
  readonly slug: string;
  readonly source: StorySource;
  readonly meta: Meta;
  /** Where each metadata field came from (only fields that were set). */
  readonly metaOrigin: Readonly<Partial<Record<keyof Meta, MetaOrigin>>>;
  readonly chapters: readonly Chapter[];
  readonly notes: readonly Note[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Parsing either makes a story (perhaps with warnings) or fails with an error diagnostic. */
export type ParseResult =
  | { readonly ok: true; readonly story: Story }
  | { readonly ok: false; readonly error: Diagnostic; readonly diagnostics: readonly Diagnostic[] };

/** The text of a paragraph without its note references. */
export function paragraphText(block: Extract<Block, { kind: 'paragraph' }>): string {
  let out = '';
  for (const inline of block.inlines) if (inline.kind === 'text') out += inline.text;
  return out;
}

/** Words as `wc -w` counts them: runs of non-whitespace. */
export function countWords(text: string): number {
  // A loop, not text.match(/\S+/g): counting a long story's words that way allocates every word.
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c < 0x80 ? c === 0x20 || (c >= 0x09 && c <= 0x0d) : WHITESPACE.has(c);
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/** The code units JavaScript's `\s` matches. */
const WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);

/**
 * Chapters are never changed once made, so each chapter object is counted once: a build counts the parsed
 * story for its report, and the typeset copy (new chapter objects, `withSameWords`) takes those counts for
 * the title page and the EPUB package.
 */
const counted = new WeakMap<Chapter, number>();

export function chapterWords(chapter: Chapter): number {
  let n = counted.get(chapter);
  if (n === undefined) {
    n = 0;
    for (const b of chapter.blocks) if (b.kind === 'paragraph') n += countWords(paragraphText(b));
    counted.set(chapter, n);
  }
  return n;
}

/**
 * `copy` is `chapter` with only punctuation changed (see `applyTypography`): it has the same words, so it
 * takes the count already made of them rather than counting a long story twice.
 */
export function withSameWords(chapter: Chapter, copy: Chapter): Chapter {
  const n = counted.get(chapter);
  if (n !== undefined) counted.set(copy, n);
  return copy;
}

export function storyWords(story: Story): number {
  return story.chapters.reduce((sum, c) => sum + chapterWords(c), 0);
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(x)}`);
}
