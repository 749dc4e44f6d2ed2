import type { Position } from '../model.js';
import { matchField } from './fields.js';
import { isSeparator, matchHeading } from './markers.js';

/** A paragraph-sized piece of text with where it stood and how many blank lines came before it. */
export interface Unit {
  readonly text: string;
  readonly position: Position;
  readonly blankBefore: number;
}

const BLANK = /^\s*$/;

/**
 * Is the text hard-wrapped (paragraphs broken into lines of 60–80 columns, as in old downloads)?
 * True when most lines that continue onto a next non-blank line are of wrapping length.
 */
export function isHardWrapped(lines: readonly string[]): boolean {
  let continued = 0;
  let wrapLength = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i] as string;
    const next = lines[i + 1] as string;
    if (BLANK.test(line) || BLANK.test(next)) continue;
    continued++;
    const len = line.trimEnd().length;
    if (len >= 35 && len <= 100) wrapLength++;
  }
  return continued >= 3 && wrapLength / continued >= 0.8;
}

/**
 * Splits decoded text into units. In one-line-per-paragraph text every non-blank line is a unit; in
 * hard-wrapped text the lines of a block are joined with a space, except separator and heading lines,
 * which stay units of their own.
 */
export function splitUnits(text: string, file: string, firstLine = 1): Unit[] {
  const lines = text.split('\n');
  const wrapped = isHardWrapped(lines);
  const units: Unit[] = [];
  let blank = 0;
  let pending: { parts: string[]; line: number; blankBefore: number } | null = null;
  // While only labelled fields have been seen, a known field line is a unit of its own even in wrapped
  // text, so that `Title: X` and `Author: Y` on consecutive lines stay apart.
  let atTop = true;
  const flush = () => {
    if (pending)
      units.push({
        text: pending.parts.join(' '),
        position: { file, line: pending.line },
        blankBefore: pending.blankBefore,
      });
    pending = null;
  };
  lines.forEach((raw, index) => {
    const line = firstLine + index;
    if (BLANK.test(raw)) {
      flush();
      blank++;
      return;
    }
    const trimmed = raw.trim();
    const field = atTop ? matchField(trimmed) : null;
    const isTopField = field !== null && field.kind !== null && !field.weak;
    if (!isTopField && pending === null) atTop = false;
    const standalone = !wrapped || isTopField || isSeparator(trimmed) || matchHeading(trimmed) !== null;
    if (standalone) {
      flush();
      units.push({ text: trimmed, position: { file, line }, blankBefore: blank });
    } else if (pending) {
      pending.parts.push(trimmed);
    } else {
      pending = { parts: [trimmed], line, blankBefore: blank };
    }
    blank = 0;
  });
  flush();
  return units;
}
