/**
 * Line breaking: a block's items → lines of a given width. First fit, with a little give in the
 * spaces (they may shrink to 85 %) and hyphenation of the word that does not fit; a word longer than
 * a whole line is cut where it must. Lines are justified by the drawer from `width` and `glues`.
 */
import type { Box, FlowBlock, Glue } from './blocks.js';
import type { FaceSet } from './faces.js';
import type { Hyphenator } from './hyphenate.js';

export interface Line {
  /** Boxes and the glue between them (never glue at either end). */
  readonly items: readonly (Box | Glue)[];
  /** Natural width of the items. */
  readonly width: number;
  /** Total natural width of the glue, for justification. */
  readonly glueWidth: number;
  readonly glues: number;
  /** The width the line was set to (the measure less the indent and any reserve). */
  readonly measure: number;
  readonly indent: number;
  /** Ends the paragraph or a forced break: never stretched. */
  readonly last: boolean;
}

export interface BreakContext {
  readonly faces: FaceSet;
  readonly hyphenator: Hyphenator;
}

const SHRINK = 0.15;

interface Word {
  readonly boxes: Box[];
  readonly glue: Glue | null;
  readonly breakBefore: boolean;
}

function words(block: FlowBlock): Word[] {
  const out: Word[] = [];
  let boxes: Box[] = [];
  let glue: Glue | null = null;
  let breakBefore = false;
  let pendingGlue: Glue | null = null;
  let pendingBreak = false;
  const flush = (): void => {
    if (boxes.length > 0) out.push({ boxes, glue, breakBefore });
    boxes = [];
  };
  for (const item of block.items) {
    if (item.kind === 'box') {
      if (boxes.length > 0 && (pendingGlue || pendingBreak)) flush();
      if (boxes.length === 0) {
        glue = pendingGlue;
        breakBefore = pendingBreak;
        pendingGlue = null;
        pendingBreak = false;
      }
      boxes.push(item);
    } else if (item.kind === 'glue') {
      pendingGlue = item;
    } else {
      pendingBreak = true;
      pendingGlue = null;
    }
  }
  flush();
  return out;
}

function sum(boxes: readonly Box[]): number {
  let w = 0;
  for (const b of boxes) w += b.width;
  return w;
}

/** Split a box at `at` characters; the head ends in a hyphen (added, or the author's own). */
function splitBox(faces: FaceSet, box: Box, at: number, addHyphen: boolean): [Box, Box] {
  const headText = box.text.slice(0, at).replace(/\u00ad/g, '') + (addHyphen ? '-' : '');
  const tailText = box.text.slice(at);
  const tailClean = tailText.replace(/\u00ad/g, '');
  const head: Box = {
    ...box,
    text: headText,
    width: faces.measure(headText, box.style),
    softHyphen: addHyphen,
  };
  const tail: Box = {
    ...box,
    text: tailText,
    width: faces.measure(tailClean, box.style),
    anchors: [],
    softHyphen: box.softHyphen,
  };
  return [head, tail];
}

/** Break candidates inside a word: [box index, offset, adds a hyphen], latest first. */
function candidates(ctx: BreakContext, word: readonly Box[]): [number, number, boolean][] {
  const out: [number, number, boolean][] = [];
  word.forEach((box, i) => {
    const clean = box.text.replace(/\u00ad/g, '');
    if (box.hyphenate && /\p{L}{2}/u.test(clean)) {
      // Hyphenation points are offsets into the clean text; map them back to the raw text.
      const pts = ctx.hyphenator.points(box.text.includes('\u00ad') ? box.text : clean);
      for (const p of pts) {
        const raw = box.text.includes('\u00ad') ? rawOffset(box.text, p) : p;
        const before = clean[p - 1] ?? '';
        if (/[\p{L}]/u.test(before)) out.push([i, raw, true]);
      }
    }
    // After a hard hyphen or a dash between letters: no hyphen added.
    for (let k = 1; k < box.text.length - 1; k++) {
      const ch = box.text[k];
      if (
        (ch === '-' || ch === '\u2014' || ch === '\u2013' || ch === '/') &&
        /\p{L}/u.test(box.text[k + 1] ?? '')
      ) {
        out.push([i, k + 1, false]);
      }
    }
  });
  out.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  return out;
}

