import fs from 'node:fs/promises';
import path from 'node:path';
import type { Format } from '../config.js';
import type { Diagnostic } from '../model.js';
import type { Shard } from './options.js';
import { outputPath } from './paths.js';
import type { CacheEntry } from './quick-check.js';
import { writeFileAtomic } from './write.js';

export interface OutputReport {
  readonly format: Format;
  /** Where the book is, as the build was told (`out/my-story.epub`). */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface StoryReport {
  /** The story's `.txt` file or folder. */
  readonly source: string;
  readonly slug: string | null;
  readonly title: string | null;
  /** The story's books were made (or were already up to date). */
  readonly ok: boolean;
  /** Nothing had changed since the last build, so its books were left as they were. */
  readonly skipped: boolean;
  /** Content hash of everything that decides the books' bytes; null when the story failed. */
  readonly hash: string | null;
  readonly outputs: readonly OutputReport[];
  readonly words: number;
  readonly chapters: number;
  readonly notes: number;
  /** Warnings from parsing and writing, each once. */
  readonly warnings: readonly Diagnostic[];
  /** Why the story made no book (empty when it was built). */
  readonly errors: readonly Diagnostic[];
  /** Time taken, in milliseconds. */
  readonly ms: number;
}

/** What a build did: written as `manifest.json` in the output folder and printed by `--json`. */
export interface BuildReport {
  readonly ficbind: string;
  /** Every story was built, and the build had no problems of its own. */
  readonly ok: boolean;
  readonly options: {
    readonly formats: readonly Format[];
    readonly pageSize: string;
    readonly cover: boolean;
    readonly typography: boolean;
    readonly strict: boolean;
    readonly shard: Shard | null;
  };
  /** One entry per story, sorted by source path. */
  readonly stories: readonly StoryReport[];
  /** Problems with the build as a whole (a path that does not exist, two stories writing one file). */
  readonly problems: readonly Diagnostic[];
  /**
   * What the next build needs to confirm, without a worker, that a story is unchanged: its inputs'
   * fingerprint and its books' size and modification time, by source path.
   */
  readonly cache: Readonly<Record<string, CacheEntry>>;
}

export const MANIFEST_NAME = 'manifest.json';

export function manifestPath(outDir: string): string {
  return path.join(outDir, MANIFEST_NAME);
}

/** What the last build into an output folder recorded: its stories by source path, and its fast-path cache. */
export interface PreviousBuild {
  readonly stories: Map<string, StoryReport>;
  readonly cache: Map<string, CacheEntry>;
}

/** Reads the last build's `manifest.json` once; empty when there is none (first build) or it is unreadable. */
export async function readPreviousBuild(outDir: string): Promise<PreviousBuild> {
  const stories = new Map<string, StoryReport>();
  try {
    const data = JSON.parse(await fs.readFile(manifestPath(outDir), 'utf8')) as Partial<BuildReport>;
    for (const s of data.stories ?? []) if (s && typeof s.source === 'string') stories.set(s.source, s);
    return { stories, cache: new Map(Object.entries(data.cache ?? {})) };
  } catch {
    return { stories, cache: new Map() };
  }
}

/** A story the last build made, reported again as skipped, its books' paths in this build's terms. */
export function reusedReport(last: StoryReport, slug: string, outDir: string, ms: number): StoryReport {
  return {
    ...last,
    skipped: true,
    outputs: last.outputs.map((o) => ({ ...o, path: outputPath(outDir, slug, o.format) })),
    ms,
  };
}

export async function writeManifest(outDir: string, report: BuildReport): Promise<void> {
  await writeFileAtomic(manifestPath(outDir), Buffer.from(`${JSON.stringify(report, null, 2)}\n`));
}
