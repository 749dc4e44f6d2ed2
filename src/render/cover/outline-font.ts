import type { Font, GlyphRun } from 'fontkit';
import { assertNever } from '../../model.js';
import { BOOK_FONT, type FontStyle, openFont } from '../fonts.js';
import { ThreadCache } from '../thread-cache.js';

/**
 * Text drawn as vector outlines from our bundled font, so a cover looks the same on every machine:
 * SVG `<text>` in sharp/librsvg silently uses whatever fonts the host has.
 */
function font(style: FontStyle): Font {
  return openFont(BOOK_FONT[style]);
}

/** How a run of text is set: face, size in pixels, extra space between letters, OpenType features. */
export interface TextStyle {
  readonly font: FontStyle;
  readonly size: number;
  /** Letter-spacing as a fraction of the size (0.12 = 12% of an em after each letter). */
  readonly tracking?: number;
  /** OpenType features, e.g. `['smcp', 'c2sc']` for small capitals. */
  readonly features?: readonly string[];
}

/** Cap height of a face as a fraction of the em. */
export function capHeight(style: FontStyle): number {
  const f = font(style);
  return f.capHeight / f.unitsPerEm;
}

/**
 * Shaped runs by face, features and text. Shaping does not depend on the size (a size only scales the
 * run), and fitting a block tries the same words and lines at many sizes: each is shaped once.
 * Bounded, so a long-running process does not keep every title it ever set.
 */
const shapedRuns = new ThreadCache<GlyphRun>(2000);

function shape(text: string, style: TextStyle): GlyphRun {
  const features = style.features ?? [];
  const key = `${style.font}\u0000${features.join(',')}\u0000${text}`;
  let run = shapedRuns.get(key);
  if (!run) {
    run = font(style.font).layout(text, features);
    shapedRuns.set(key, run);
  }
  return run;
}

function layout(text: string, style: TextStyle) {
  const f = font(style.font);
  const run = shape(text, style);
  const scale = style.size / f.unitsPerEm;
  const extra = (style.tracking ?? 0) * style.size;
  return { run, scale, extra };
}

/** Width in pixels of `text` set on one line (kerning, ligatures and tracking included). */
export function measureText(text: string, style: TextStyle): number {
  const { run, scale, extra } = layout(text, style);
  let width = 0;
  run.positions.forEach((p, i) => {
    width += p.xAdvance * scale;
    if (i < run.positions.length - 1) width += extra;
  });
  return width;
}

/** Characters of `text` the face cannot draw (no whitespace or control characters), each once, in order. */
export function missingCharacters(text: string, style: FontStyle): string[] {
  const f = font(style);
  const missing: string[] = [];
  for (const ch of text) {
    if (/[\s\p{Cc}\p{Cf}]/u.test(ch)) continue;
    const cp = ch.codePointAt(0);
    if (cp !== undefined && !f.hasGlyphForCodePoint(cp) && !missing.includes(ch)) missing.push(ch);
  }
  return missing;
}

/** A number written short and stable: at most two decimals, no trailing zeros, no `-0`. */
function num(n: number): string {
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/**
 * SVG path data for `text` set on one line, its left end at `x` and its baseline at `baseline`
 * (SVG coordinates: y grows downwards; font outlines grow upwards and are flipped here).
 */
export function outlineText(text: string, style: TextStyle, x: number, baseline: number): string {
  const { run, scale, extra } = layout(text, style);
  const parts: string[] = [];
  let penX = x;
  run.glyphs.forEach((glyph, i) => {
    const pos = run.positions[i];
    if (!pos) return;
    const ox = penX + pos.xOffset * scale;
    const oy = baseline - pos.yOffset * scale;
    const px = (gx: number | undefined) => num(ox + (gx ?? 0) * scale);
    const py = (gy: number | undefined) => num(oy - (gy ?? 0) * scale);
    for (const c of glyph.path.commands) {
      const a = c.args;
      switch (c.command) {
        case 'moveTo':
          parts.push(`M${px(a[0])} ${py(a[1])}`);
          break;
        case 'lineTo':
          parts.push(`L${px(a[0])} ${py(a[1])}`);
          break;
        case 'quadraticCurveTo':
          parts.push(`Q${px(a[0])} ${py(a[1])} ${px(a[2])} ${py(a[3])}`);
          break;
        case 'bezierCurveTo':
          parts.push(`C${px(a[0])} ${py(a[1])} ${px(a[2])} ${py(a[3])} ${px(a[4])} ${py(a[5])}`);
          break;
        case 'closePath':
          parts.push('Z');
          break;
        default:
          assertNever(c, 'glyph path command');
      }
    }
    penX += pos.xAdvance * scale + extra;
  });
  return parts.join('');
}
