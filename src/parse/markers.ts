/**
 * Recognisers for the lines fan-fiction authors use as structure: scene-break separators and chapter
 * headings. Each takes one trimmed paragraph and answers without looking at anything else.
 */

const NUMBER_WORDS =
  '(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?' +
  '|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen' +
  '|hundred)';
const NUMBER = `(?:\\d{1,4}|[ivxlc]{1,7}|${NUMBER_WORDS})`;
const NUMBER_IN_LABEL = new RegExp(`\\d|\\b(?:[ivxlc]{1,7}|${NUMBER_WORDS}|first|second|third)\\b`, 'i');

/**
 * A chapter label that carries a number (`Chapter 3`, `Part Two`, `Ch. iv`, `The Second Part`), not a
 * name (`Prologue`).
 */
export function isNumberedLabel(label: string): boolean {
  return NUMBER_IN_LABEL.test(label);
}

const SEP = '(?:\\s*[:.)\\]]\\s*|\\s+[-–—]+\\s*|\\s*[-–—]+\\s+|\\s*[-–—]{2,}\\s*)';

const NUMBERED_HEADING = new RegExp(
  `^(?<label>(?:chapter|chap\\.?|ch\\.|ch|part|book)\\s*${NUMBER})(?:${SEP}(?<title>\\S.*?))?\\s*[:.]?$`,
  'iu',
);
const NAMED_HEADING = new RegExp(
  `^(?<label>(?:prologue|epilogue|interlude|afterword|foreword|coda)(?:\\s+${NUMBER})?)(?:${SEP}(?<title>\\S.*?))?\\s*[:.]?$`,
  'iu',
);

/** A cheap first look: every heading starts with one of these words, after optional decoration. */
const MAY_BE_HEADING = /^[\s*_~=#]*(?:ch|part|book|prologue|epilogue|interlude|afterword|foreword|coda)/i;
const DECORATION = new Set([' ', '\t', '*', '_', '~', '=', '#']);

/** `** Chapter 1 **` → `Chapter 1` (a loop: an anchored regex backtracks on every space). */
function stripDecoration(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && DECORATION.has(text[start] as string)) start++;
  while (end > start && DECORATION.has(text[end - 1] as string)) end--;
  return text.slice(start, end);
}

export interface Heading {
  /** The marker as written: `Chapter Two`, `Ch. 3`, `Prologue`. */
  readonly label: string;
  /** The chapter's own name, or null. A named marker standing alone (`Prologue`) is its own title. */
  readonly title: string | null;
}

/** `Chapter 1`, `Chapter One: Title`, `Chapter 2 - Title`, `Ch. 3`, `Part Two`, `Prologue`, `Epilogue`. */
export function matchHeading(text: string): Heading | null {
  if (text.length > 120 || text.includes('\n') || !MAY_BE_HEADING.test(text)) return null;
  const stripped = stripDecoration(text);
  const numbered = NUMBERED_HEADING.exec(stripped);
  if (numbered?.groups) {
    const label = numbered.groups.label as string;
    return { label, title: numbered.groups.title?.trim() || null };
  }
  const named = NAMED_HEADING.exec(stripped);
  if (named?.groups) {
    const label = named.groups.label as string;
    return { label, title: named.groups.title?.trim() || label };
  }
  return null;
}

const LETTER_SEPARATOR = /^(?:x+X+x+|X+x+X+|o+O+o+|O+o+O+|o+0+o+|0+o+0+)+$/u;
const BREAK_WORDS =
  /^[^\p{L}\p{N}]*(?:line|page|scene|section|pov|time)[ -]?(?:break|change|skip)[^\p{L}\p{N}]*$/iu;

/**
 * A line that stands for a scene break: `***`, `* * *`, `~*~`, `xXx`, `oOo`, `-o-o-o-`, `___`, `+++`,
 * `#####`, `Line break`, or any line of repeated punctuation. Quotes and ellipses are not separators
 * (a line of dialogue can be just `"..."`).
 */
export function isSeparator(text: string): boolean {
  const t = text.trim();
  if (t.length === 0 || t.length > 60) return false;
  if (BREAK_WORDS.test(t)) return true;
  const compact = t.replace(/\s+/g, '');
  if (LETTER_SEPARATOR.test(compact)) return true;
  if (/["'“”‘’«»„]/u.test(compact)) return false;
  // `...` or `…` alone is a line of dialogue; `. . .` spaced out is a separator.
  if (/^[.…]+$/u.test(compact) && !/^\.(?: +\.){2,}$/.test(t)) return false;
  const letters = compact.replace(/[^\p{L}\p{N}]/gu, '');
  const symbols = compact.replace(/[\p{L}\p{N}]/gu, '');
  if (letters.length === 0) return symbols.length >= 3 || /^[*#~§¤•◆◇❖✦✧⁂]+$/u.test(symbols);
  // Letters woven into punctuation: -o-o-o-, ~x~x~, =O=O=
  return /^[xo0]+$/iu.test(letters) && symbols.length >= 2 && letters.length >= 1 && compact.length >= 3;
}
