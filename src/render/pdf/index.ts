/**
 * The PDF edition: the templates' pages laid out with our own line breaker and paginator and
 * drawn with pdfkit. Same input and build date, same bytes.
 */
import { PAGE_SIZES, type RenderOptions } from '../../config.js';
import { diagnostic } from '../../diagnostics.js';
import type { Diagnostic, Story } from '../../model.js';
import { renderPages } from '../pages.js';
import type { CoverImage, Page, WriterPieces, WriterResult } from '../types.js';
import { Canvas } from './canvas.js';
import { FaceSet } from './faces.js';
import { Flow, type FlowInput } from './flow.js';
import { hyphenatorFor } from './hyphenate.js';
import { loadTheme } from './theme.js';

function describeMissing(cps: ReadonlySet<number>): string {
  const list = [...cps].sort((a, b) => a - b);
  const shown = list
    .slice(0, 12)
    .map((cp) => `"${String.fromCodePoint(cp)}" (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`);
  return list.length > 12 ? `${shown.join(', ')} and ${list.length - 12} more` : shown.join(', ');
}

export async function writePdf(
  story: Story,
  options: RenderOptions,
  cover: CoverImage | null,
  rendered: readonly Page[] = renderPages(story, options, cover !== null),
): Promise<WriterResult> {
  const { pieces, diagnostics } = await writePdfPieces(story, options, cover, rendered);
  return { bytes: Buffer.concat(pieces), diagnostics };
}

/** `writePdf`, with the file left in the pieces it was made in (what the build writes). */
export async function writePdfPieces(
  story: Story,
  options: RenderOptions,
  cover: CoverImage | null,
  rendered: readonly Page[] = renderPages(story, options, cover !== null),
): Promise<WriterPieces> {
  const theme = loadTheme(options.templatesDir);
  const faces = new FaceSet(theme.fallbackFont);
  const hyphenator = hyphenatorFor(story.meta.language, theme.hyphenation.minWordLength);
  const missing = new Set<number>();
  const input: FlowInput = {
    theme,
    faces,
    hyphenator,
    pageSize: options.pageSize,
    bookTitle: story.meta.title,
    pages: rendered,
    cover,
    missing,
  };

  // The body (from the first chapter on) is laid out and drawn once, first: its page numbers do not
  // depend on the front matter. The front matter, whose contents print those numbers, is measured
  // (it is short) and drawn after it; the canvas puts its pages first in the book.
  const split = rendered.findIndex((p) => p.kind === 'chapter' || p.kind === 'notes');
  const body = split < 0 ? [] : rendered.slice(split);
  const front = split < 0 ? rendered : rendered.slice(0, split);
  const coverTitle = (cover && front.find((p) => p.kind === 'cover')?.title) || null;

  const m = story.meta;
  const keywords = [m.pairing, m.fandom, ...m.tags].filter((k): k is string => !!k && k.trim().length > 0);
  const canvas = new Canvas(faces, {
    title: m.title,
    author: m.author,
    subject: m.summary,
    keywords: keywords.length > 0 ? keywords.join(', ') : null,
    language: m.language,
    date: options.buildDate,
    width: PAGE_SIZES[options.pageSize].width,
    height: PAGE_SIZES[options.pageSize].height,
  });
  canvas.reserveFrontSections(front.map((p) => p.title));
  const bodyPages = body.length;
  const drawnBody = new Flow({ ...input, pages: body }, canvas, new Map(), 3).run();
  canvas.beginFront();
  const frontInput: FlowInput = { ...input, pages: front };
  let digits = 3;
  let measured = new Flow(frontInput, null, drawnBody.folios, digits).run();
  const needed = Math.max(3, String(measured.pageCount + drawnBody.pageCount).length);
  if (needed !== digits) {
    digits = needed;
    measured = new Flow(frontInput, null, drawnBody.folios, digits).run();
  }
  const drawnFront = new Flow(frontInput, canvas, drawnBody.folios, digits).run();
  canvas.pageLabels(bodyPages > 0 ? drawnFront.pageCount : null, coverTitle);
  const pieces = await canvas.finish();
  const destinations = new Set([...drawnFront.destinations, ...drawnBody.destinations]);
  const links = new Set([...drawnFront.links, ...drawnBody.links]);

  const diagnostics: Diagnostic[] = [];
  if (missing.size > 0) {
    diagnostics.push(
      diagnostic(
        'warning',
        'pdf-missing-glyph',
        `the book font has no glyph for ${describeMissing(missing)}; ${
          faces.hasFallback() ? 'they were set in the theme\u2019s fallback font' : 'they show as empty boxes'
        }`,
        story.source.path,
        null,
        faces.hasFallback()
          ? 'check the PDF where these characters appear'
          : 'set "fallbackFont" in pdf-theme.json to a TTF that has them',
      ),
    );
  }
  const broken = [...links].filter((l) => !destinations.has(l)).sort();
  if (broken.length > 0) {
    diagnostics.push(
      diagnostic(
        'warning',
        'pdf-broken-link',
        `links point at places the book does not have: ${broken.join(', ')}`,
        story.source.path,
        null,
        'check the href of links in the templates',
      ),
    );
  }
  return { pieces, diagnostics };
}
