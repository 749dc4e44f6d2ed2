import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { diagnostic } from '../diagnostics.js';
import { moduleFile } from './load-module.js';
import type { StoryOutcome, StoryTask } from './story-build.js';

/** The worker module (see `moduleFile`); from the TypeScript sources, the worker loads it through tsx. */
function workerModule(): { filename: string; execArgv?: string[] } {
  // In the bundled CLI this code is in dist/cli.js, and ./worker is the bundled worker beside it.
  const file = moduleFile('./worker', import.meta.url);
  if (file.compiled) return { filename: file.url };
  // tsx is found from ficbind's own folder, not the working directory (a build may run anywhere).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename: file.url, execArgv: ['--import', tsx] };
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
  /** A story was handed to a worker: it is being built, or its books written, until `onDone` returns. */
  readonly onStart?: (source: string) => void;
  /**
   * A story's outcome is back (in the order they finish). On the main thread, awaited before the lane
   * starts its next story; on workers, before the same lane's next outcome is handed over.
   */
  readonly onDone?: (outcome: StoryOutcome) => void | Promise<void>;
}

/**
 * `lanes` stories at a time on this thread. Two stories in flight on one thread share it well: while one
 * waits for libvips to draw its cover, or for its books to reach the disk, the other's JavaScript runs.
 */
async function runInThisThread(
  tasks: readonly StoryTask[],
  lanes: number,
  events: PoolEvents,
): Promise<void> {
  const { buildStory } = await import('./story-build.js');
  const failure = new FirstFailure();
  let next = 0;
  const lane = async (): Promise<void> => {
    try {
      while (!failure.happened && next < tasks.length) {
        const task = tasks[next++] as StoryTask;
        events.onStart?.(task.source);
        const outcome = await buildStory(task);
        if (failure.happened) return;
        await events.onDone?.(outcome);
      }
    } catch (err) {
      failure.record(err);
    }
  };
  await failure.settle(Array.from({ length: Math.max(1, Math.min(lanes, tasks.length)) }, lane));
}

/**
 * The first error of a set of lanes. A lane that fails (an event handler threw: a book could not be
 * written) stops the others from starting stories or handing over outcomes, and `settle` waits for all
 * of them before it throws that error: nothing is still running, or writing, when the pool returns.
 */
class FirstFailure {
  private first: { error: unknown } | null = null;

  get happened(): boolean {
    return this.first !== null;
  }

  record(error: unknown): void {
    this.first ??= { error };
  }

  /** Waits for every lane (each catches its own error and `record`s it), then throws the first error. */
  async settle(lanes: readonly Promise<void>[]): Promise<void> {
    for (const r of await Promise.allSettled(lanes)) if (r.status === 'rejected') this.record(r.reason);
    if (this.first) throw this.first.error;
  }
}

/** Where a build's stories are made: `jobs` at a time, on worker threads or on the main thread. */
export interface PoolPlan {
  readonly jobs: number;
  readonly on: 'workers' | 'main-thread';
}

/**
 * Builds the stories, `plan.jobs` at once, and hands each outcome to `onDone`; outcomes are not kept, so
 * a finished story's books leave memory once they are written. `onStart` names exactly the stories being
 * built.
 *
 * On workers, each job is a worker thread of a piscina pool. On the main thread there is no worker: a
 * worker loads a second copy of every module and keeps a second JavaScript heap, which cost a one-story
 * build about 50 MiB and 0.4 s of CPU. (`buildStory` never throws; a story that fails comes back with its
 * errors either way.)
 */
export async function runStoryPool(
  tasks: readonly StoryTask[],
  plan: PoolPlan,
  events: PoolEvents = {},
): Promise<void> {
  if (plan.on === 'main-thread') return runInThisThread(tasks, plan.jobs, events);
  const threads = Math.max(1, Math.min(plan.jobs, tasks.length));
  const { Piscina } = await import('piscina');
  const pool = new Piscina<StoryTask, StoryOutcome>({
    ...workerModule(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
  });
  const failure = new FirstFailure();
  let next = 0;
  const lane = async (): Promise<void> => {
    // A worker builds its next story while the main thread writes the books of the one before: it would
    // otherwise wait for the disk (and its fsync) after every story. At most one story's books wait per
    // lane, and the outcomes are still handed over one at a time, in the order this lane made them.
    let handing: Promise<void> = Promise.resolve();
    try {
      while (!failure.happened && next < tasks.length) {
        const task = tasks[next++] as StoryTask;
        events.onStart?.(task.source);
        const outcome = await pool.run(task).catch((err: unknown) => crashed(task, err));
        await handing;
        if (failure.happened) break;
        handing = Promise.resolve(events.onDone?.(outcome));
        // A failure stops every lane at once (and is not an unhandled rejection before the next await).
        handing.catch((err: unknown) => failure.record(err));
        // One turn of the microtask queue, so a hand-over that fails at once is seen before the next start.
        await null;
      }
      await handing;
    } catch (err) {
      failure.record(err);
      await handing.catch(() => {});
    }
  };
  try {
    await failure.settle(Array.from({ length: threads }, lane));
  } finally {
    await pool.destroy();
  }
}
