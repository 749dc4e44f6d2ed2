import fs from 'node:fs/promises';
import path from 'node:path';
import { diagnostic } from '../diagnostics.js';
import type { Diagnostic } from '../model.js';
import { slugFromPath } from '../parse/index.js';
import { forgetTemplates } from '../render/template-folders.js';
import { discoverStories } from './discover.js';
import { hashFolder } from './fingerprint.js';
import {
  type BuildReport,
  readPreviousBuild,
  reusedReport,
  type StoryReport,
  writeManifest,
} from './manifest.js';
import { type BuildOptions, type ResolvedBuildOptions, resolveBuildOptions } from './options.js';
import { type PoolPlan, runStoryPool } from './pool.js';
import {
  type BuildCache,
  cacheRecord,
  type FolderIndex,
  inputsFingerprint,
  newEntry,
  stampOutputs,
  upToDate,
} from './quick-check.js';
import { selectShard } from './shard.js';
import type { BookSettings, StoryOutcome, StoryTask } from './story-build.js';
import { FICBIND_VERSION } from './version.js';
import { removeStaleTempFiles, writeFileAtomic } from './write.js';

export interface BuildEvents {
  /** The stories this build will make, before any is started. */
  readonly onPlan?: (sources: readonly string[]) => void;
  /** A story was handed to a worker. */
  readonly onStart?: (source: string) => void;
  /** A story is finished and its books are written (stories finish in any order). */
  readonly onStory?: (report: StoryReport, done: number, total: number) => void;
}

/**
 * Two stories whose books would land on the same path (`a.txt` and folder `a/`, or `A.txt` and `a.txt`
 * on a case-insensitive disk) are refused before anything is written.
 */
function outputClashes(sources: readonly string[]): Diagnostic[] {
  const bySlug = new Map<string, string[]>();
  for (const s of sources) {
    const slug = slugFromPath(s).toLowerCase();
    bySlug.set(slug, [...(bySlug.get(slug) ?? []), s]);
  }
  return [...bySlug.values()]
    .filter((list) => list.length > 1)
    .map((list) =>
      diagnostic(
        'error',
        'output-clash',
        `${list.join(' and ')} would write the same books (${slugFromPath(list[0] as string)}.*)`,
        list[0] as string,
        null,
        'rename one of them, or build them into different --out folders',
      ),
    );
}

function storyReport(outcome: StoryOutcome, previous: StoryReport | undefined, outDir: string): StoryReport {
  if (outcome.skipped && previous && outcome.slug)
    return reusedReport(previous, outcome.slug, outDir, outcome.ms);
  const { files, ...rest } = outcome;
  return {
    ...rest,
    ok: outcome.errors.length === 0,
    skipped: false,
    outputs: files.map((f) => ({
      format: f.format,
      path: f.path,
      bytes: f.pieces.reduce((n, piece) => n + piece.length, 0),
      sha256: f.sha256,
    })),
  };
}

/** Bytes of a story's text: its file, or the files in its folder. */
async function storySize(source: string): Promise<number> {
  try {
    const stat = await fs.stat(source);
    if (!stat.isDirectory()) return stat.size;
    const names = await fs.readdir(source);
    const sizes = await Promise.all(names.map((n) => fs.stat(path.join(source, n)).then((s) => s.size)));
    return sizes.reduce((a, b) => a + b, 0);
  } catch {
    return 0;
  }
}

/**
 * A worker costs about half a second of CPU to start (its own copy of pdfkit, fontkit, sharp, the
 * templates, and a cold JIT), so workers only pay off with enough text to share: about this many bytes
 * for each worker.
 */
const BYTES_PER_WORKER = 256 * 1024;

/**
 * The order of work and where it runs. The longest stories go first, so one long story does not start
 * last and keep the others waiting; only the order of work changes, the report is still sorted by path.
 * A `--jobs` the user gave is obeyed (1: on the main thread, more: that many workers). By default (one job
 * per core) a build with too little text to share between workers runs on the main thread, two stories
 * at a time.
 */
async function plan(
  tasks: readonly StoryTask[],
  jobs: number,
  jobsGiven: boolean,
): Promise<{ tasks: StoryTask[]; pool: PoolPlan }> {
  const sizes = await Promise.all(tasks.map((t) => storySize(t.source)));
  const total = sizes.reduce((a, b) => a + b, 0);
  const ordered = tasks
    .map((task, i) => ({ task, size: sizes[i] ?? 0 }))
    .sort((a, b) => b.size - a.size || (a.task.source < b.task.source ? -1 : 1))
    .map((t) => t.task);
  const affordable = jobsGiven ? jobs : Math.floor(total / BYTES_PER_WORKER);
  const workers = Math.min(jobs, ordered.length, affordable);
  const pool: PoolPlan =
    workers > 1 ? { jobs: workers, on: 'workers' } : { jobs: Math.min(jobs, 2), on: 'main-thread' };
  return { tasks: ordered, pool };
}

function settingsOf(options: ResolvedBuildOptions): BookSettings {
  return {
    formats: options.formats,
    templatesDir: options.templatesDir,
    pageSize: options.pageSize,
    cover: options.cover,
    typography: options.typography,
    strict: options.strict,
  };
}

