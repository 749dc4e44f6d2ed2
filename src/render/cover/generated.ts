import type { RenderOptions } from '../../config.js';
import { diagnostic } from '../../diagnostics.js';
import type { Diagnostic, Story } from '../../model.js';
import type { FontStyle } from '../fonts.js';
import { loadTemplates } from '../templates.js';
import { type CoverColors, mixColors, resolveCoverColors } from './colors.js';
import { missingCharacters } from './outline-font.js';
import { COVER_SIZE } from './raster.js';
import { type FitSpec, fitText, setBlock, type TextBlock } from './text-block.js';

/**
 * What `cover.svg.hbs` is given. Every text is already drawn as path outlines (`d`), centred on
 * (0, 0), so the template only places the blocks, colours them and adds its ornaments.
 */
export interface CoverView {
  readonly width: number;
  readonly height: number;
  readonly colors: CoverColors & {
    /** Foreground softened towards the background, for secondary lines. */
    readonly muted: string;
    /** Background lifted slightly towards the foreground, for a soft glow behind the title. */
    readonly glow: string;
    /** `GLOW_STEPS + 1` colours: `[k]` is `k / GLOW_STEPS` of the way from background to glow. */
    readonly glowSteps: readonly string[];
  };
  readonly title: TextBlock;
  /** The pairing, else the fandom, set in italics under the title. */
  readonly subtitle: TextBlock | null;
  /** A small line above the title: the series, else the fandom when the pairing took the subtitle. */
  readonly kicker: TextBlock | null;
  readonly author: TextBlock | null;
}

/** The glow behind the title is painted in this many flat rings (see templates/cover.svg.hbs). */
export const GLOW_STEPS = 32;

/** How each block is set. Sizes are in pixels of the 1600 × 2560 cover. */
export const COVER_TEXT: Record<'title' | 'subtitle' | 'kicker' | 'author', FitSpec> = {
  title: {
    font: 'bold',
    maxWidth: 1180,
    maxHeight: 980,
    maxLines: 7,
    maxSize: 270,
    minSize: 76,
    lineHeight: 1.14,
  },
  subtitle: {
    font: 'italic',
    maxWidth: 1100,
    maxHeight: 190,
    maxLines: 2,
    maxSize: 80,
    minSize: 48,
    lineHeight: 1.3,
    oneLineDownTo: 64,
  },
  kicker: {
    font: 'regular',
    tracking: 0.2,
    features: ['c2sc', 'smcp'],
    maxWidth: 1100,
    maxHeight: 120,
    maxLines: 2,
    maxSize: 52,
    minSize: 36,
    lineHeight: 1.4,
  },
  author: {
    font: 'regular',
    tracking: 0.14,
    features: ['smcp'],
    maxWidth: 1160,
    maxHeight: 200,
    maxLines: 2,
    maxSize: 84,
    minSize: 46,
    lineHeight: 1.35,
    oneLineDownTo: 60,
  },
};

function codePoints(chars: readonly string[]): string {
  return chars
    .map((c) => `"${c}" (U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`)
    .join(', ');
}

/** A title made from the story's slug: `my-first-story` → `My First Story`. */
export function titleFromSlug(slug: string): string {
  return slug
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toLocaleUpperCase('en') + w.slice(1))
    .join(' ');
}

function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/**
 * The text that can be drawn for one field: the text itself; without its missing symbols when only
 * symbols (emoji, dingbats) are missing; otherwise `fallback()` — each change with a warning.
 */
function drawableText(
  text: string,
  font: FontStyle,
  field: string,
  story: Story,
  diagnostics: Diagnostic[],
  fallback: () => { text: string; why: string } | null,
): string | null {
  const missing = missingCharacters(text, font);
  if (missing.length === 0) return text;
  const file = story.source.path;
  const hint = `the book keeps the ${field} as written; to show it on the cover in its own script, add your own cover image (${story.slug}.jpg next to the story)`;
  if (missing.every((c) => !/[\p{L}\p{N}\p{M}]/u.test(c))) {
    const stripped = [...text]
      .filter((c) => !missing.includes(c))
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
    if (hasWords(stripped)) {
      diagnostics.push(
        diagnostic(
          'warning',
          'cover-missing-glyph',
          `the cover font has no glyphs for ${codePoints(missing)} in the ${field}; the cover shows "${stripped}" without them`,
          file,
          null,
          hint,
        ),
      );
      return stripped;
    }
  }
  const alt = fallback();
  diagnostics.push(
    diagnostic(
      'warning',
      'cover-missing-glyph',
      alt
        ? `the cover font has no glyphs for ${codePoints(missing)} in the ${field}; the cover shows "${alt.text}" (${alt.why}) instead`
        : `the cover font has no glyphs for ${codePoints(missing)} in the ${field}; the cover leaves the ${field} out`,
      file,
      null,
      hint,
    ),
  );
  return alt?.text ?? null;
}

