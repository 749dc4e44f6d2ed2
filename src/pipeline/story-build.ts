import fs from 'node:fs/promises';
import { type Format, type PageSizeName, type RenderOptions, resolveBuildDate } from '../config.js';
import { diagnostic, FicbindError } from '../diagnostics.js';
import { type Diagnostic, type Story, storyWords } from '../model.js';
import { parseStory } from '../parse/index.js';
import { renderDiagnostics, renderPages } from '../render/pages.js';
import type { CoverImage, Page, WriterPieces } from '../render/types.js';
import { applyTypography } from '../transform/typography.js';
import { sha256 } from './fingerprint.js';
import { loadModule } from './load-module.js';
import type { StoryReport } from './manifest.js';
import { outputPath } from './paths.js';

/** The options that decide what a story's books look like. */
export interface BookSettings {
  readonly formats: readonly Format[];
  readonly templatesDir: string;
  readonly pageSize: PageSizeName;
  readonly cover: boolean;
  readonly typography: boolean;
  readonly strict: boolean;
}

/** One story to build, as sent to a worker: plain data only. */
export interface StoryTask {
  readonly source: string;
  readonly outDir: string;
  readonly settings: BookSettings;
  /**
   * The fingerprint of the story's input files and build context (`inputsFingerprint`, taken on the main
   * thread); null when the story's files could not be read.
   */
  readonly inputs: string | null;
  /** The hash and outputs recorded by the last build, when it built this story; null with --force. */
  readonly previous: {
    readonly hash: string;
    readonly outputs: readonly { format: Format; sha256: string }[];
  } | null;
}

export interface BuiltFile {
  readonly format: Format;
  readonly path: string;
  /** The book's bytes, in pieces to be written one after the other (see `WriterPieces`). */
  readonly pieces: readonly Uint8Array[];
  readonly sha256: string;
}

/**
 * What a worker sends back: the report of the story (see `StoryReport`) with the books' bytes, which the
 * main thread writes, in place of their paths and hashes. `skipped`: nothing changed since the last build.
 */
export type StoryOutcome = Omit<StoryReport, 'ok' | 'outputs'> & { readonly files: readonly BuiltFile[] };

type Writer = (
  s: Story,
  o: RenderOptions,
  c: CoverImage | null,
  pages: readonly Page[],
) => Promise<WriterPieces>;

/**
 * Writers and the cover maker are loaded when first asked for: each pulls in a large library (pdfkit and
 * fontkit, epub-gen-memory, sharp) whose loading costs time and memory a build may not need.
 */
const WRITERS: Readonly<Record<Format, () => Promise<Writer>>> = {
  epub: async () => {
    const { writeEpub } = await loadModule(
      () => import('../render/epub.js'),
      '../render/epub',
      import.meta.url,
    );
    return async (...args) => {
      const { bytes, diagnostics } = await writeEpub(...args);
      return { pieces: [bytes], diagnostics };
    };
  },
  pdf: async () =>
    (await loadModule(() => import('../render/pdf/index.js'), '../render/pdf/index', import.meta.url))
      .writePdfPieces,
};

async function coverMaker(): Promise<typeof import('../render/cover.js').makeCover> {
  return (await loadModule(() => import('../render/cover.js'), '../render/cover', import.meta.url)).makeCover;
}

