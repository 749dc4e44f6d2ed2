import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { diagnostic } from '../diagnostics.js';
import type { StoryOutcome, StoryTask } from './story-build.js';

/**
 * The worker module: `worker.js` beside this module once compiled; when ficbind runs from its
 * TypeScript sources (tests, `node --import tsx`), `worker.ts` loaded through tsx.
 */
function workerModule(): { filename: string; execArgv?: string[] } {
  const compiled = new URL('./worker.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(compiled))) return { filename: compiled.href };
  // tsx is found from ficbind's own folder, not the working directory (a build may run anywhere).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename: new URL('./worker.ts', import.meta.url).href, execArgv: ['--import', tsx] };
}

/** A worker that died (out of memory, a native crash) fails its story, not the whole build. */
function crashed(task: StoryTask, err: unknown): StoryOutcome {
  const error = diagnostic(
    'error',
    'worker-crashed',
    `the worker building this story stopped: ${err instanceof Error ? err.message : String(err)}`,
    task.source,
    null,
    'this is a bug in ficbind, or the story is too big for the memory available; please report it',
  );
  return {
    source: task.source,
    slug: null,
    title: null,
    hash: null,
    skipped: false,
    files: [],
    words: 0,
    chapters: 0,
    notes: 0,
    warnings: [],
    errors: [error],
    ms: 0,
  };
}

export interface PoolEvents {
  /** A story was handed to a worker. */
  readonly onStart?: (source: string) => void;
  /** A story's outcome is back (in the order they finish). Awaited before its worker gets the next story. */
  readonly onDone?: (outcome: StoryOutcome) => void | Promise<void>;
}

/** One story after another on this thread, each awaited through `onDone` before the next starts. */
async function runInThisThread(tasks: readonly StoryTask[], events: PoolEvents): Promise<void> {
  const { buildStory } = await import('./story-build.js');
  for (const task of tasks) {
    events.onStart?.(task.source);
    await events.onDone?.(await buildStory(task));
  }
}

/**
 * Builds the stories, at most `jobs` at once, and hands each outcome to `onDone`; outcomes are not kept,
 * so a finished story's books leave memory once they are written. `onStart` names exactly the stories
 * being built.
 *
 * With more than one job, each runs on a worker thread of a piscina pool. With one, the stories are built
 * on this thread: a worker would load a second copy of every module and keep a second JavaScript heap,
 * which cost a one-story build about 50 MiB and 0.4 s of CPU. (`buildStory` never throws; a story that
 * fails comes back with its errors either way.)
 */
export async function runStoryPool(
  tasks: readonly StoryTask[],
  jobs: number,
  events: PoolEvents = {},
): Promise<void> {
  const threads = Math.max(1, Math.min(jobs, tasks.length));
  if (threads === 1) return runInThisThread(tasks, events);
  const pool = new Piscina<StoryTask, StoryOutcome>({
    ...workerModule(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
  });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index] as StoryTask;
      events.onStart?.(task.source);
      const outcome = await pool.run(task).catch((err: unknown) => crashed(task, err));
      await events.onDone?.(outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: threads }, lane));
  } finally {
    await pool.destroy();
  }
}
