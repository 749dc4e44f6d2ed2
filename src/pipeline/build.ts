import { createHash } from 'node:crypto';
import path from 'node:path';
import { type Format, type PageSizeName, type RenderOptions, resolveBuildDate } from '../config.js';
import { diagnostic, FicbindError } from '../diagnostics.js';
import { type Diagnostic, type Story, storyWords } from '../model.js';
import { parseStory, slugFromPath } from '../parse/index.js';
import { makeCover } from '../render/cover.js';
import { writeEpub } from '../render/epub.js';
import { writePdf } from '../render/pdf/index.js';
import type { CoverImage, WriterResult } from '../render/types.js';
import { discoverStories } from './discover.js';
import { writeFileAtomic } from './write.js';

export interface BuildOptions {
  /** `.txt` stories, story folders, or folders of stories. */
  readonly paths: readonly string[];
  readonly outDir: string;
  readonly formats: readonly Format[];
  readonly templatesDir: string;
  readonly pageSize: PageSizeName;
  readonly cover: boolean;
  readonly typography: boolean;
  /** Warnings fail the story. */
  readonly strict: boolean;
}

export interface OutputReport {
  readonly format: Format;
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface StoryReport {
  readonly source: string;
  readonly slug: string | null;
  readonly title: string | null;
  readonly ok: boolean;
  readonly outputs: readonly OutputReport[];
  readonly words: number;
  readonly chapters: number;
  readonly notes: number;
  /** Warnings from parsing and writing, each shown once. */
  readonly warnings: readonly Diagnostic[];
  /** Why the story made no book. */
  readonly error: Diagnostic | null;
  readonly ms: number;
}

export interface BuildReport {
  readonly ok: boolean;
  readonly stories: readonly StoryReport[];
  /** Problems with the build as a whole (a path that does not exist, two stories writing one file). */
  readonly problems: readonly Diagnostic[];
}

const WRITERS: Readonly<
  Record<Format, (s: Story, o: RenderOptions, c: CoverImage | null) => Promise<WriterResult>>
> = {
  epub: writeEpub,
  pdf: writePdf,
};

/** Makes the books of one parsed story, in memory; nothing is written. */
export async function renderStory(
  story: Story,
  options: Omit<BuildOptions, 'paths' | 'outDir' | 'strict'>,
): Promise<{ files: { format: Format; bytes: Buffer }[]; diagnostics: Diagnostic[] }> {
  const render: RenderOptions = {
    templatesDir: options.templatesDir,
    pageSize: options.pageSize,
    cover: options.cover,
    typography: options.typography,
    buildDate: resolveBuildDate(story),
  };
  const diagnostics: Diagnostic[] = [];
  const cover = options.cover ? await makeCover(story, render) : null;
  if (cover) diagnostics.push(...cover.diagnostics);
  const files: { format: Format; bytes: Buffer }[] = [];
  for (const format of options.formats) {
    const result = await WRITERS[format](story, render, cover);
    diagnostics.push(...result.diagnostics);
    files.push({ format, bytes: result.bytes });
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

async function buildOne(source: string, options: BuildOptions): Promise<StoryReport> {
  const started = performance.now();
  const failed = (error: Diagnostic, warnings: Diagnostic[] = [], story?: Story): StoryReport => ({
    source,
    slug: story?.slug ?? null,
    title: story?.meta.title ?? null,
    ok: false,
    outputs: [],
    words: story ? storyWords(story) : 0,
    chapters: story?.chapters.length ?? 0,
    notes: story?.notes.length ?? 0,
    warnings: uniqueDiagnostics(warnings),
    error,
    ms: Math.round(performance.now() - started),
  });
  const parsed = await parseStory(source);
  if (!parsed.ok)
    return failed(
      parsed.error,
      parsed.diagnostics.filter((d) => d !== parsed.error),
    );
  const story = parsed.story;
  let rendered: Awaited<ReturnType<typeof renderStory>>;
  try {
    rendered = await renderStory(story, options);
  } catch (err) {
    const error =
      err instanceof FicbindError
        ? err.diagnostic
        : diagnostic(
            'error',
            'internal-error',
            `could not be made into a book: ${err instanceof Error ? err.message : String(err)}`,
            story.source.path,
            null,
            'this is a bug in ficbind; please report it with the story',
          );
    return failed(error, [...story.diagnostics], story);
  }
  const warnings = uniqueDiagnostics(
    [...story.diagnostics, ...rendered.diagnostics].filter((d) => d.severity !== 'info'),
  );
  if (options.strict && warnings.length > 0) {
    const first = warnings[0] as Diagnostic;
    return failed(
      diagnostic(
        'error',
        'strict',
        `has ${warnings.length} warning${warnings.length === 1 ? '' : 's'} and --strict is on (first: ${first.message})`,
        first.file,
        first.line,
        'fix the warnings, or build without --strict',
      ),
      warnings,
      story,
    );
  }
  const outputs: OutputReport[] = [];
  for (const file of rendered.files) {
    const target = path.join(options.outDir, `${story.slug}.${file.format}`);
    await writeFileAtomic(target, file.bytes);
    outputs.push({
      format: file.format,
      path: target,
      bytes: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
    });
  }
  return {
    source,
    slug: story.slug,
    title: story.meta.title,
    ok: true,
    outputs,
    words: storyWords(story),
    chapters: story.chapters.length,
    notes: story.notes.length,
    warnings,
    error: null,
    ms: Math.round(performance.now() - started),
  };
}

/** Two stories whose books would land on the same path (`a.txt` and folder `a/`) are refused up front. */
function slugClashes(sources: readonly string[]): Diagnostic[] {
  const bySlug = new Map<string, string[]>();
  for (const s of sources) {
    const slug = slugFromPath(s);
    bySlug.set(slug, [...(bySlug.get(slug) ?? []), s]);
  }
  return [...bySlug.entries()]
    .filter(([, list]) => list.length > 1)
    .map(([slug, list]) =>
      diagnostic(
        'error',
        'output-clash',
        `${list.join(' and ')} would both write ${slug}.*`,
        list[0] as string,
        null,
        'rename one of them, or build them into different --out folders',
      ),
    );
}

/**
 * Builds every story under `options.paths` into `options.outDir`. A broken story is reported and the
 * others are still built; each book is written atomically.
 */
export async function build(
  options: BuildOptions,
  onStory?: (report: StoryReport, done: number, total: number) => void,
): Promise<BuildReport> {
  const { stories, problems } = await discoverStories(options.paths);
  if (stories.length === 0 && problems.length === 0) {
    problems.push(
      diagnostic(
        'error',
        'no-stories',
        'holds no stories',
        options.paths.join(', '),
        null,
        'stories are .txt files or folders of .txt chapter files',
      ),
    );
  }
  const clashes = slugClashes(stories);
  if (clashes.length > 0) return { ok: false, stories: [], problems: [...problems, ...clashes] };
  const reports: StoryReport[] = [];
  for (const source of stories) {
    const report = await buildOne(source, options);
    reports.push(report);
    onStory?.(report, reports.length, stories.length);
  }
  return { ok: problems.length === 0 && reports.every((r) => r.ok), stories: reports, problems };
}