/** Makes the books of one parsed story, in memory; nothing is written. */
export async function renderStory(
  story: Story,
  settings: Omit<BookSettings, 'strict'>,
): Promise<{ files: { format: Format; bytes: Buffer }[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await renderStoryPieces(story, settings);
  return { files: files.map((f) => ({ format: f.format, bytes: Buffer.concat(f.pieces) })), diagnostics };
}

/** `renderStory`, with each book left in the pieces it was made in (see `WriterPieces`). */
async function renderStoryPieces(
  story: Story,
  settings: Omit<BookSettings, 'strict'>,
): Promise<{ files: { format: Format; pieces: readonly Buffer[] }[]; diagnostics: Diagnostic[] }> {
  const render: RenderOptions = {
    templatesDir: settings.templatesDir,
    pageSize: settings.pageSize,
    buildDate: resolveBuildDate(story),
  };
  const book = settings.typography ? applyTypography(story) : story;
  // The writers' modules start loading, and the cover is set (its text laid out here) and handed to
  // libvips, which draws it on a thread of its own while this one renders the pages. The writers wait
  // for it. (`catch`: each promise is awaited below; this only keeps an early failure from counting as
  // an unhandled rejection.)
  const loading = Promise.all(settings.formats.map((format) => WRITERS[format]()));
  loading.catch(() => undefined);
  const covering = settings.cover ? (await coverMaker())(book, render) : Promise.resolve(null);
  covering.catch(() => undefined);
  // The pages are rendered once and laid out by every writer; their warnings are said once.
  const pages = renderPages(book, render, settings.cover);
  const pageDiagnostics = renderDiagnostics(book);
  const writers = await loading;
  const cover = await covering;
  const diagnostics: Diagnostic[] = [...(cover?.diagnostics ?? []), ...pageDiagnostics];
  const files: { format: Format; pieces: readonly Buffer[] }[] = [];
  for (const [i, format] of settings.formats.entries()) {
    const write = writers[i] as Writer;
    const result = await write(book, render, cover, pages);
    diagnostics.push(...result.diagnostics);
    files.push({ format, pieces: result.pieces });
  }
  return { files, diagnostics };
}

function uniqueDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}:${d.line}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True when every book the last build recorded is still on disk with the recorded bytes. */
async function previousOutputsIntact(task: StoryTask, slug: string): Promise<boolean> {
  const previous = task.previous;
  if (previous === null) return false;
  const formats = previous.outputs.map((o) => o.format);
  if (
    formats.length !== task.settings.formats.length ||
    !task.settings.formats.every((f) => formats.includes(f))
  )
    return false;
  for (const o of previous.outputs) {
    try {
      if (sha256(await fs.readFile(outputPath(task.outDir, slug, o.format))) !== o.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function internalError(err: unknown, file: string): Diagnostic {
  return err instanceof FicbindError
    ? err.diagnostic
    : diagnostic(
        'error',
        'internal-error',
        `could not be made into a book: ${err instanceof Error ? err.message : String(err)}`,
        file,
        null,
        'this is a bug in ficbind; please report it with the story',
      );
}

/**
 * Parses and renders one story, or finds that its books are up to date. Never throws: a story that
 * cannot be made into a book comes back with `errors`. Writes nothing.
 */
export async function buildStory(task: StoryTask): Promise<StoryOutcome> {
  const started = performance.now();
  const base = { source: task.source, hash: null, skipped: false, files: [] as BuiltFile[] };
  const elapsed = () => Math.round(performance.now() - started);
  const parsed = await parseStory(task.source);
  if (!parsed.ok) {
    return {
      ...base,
      slug: null,
      title: null,
      words: 0,
      chapters: 0,
      notes: 0,
      warnings: uniqueDiagnostics(
        parsed.diagnostics.filter((d) => d !== parsed.error && d.severity !== 'info'),
      ),
      errors: [parsed.error],
      ms: elapsed(),
    };
  }
  const story = parsed.story;
  const facts = {
    slug: story.slug,
    title: story.meta.title,
    words: storyWords(story),
    chapters: story.chapters.length,
    notes: story.notes.length,
  };
  const parseWarnings = story.diagnostics.filter((d) => d.severity !== 'info');
  try {
    const hash = task.inputs;
    if (hash !== null && task.previous?.hash === hash && (await previousOutputsIntact(task, story.slug))) {
      return { ...base, ...facts, hash, skipped: true, warnings: [], errors: [], ms: elapsed() };
    }
    const rendered = await renderStoryPieces(story, task.settings);
    const warnings = uniqueDiagnostics(
      [...parseWarnings, ...rendered.diagnostics].filter((d) => d.severity !== 'info'),
    );
    if (task.settings.strict && warnings.length > 0) {
      const first = warnings[0] as Diagnostic;
      const error = diagnostic(
        'error',
        'strict',
        `has ${warnings.length} warning${warnings.length === 1 ? '' : 's'} and --strict is on (first: ${first.message})`,
        first.file,
        first.line,
        'fix the warnings, or build without --strict',
      );
      return { ...base, ...facts, warnings, errors: [error], ms: elapsed() };
    }
    const files = rendered.files.map((f) => ({
      format: f.format,
      path: outputPath(task.outDir, story.slug, f.format),
      pieces: f.pieces,
      sha256: sha256(f.pieces),
    }));
    return { ...base, ...facts, hash, files, warnings, errors: [], ms: elapsed() };
  } catch (err) {
    return {
      ...base,
      ...facts,
      warnings: uniqueDiagnostics(parseWarnings),
      errors: [internalError(err, story.source.path)],
      ms: elapsed(),
    };
  }
}
