import type { FontStyle } from '../fonts.js';
import { capHeight, measureText, outlineText, type TextStyle } from './outline-font.js';

/** How a block of text (title, author, pairing line) must fit on the cover. */
export interface FitSpec {
  readonly font: FontStyle;
  readonly tracking?: number;
  readonly features?: readonly string[];
  /** Widest a line may be, in pixels. */
  readonly maxWidth: number;
  /** Tallest the block may be (cap height of the first line to the last baseline), in pixels. */
  readonly maxHeight: number;
  readonly maxLines: number;
  /** Largest and smallest font size tried, in pixels; the largest that fits wins. */
  readonly maxSize: number;
  readonly minSize: number;
  /** Distance between baselines as a multiple of the size. */
  readonly lineHeight: number;
  /** Prefer one line: shrink down to this size before wrapping (names read badly broken in two). */
  readonly oneLineDownTo?: number;
}

export interface FittedText {
  readonly lines: readonly string[];
  readonly size: number;
  /** The text did not fit even at the smallest size and was cut short with an ellipsis. */
  readonly truncated: boolean;
}

/** A block of text drawn as outlines, centred on (0, 0): each line centred, the block centred vertically. */
export interface TextBlock {
  /** SVG path data of every glyph of every line. */
  readonly d: string;
  readonly lines: readonly string[];
  readonly lineCount: number;
  readonly fontSize: number;
  /** Width of the widest line and height from the first cap top to the last baseline, in pixels. */
  readonly width: number;
  readonly height: number;
  /** Half the height: where the block ends below its centre (for placing what follows it). */
  readonly halfHeight: number;
  readonly truncated: boolean;
}

const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });

function styleOf(spec: FitSpec, size: number): TextStyle {
  return { font: spec.font, size, tracking: spec.tracking ?? 0, features: spec.features ?? [] };
}

/** Split a word wider than the line into pieces that fit (by grapheme, so accents stay on their letters). */
function breakWord(word: string, style: TextStyle, maxWidth: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const { segment } of segmenter.segment(word)) {
    if (piece && measureText(piece + segment, style) > maxWidth) {
      pieces.push(piece);
      piece = segment;
    } else {
      piece += segment;
    }
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** Greedy word wrap by measured widths. A word wider than a whole line is broken between letters. */
export function wrapWords(text: string, style: TextStyle, maxWidth: number): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (measureText(candidate, style) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    if (measureText(word, style) <= maxWidth) {
      line = word;
    } else {
      const pieces = breakWord(word, style, maxWidth);
      line = pieces.pop() ?? '';
      lines.push(...pieces);
    }
  }
  if (line) lines.push(line);
  return lines;
}

function needsBreaking(text: string, style: TextStyle, maxWidth: number): boolean {
  return text
    .trim()
    .split(/\s+/)
    .some((w) => measureText(w, style) > maxWidth);
}

/**
 * Wrap into as many lines as greedy wrapping needs, but with lines of even length: the narrowest
 * measure that still gives the same number of lines (a title reads better as two halves than as a
 * long line and a lonely word).
 */
export function balancedWrap(text: string, style: TextStyle, maxWidth: number): string[] {
  const greedy = wrapWords(text, style, maxWidth);
  if (greedy.length < 2 || needsBreaking(text, style, maxWidth)) return greedy;
  // Never narrower than the widest word, or balancing would break words between letters.
  const widestWord = Math.max(
    ...text
      .trim()
      .split(/\s+/)
      .map((w) => measureText(w, style)),
  );
  let lo = Math.max(maxWidth / greedy.length, widestWord);
  let hi = maxWidth;
  for (let i = 0; i < 14; i++) {
    const mid = (lo + hi) / 2;
    if (wrapWords(text, style, mid).length === greedy.length) hi = mid;
    else lo = mid;
  }
  return wrapWords(text, style, hi);
}

function linesAllowed(spec: FitSpec, size: number): number {
  const byHeight = Math.floor((spec.maxHeight - capHeight(spec.font) * size) / (spec.lineHeight * size)) + 1;
  return Math.max(1, Math.min(spec.maxLines, byHeight));
}

/** Cut `line` short so that it and an ellipsis fit the width. */
function withEllipsis(line: string, style: TextStyle, maxWidth: number): string {
  const graphemes = Array.from(segmenter.segment(line), (s) => s.segment);
  while (graphemes.length > 0) {
    const candidate = `${graphemes.join('').trimEnd()}…`;
    if (measureText(candidate, style) <= maxWidth) return candidate;
    graphemes.pop();
  }
  return '…';
}

/**
 * The largest size (from `maxSize` down to `minSize`) at which the text wraps into the lines
 * allowed. When nothing fits, the smallest size is used and the text is cut short with an ellipsis.
 */
export function fitText(text: string, spec: FitSpec): FittedText {
  const sizes: number[] = [];
  for (let size = spec.maxSize; size > spec.minSize; size = Math.round(size * 0.96 * 2) / 2) sizes.push(size);
  sizes.push(spec.minSize);
  if (spec.oneLineDownTo !== undefined) {
    for (const size of sizes) {
      if (size < spec.oneLineDownTo) break;
      if (measureText(text, styleOf(spec, size)) <= spec.maxWidth)
        return { lines: [text], size, truncated: false };
    }
  }
  for (const size of sizes) {
    const style = styleOf(spec, size);
    // Shrink rather than break a word between letters, until the smallest size leaves no choice.
    if (size > spec.minSize && needsBreaking(text, style, spec.maxWidth)) continue;
    // Balancing keeps the number of lines greedy wrapping gives: balance only the size that fits.
    if (wrapWords(text, style, spec.maxWidth).length > linesAllowed(spec, size)) continue;
    return { lines: balancedWrap(text, style, spec.maxWidth), size, truncated: false };
  }
  const size = spec.minSize;
  const style = styleOf(spec, size);
  const allowed = linesAllowed(spec, size);
  const lines = wrapWords(text, style, spec.maxWidth).slice(0, allowed);
  const last = lines.pop() ?? '';
  lines.push(withEllipsis(last, style, spec.maxWidth));
  return { lines, size, truncated: true };
}

/** Draw fitted lines as outlines, centred on (0, 0). */
export function setBlock(fitted: FittedText, spec: FitSpec): TextBlock {
  const style = styleOf(spec, fitted.size);
  const cap = capHeight(spec.font) * fitted.size;
  const leading = spec.lineHeight * fitted.size;
  const height = cap + (fitted.lines.length - 1) * leading;
  const top = -height / 2;
  let d = '';
  let width = 0;
  fitted.lines.forEach((line, i) => {
    const w = measureText(line, style);
    width = Math.max(width, w);
    d += outlineText(line, style, -w / 2, top + cap + i * leading);
  });
  return {
    d,
    lines: fitted.lines,
    lineCount: fitted.lines.length,
    fontSize: fitted.size,
    width: Math.round(width * 100) / 100,
    height: Math.round(height * 100) / 100,
    halfHeight: Math.round((height / 2) * 100) / 100,
    truncated: fitted.truncated,
  };
}