/**
 * Builds every story under `options.paths` into the output folder on a pool of worker threads, and
 * writes `manifest.json` there. A broken story is reported and the others are still built; each book is
 * written atomically; a story whose inputs have not changed since the last build is skipped. The report
 * lists the stories sorted by path, whatever the number of workers.
 */
export async function build(
  options: BuildOptions | ResolvedBuildOptions = {},
  events: BuildEvents = {},
): Promise<BuildReport> {
  const resolved = resolveBuildOptions(options);
  const settings = settingsOf(resolved);
  // Stories built on this thread read the templates folder as it is now, not as an earlier build saw it.
  forgetTemplates();
  const reportOf = (
    stories: StoryReport[],
    problems: Diagnostic[],
    cache: BuildCache = new Map(),
  ): BuildReport => ({
    ficbind: FICBIND_VERSION,
    ok: problems.length === 0 && stories.every((r) => r.ok),
    options: {
      formats: settings.formats,
      pageSize: settings.pageSize,
      cover: settings.cover,
      typography: settings.typography,
      strict: settings.strict,
      shard: resolved.shard,
    },
    stories,
    problems,
    cache: cacheRecord(cache),
  });

  const found = await discoverStories(resolved.paths);
  const problems = [...found.problems];
  if (found.stories.length === 0 && problems.length === 0) {
    problems.push(
      diagnostic(
        'error',
        'no-stories',
        'holds no stories',
        resolved.paths.join(', '),
        null,
        'stories are .txt files or folders of .txt chapter files',
      ),
    );
  }
  const clashes = outputClashes(found.stories);
  if (clashes.length > 0) return reportOf([], [...problems, ...clashes]);
  const sources = selectShard(found.stories, resolved.shard);
  events.onPlan?.(sources);

  await removeStaleTempFiles(resolved.outDir);
  const lastBuild = resolved.force ? null : await readPreviousBuild(resolved.outDir);
  const previous = lastBuild?.stories ?? new Map<string, StoryReport>();
  const cache = lastBuild?.cache ?? new Map();
  const context = {
    version: FICBIND_VERSION,
    templates: await hashFolder(resolved.templatesDir),
    settings: { ...settings, templatesDir: undefined },
  };
  // The fast path: stories whose inputs and books are exactly as the last build left them are
  // reported from the last manifest without a worker; the rest go to the pool.
  const nextCache: BuildCache = new Map();
  const fingerprints = new Map<string, string | null>();
  const reports = new Map<string, StoryReport>();
  const pending: string[] = [];
  // Checked all at once: each check is a few small reads, and waiting on them one by one left the
  // process idle most of the time.
  const folders: FolderIndex = new Map();
  const checks = await Promise.all(
    sources.map(async (source) => {
      const inputs = await inputsFingerprint(source, context, folders);
      const last = previous.get(source);
      const entry = cache.get(source);
      const fresh =
        last?.ok === true && last.slug !== null && entry !== undefined && (await upToDate(entry, inputs));
      return { source, inputs, last, entry, fresh };
    }),
  );
  for (const { source, inputs, last, entry, fresh } of checks) {
    fingerprints.set(source, inputs);
    if (fresh && last?.slug && entry) {
      const report = reusedReport(last, last.slug, resolved.outDir, 0);
      reports.set(source, report);
      nextCache.set(source, entry);
      events.onStory?.(report, reports.size, sources.length);
    } else pending.push(source);
  }

  const tasks: StoryTask[] = pending.map((source) => {
    const last = previous.get(source);
    return {
      source,
      outDir: resolved.outDir,
      settings,
      inputs: fingerprints.get(source) ?? null,
      previous:
        last?.ok && last.hash
          ? { hash: last.hash, outputs: last.outputs.map((o) => ({ format: o.format, sha256: o.sha256 })) }
          : null,
    };
  });

  if (tasks.length > 0) {
    const work = await plan(tasks, resolved.jobs, resolved.jobsGiven);
    await runStoryPool(work.tasks, work.pool, {
      onStart: events.onStart,
      onDone: async (outcome) => {
        for (const file of outcome.files) await writeFileAtomic(file.path, file.pieces);
        const report = storyReport(outcome, previous.get(outcome.source), resolved.outDir);
        const inputs = fingerprints.get(report.source);
        const stamps = report.ok ? await stampOutputs(report.outputs.map((o) => o.path)) : null;
        if (inputs && stamps) nextCache.set(report.source, newEntry(inputs, stamps));
        // Counted and told in one step: with two stories finishing at once, an await between the two
        // let both say the same count.
        reports.set(report.source, report);
        events.onStory?.(report, reports.size, sources.length);
      },
    });
  }

  const stories = sources.map((s) => reports.get(s)).filter((r): r is StoryReport => r !== undefined);
  const report = reportOf(stories, problems, nextCache);
  // Written even when the slice or the paths hold no story, so CI always finds a report to upload.
  await writeManifest(resolved.outDir, report);
  return report;
}