function rawOffset(raw: string, cleanOffset: number): number {
  let seen = 0;
  for (let i = 0; i < raw.length; i++) {
    if (seen === cleanOffset) return i;
    if (raw[i] !== '\u00ad') seen++;
  }
  return raw.length;
}

/**
 * Break a block into lines. `measure` is the text width for the block (margins already taken off);
 * `reserve` is kept free at the right of every line (contents page numbers).
 */
export function breakLines(ctx: BreakContext, block: FlowBlock, measure: number, reserve = 0): Line[] {
  const lines: Line[] = [];
  let cur: (Box | Glue)[] = [];
  let width = 0;
  let glueWidth = 0;
  let glues = 0;
  const indentOf = (): number => (lines.length === 0 ? block.indent : 0);
  const maxOf = (): number => measure - indentOf() - reserve;

  const finish = (last: boolean): void => {
    if (cur.length === 0) return;
    lines.push({ items: cur, width, glueWidth, glues, measure: maxOf(), indent: indentOf(), last });
    cur = [];
    width = 0;
    glueWidth = 0;
    glues = 0;
  };
  const append = (boxes: readonly Box[], glue: Glue | null): void => {
    if (cur.length > 0 && glue) {
      cur.push(glue);
      width += glue.width;
      glueWidth += glue.width;
      glues++;
    }
    for (const b of boxes) {
      cur.push(b);
      width += b.width;
    }
  };
  const fits = (extra: number, extraGlue: number): boolean =>
    width + extra <= maxOf() + (glueWidth + extraGlue) * SHRINK + 0.01;

  for (const w of words(block)) {
    if (w.breakBefore) finish(true);
    let boxes = w.boxes;
    let glue = w.glue;
    for (;;) {
      const gw = cur.length > 0 && glue ? glue.width : 0;
      const ww = sum(boxes);
      if (cur.length === 0 ? ww <= maxOf() : fits(gw + ww, gw)) {
        append(boxes, glue);
        break;
      }
      // Try to hyphenate the word so its head ends this line.
      let split: [Box[], Box[]] | null = null;
      for (const [bi, at, hyphen] of candidates(ctx, boxes)) {
        const box = boxes[bi];
        if (!box) continue;
        const [head, tail] = splitBox(ctx.faces, box, at, hyphen);
        const headBoxes = [...boxes.slice(0, bi), head];
        if (fits(gw + sum(headBoxes), gw) || (cur.length === 0 && sum(headBoxes) <= maxOf())) {
          split = [headBoxes, [tail, ...boxes.slice(bi + 1)]];
          break;
        }
      }
      if (split) {
        append(split[0], glue);
        finish(false);
        boxes = split[1];
        glue = null;
        continue;
      }
      if (cur.length > 0) {
        finish(false);
        glue = null;
        continue;
      }
      // A word wider than the whole line: cut it where it must be cut.
      const [head, tail] = forceSplit(ctx.faces, boxes, maxOf());
      append(head, null);
      finish(false);
      if (tail.length === 0) break;
      boxes = tail;
    }
  }
  finish(true);
  return lines;
}

function forceSplit(faces: FaceSet, boxes: readonly Box[], max: number): [Box[], Box[]] {
  let used = 0;
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i] as Box;
    if (used + box.width <= max) {
      used += box.width;
      continue;
    }
    const chars = [...box.text];
    let n = 0;
    let text = '';
    while (n < chars.length - 1 && used + faces.measure(text + (chars[n] ?? ''), box.style) <= max) {
      text += chars[n];
      n++;
    }
    if (n === 0 && i === 0) n = 1;
    if (n === 0) return [boxes.slice(0, i), boxes.slice(i)];
    const at = chars.slice(0, n).join('').length;
    const [head, tail] = splitBox(faces, box, at, false);
    return [
      [...boxes.slice(0, i), head],
      [tail, ...boxes.slice(i + 1)],
    ];
  }
  return [boxes.slice(), []];
}

/** What a line says, for screen readers and text extraction: spaces restored, added hyphens soft. */
export function lineText(line: Line): string {
  let s = '';
  for (const it of line.items) {
    if (it.kind === 'glue') s += ' ';
    else s += it.softHyphen ? `${it.text.slice(0, -1)}\u00ad` : it.text.replace(/\u00ad/g, '');
  }
  return s;
}