function titleFallback(story: Story): { text: string; why: string } {
  const fromSlug = titleFromSlug(story.slug);
  if (hasWords(fromSlug) && missingCharacters(fromSlug, COVER_TEXT.title.font).length === 0) {
    return { text: fromSlug, why: 'made from the file name' };
  }
  return { text: 'Untitled', why: 'the file name cannot be drawn either' };
}

function block(text: string | null, spec: FitSpec): TextBlock | null {
  if (text === null || text.trim() === '') return null;
  return setBlock(fitText(text.replace(/\s+/g, ' ').trim(), spec), spec);
}

/** One line of plain text: composed characters (NFC, so `e` + combining accent is one glyph), single spaces. */
function clean(text: string | null | undefined): string | null {
  const t = text?.normalize('NFC').replace(/\s+/g, ' ').trim();
  return t ? t : null;
}

/** The view-model of the generated cover, and the warnings found making it. */
export function buildCoverView(story: Story): { view: CoverView; diagnostics: Diagnostic[] } {
  const { colors, diagnostics } = resolveCoverColors(story);
  const meta = story.meta;

  const rawTitle = clean(meta.title) ?? titleFallback(story).text;
  const title =
    drawableText(rawTitle, COVER_TEXT.title.font, 'title', story, diagnostics, () => titleFallback(story)) ??
    'Untitled';

  const pairing = clean(meta.pairing);
  const fandom = clean(meta.fandom);
  const series = meta.series
    ? clean(meta.series.index === null ? meta.series.name : `${meta.series.name} · ${meta.series.index}`)
    : null;
  const subtitleText = pairing ?? fandom;
  const subtitleField = pairing ? 'pairing' : 'fandom';
  const kickerText = series ?? (pairing ? fandom : null);
  const kickerField = series ? 'series' : 'fandom';
  const author = clean(meta.author);

  const drawOrSkip = (text: string | null, font: FontStyle, field: string) =>
    text === null ? null : drawableText(text, font, field, story, diagnostics, () => null);

  const glow = mixColors(colors.background, colors.foreground, 0.07);
  const view: CoverView = {
    width: COVER_SIZE.width,
    height: COVER_SIZE.height,
    colors: {
      ...colors,
      muted: mixColors(colors.foreground, colors.background, 0.22),
      glow,
      glowSteps: Array.from({ length: GLOW_STEPS + 1 }, (_, k) =>
        mixColors(colors.background, glow, k / GLOW_STEPS),
      ),
    },
    title: setBlock(fitText(title, COVER_TEXT.title), COVER_TEXT.title),
    subtitle: block(drawOrSkip(subtitleText, COVER_TEXT.subtitle.font, subtitleField), COVER_TEXT.subtitle),
    kicker: block(drawOrSkip(kickerText, COVER_TEXT.kicker.font, kickerField), COVER_TEXT.kicker),
    author: block(drawOrSkip(author, COVER_TEXT.author.font, 'author'), COVER_TEXT.author),
  };
  if (view.title.truncated) {
    diagnostics.push(
      diagnostic(
        'warning',
        'cover-title-truncated',
        `the title is too long for the cover and is cut short there as "${view.title.lines.join(' ')}"`,
        story.source.path,
        null,
        'the book keeps the whole title; a shorter title fits the cover whole',
      ),
    );
  }
  return { view, diagnostics };
}

/** The generated cover as SVG text (no `<text>` elements: every letter is an outline). */
export function renderCoverSvg(story: Story, options: Pick<RenderOptions, 'templatesDir'>) {
  const { view, diagnostics } = buildCoverView(story);
  const svg = loadTemplates(options.templatesDir).render('cover.svg', view);
  return { svg, view, diagnostics };
}
