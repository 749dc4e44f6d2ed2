import { createHash } from 'node:crypto';
import { diagnostic, FicbindError } from '../../diagnostics.js';
import type { Diagnostic, Story } from '../../model.js';

/** The three colours a cover is drawn with, as lower-case `#rrggbb`. */
export interface CoverColors {
  readonly background: string;
  readonly foreground: string;
  readonly accent: string;
}

export const COVER_COLOR_KEYS = ['background', 'foreground', 'accent'] as const;
export type CoverColorKey = (typeof COVER_COLOR_KEYS)[number];

type Rgb = readonly [number, number, number];

/** Parse a CSS hex colour (`#abc` or `#aabbcc`, any case); null when it is not one. */
export function parseHexColor(value: string): Rgb | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!m?.[1]) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b]
    .map((c) =>
      Math.round(Math.min(255, Math.max(0, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** HSL (hue in degrees, saturation and lightness 0..1) to sRGB 0..255. */
function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [f(0) * 255, f(8) * 255, f(4) * 255];
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two colours (1 … 21). */
export function contrastRatio(a: string, b: string): number {
  const ca = parseHexColor(a);
  const cb = parseHexColor(b);
  if (!ca || !cb) throw new Error(`not a hex colour: ${ca ? b : a}`);
  const la = luminance(ca);
  const lb = luminance(cb);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Mix two colours: `t` = 0 gives `a`, 1 gives `b`. */
export function mixColors(a: string, b: string, t: number): string {
  const ca = parseHexColor(a);
  const cb = parseHexColor(b);
  if (!ca || !cb) throw new Error(`not a hex colour: ${ca ? b : a}`);
  return toHex([0, 1, 2].map((i) => (ca[i] ?? 0) * (1 - t) + (cb[i] ?? 0) * t) as unknown as Rgb);
}

/** Move a colour's lightness away from the background until it reaches the contrast wanted. */
function withContrast(
  h: number,
  s: number,
  l: number,
  background: string,
  wanted: number,
  darker: boolean,
): string {
  let light = l;
  for (let i = 0; i < 100; i++) {
    const c = toHex(hsl(h, s, light));
    if (contrastRatio(c, background) >= wanted) return c;
    light = darker ? Math.max(0, light - 0.01) : Math.min(1, light + 0.01);
  }
  return darker ? '#000000' : '#ffffff';
}

/**
 * A colour scheme that belongs to the story: the hue and the kind of scheme (deep, rich or light)
 * come from a hash of title and author, so two stories look different and one story always looks
 * the same. Text has at least 7:1 contrast with the background, ornaments at least 3:1.
 */
export function colorsFor(title: string, author: string | null): CoverColors {
  const digest = createHash('sha256')
    .update(`${title}\u0000${author ?? ''}`)
    .digest();
  const kind = (digest[2] ?? 0) % 3;
  const spin = (digest[0] ?? 0) * 256 + (digest[1] ?? 0);
  // Dark yellows and yellow-greens turn to mud: dark schemes skip hues 35–100.
  const hue = kind === 2 ? spin % 360 : ((spin % 295) + (spin % 295 >= 35 ? 65 : 0)) % 360;
  const accentHue = (hue + 35) % 360;
  switch (kind) {
    case 0: {
      // White has 8.5:1 on the background, so a tinted near-white text colour still reaches 7:1.
      const background = withContrast(hue, 0.42, 0.15, '#ffffff', 8.5, true);
      return {
        background,
        foreground: withContrast(hue, 0.35, 0.93, background, 7, false),
        accent: withContrast(accentHue, 0.6, 0.66, background, 3, false),
      };
    }
    case 1: {
      const background = withContrast(hue, 0.5, 0.27, '#ffffff', 8.5, true);
      return {
        background,
        foreground: withContrast(hue, 0.45, 0.95, background, 7, false),
        accent: withContrast(accentHue, 0.7, 0.72, background, 3, false),
      };
    }
    default: {
      const background = toHex(hsl(hue, 0.32, 0.9));
      return {
        background,
        foreground: withContrast(hue, 0.5, 0.16, background, 7, true),
        accent: withContrast(accentHue, 0.55, 0.4, background, 3, true),
      };
    }
  }
}

/**
 * The story's colours: the derived scheme with any `meta.coverColors` laid over it.
 * A value that is not a hex colour is an error; an unknown key or text that is hard to read is a warning.
 */
export function resolveCoverColors(story: Story): { colors: CoverColors; diagnostics: Diagnostic[] } {
  const file = story.source.sidecar ?? story.source.path;
  const diagnostics: Diagnostic[] = [];
  const colors: Record<CoverColorKey, string> = { ...colorsFor(story.meta.title, story.meta.author) };
  for (const [key, value] of Object.entries(story.meta.coverColors).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!(COVER_COLOR_KEYS as readonly string[]).includes(key)) {
      diagnostics.push(
        diagnostic(
          'warning',
          'cover-color-unknown',
          `unknown cover colour "${key}" ignored`,
          file,
          null,
          `cover colours are ${COVER_COLOR_KEYS.join(', ')}`,
        ),
      );
      continue;
    }
    const rgb = typeof value === 'string' ? parseHexColor(value) : null;
    if (!rgb) {
      throw new FicbindError(
        diagnostic(
          'error',
          'cover-color-invalid',
          `cover colour ${key} is ${JSON.stringify(value)}, which is not a CSS hex colour`,
          file,
          null,
          'write it as #rgb or #rrggbb, for example #1d3557',
        ),
      );
    }
    colors[key as CoverColorKey] = toHex(rgb);
  }
  const ratio = contrastRatio(colors.foreground, colors.background);
  if (ratio < 4.5) {
    diagnostics.push(
      diagnostic(
        'warning',
        'cover-low-contrast',
        `cover text (${colors.foreground}) on ${colors.background} has contrast ${ratio.toFixed(2)}:1 and is hard to read`,
        file,
        null,
        'choose colours with a contrast of at least 4.5:1 (7:1 is better)',
      ),
    );
  }
  return { colors, diagnostics };
}
