import {
  type Block,
  type Chapter,
  type Inline,
  type Meta,
  type Note,
  type Story,
  withSameWords,
} from '../model.js';

/**
 * Typographic niceties as a pure `Story → Story` transform: straight quotes become curly quotes, a double
 * hyphen becomes an em dash, and three dots become an ellipsis. Only those characters change: whitespace
 * and every other character stay as written, so words keep their count and typos stay typos, and
 * `plainTypography` turns the result back into the original text. Applied to paragraph text, notes,
 * chapter headings and the descriptive metadata; never to names, tags, paths or scene-break markers.
 */

/** Characters after which a quote opens rather than closes. */
const OPENS_AFTER = /[\s([{\u2014\u2013\-/\u201C\u2018]/u;
/** Words that begin with an apostrophe standing for missing letters, where `'` is never an opening quote. */
const ELISIONS =
  /^(?:em|til|tis|twas|twere|cause|cos|coz|bout|round|n|nother|ere|ello|ow|im|er|e|fraid|scuse|kay|sup)\b/i;

/** Smartens one run of text. `before` is the character that precedes it in the same paragraph, if any. */
export function smartTypography(text: string, before = ''): string {
  let out = '';
  let prev = before;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '.' && text.startsWith('...', i) && text[i + 3] !== '.' && prev !== '.') {
      out += '\u2026';
      prev = '\u2026';
      i += 3;
      continue;
    }
    if (c === '-' && text[i + 1] === '-' && text[i + 2] !== '-' && prev !== '-') {
      out += '\u2014';
      prev = '\u2014';
      i += 2;
      continue;
    }
    let next = c;
    if (c === '"') {
      next = prev === '' || OPENS_AFTER.test(prev) ? '\u201C' : '\u201D';
    } else if (c === "'") {
      const rest = text.slice(i + 1);
      const opening =
        (prev === '' || OPENS_AFTER.test(prev)) &&
        /^\p{L}|^["\u201C]/u.test(rest) &&
        !ELISIONS.test(rest) &&
        !/^\d/.test(rest);
      next = opening ? '\u2018' : '\u2019';
    }
    out += next;
    prev = c === '"' || c === "'" ? next : c;
    i += 1;
  }
  return out;
}

/** The inverse of `smartTypography`: curly quotes back to straight ones, em dash to `--`, ellipsis to `...`. */
export function plainTypography(text: string): string {
  return text
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\u2014/g, '--')
    .replace(/\u2026/g, '...');
}

const smartOrNull = (s: string | null): string | null => (s === null ? null : smartTypography(s));

function smartInlines(inlines: readonly Inline[]): Inline[] {
  let before = '';
  return inlines.map((inline) => {
    if (inline.kind !== 'text') return inline;
    const text = smartTypography(inline.text, before);
    // A quote right after a note reference reads the text before the reference as its context.
    before = text.at(-1) ?? before;
    return { kind: 'text', text };
  });
}

function smartBlock(block: Block): Block {
  return block.kind === 'paragraph' ? { ...block, inlines: smartInlines(block.inlines) } : block;
}

function smartChapter(chapter: Chapter): Chapter {
  return withSameWords(chapter, {
    ...chapter,
    title: smartOrNull(chapter.title),
    heading: smartOrNull(chapter.heading),
    blocks: chapter.blocks.map(smartBlock),
  });
}

function smartMeta(meta: Meta): Meta {
  return {
    ...meta,
    title: smartTypography(meta.title),
    summary: smartOrNull(meta.summary),
    disclaimer: smartOrNull(meta.disclaimer),
    series: meta.series ? { ...meta.series, name: smartTypography(meta.series.name) } : null,
    extra: meta.extra.map((f) => ({ ...f, value: smartTypography(f.value) })),
  };
}

const smartNote = (note: Note): Note => ({ ...note, text: smartTypography(note.text) });

/** The story with typographic quotes, dashes and ellipses; the input is not changed. */
export function applyTypography(story: Story): Story {
  return {
    ...story,
    meta: smartMeta(story.meta),
    chapters: story.chapters.map(smartChapter),
    notes: story.notes.map(smartNote),
  };
}
