import { build } from './build.js';
import type { BuildReport } from './manifest.js';
import type { ResolvedBuildOptions } from './options.js';
import { formatStoryLine, formatSummary, ProgressBar } from './report.js';
import { watchInputs } from './watch.js';

export interface Display {
  /** Print the report as JSON on stdout instead of the human summary. */
  readonly json: boolean;
  /** Only failures. */
  readonly quiet: boolean;
  /** A line per story even on a terminal, and the config file used. */
  readonly verbose: boolean;
  /** The config file the options came from, if any. */
  readonly configFile: string | null;
}

const err = process.stderr;

/** Runs one build and shows it: a progress bar on a terminal, a line per story otherwise, then the summary. */
export async function runBuild(options: ResolvedBuildOptions, display: Display): Promise<BuildReport> {
  const bar = err.isTTY && !display.quiet && !display.verbose && !display.json ? new ProgressBar(err) : null;
  const lines = !bar && !display.json;
  let report: BuildReport;
  try {
    report = await build(options, {
      onPlan: (sources) => bar?.plan(sources.length),
      onStart: (source) => bar?.start(source),
      onStory: (story, done, total) => {
        bar?.finish(story.source);
        if (!story.ok && bar) bar.log(formatStoryLine(story, done, total));
        else if (lines && (!display.quiet || !story.ok))
          err.write(`${formatStoryLine(story, done, total)}\n`);
      },
    });
  } finally {
    bar?.clear();
  }
  if (display.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (!report.ok && !display.quiet) err.write(`${formatSummary(report)}\n`);
  } else if (!display.quiet || !report.ok) {
    err.write(`${formatSummary(report)}\n`);
  }
  return report;
}

/** `ficbind build`: one build, or with `watch` a build and then a rebuild whenever an input changes. */
export async function buildCommand(
  options: ResolvedBuildOptions,
  display: Display,
  watch: boolean,
): Promise<boolean> {
  if (display.verbose && display.configFile) err.write(`ficbind: options from ${display.configFile}\n`);
  const first = await runBuild(options, display);
  if (!watch) return first.ok;
  watchInputs(options, async (changed) => {
    if (!display.quiet) err.write(`\nficbind: changed: ${changed.join(', ')}\n`);
    try {
      await runBuild(options, display);
    } catch (e) {
      err.write(`ficbind: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    if (!display.quiet) err.write('ficbind: watching (Ctrl-C to stop)\n');
  });
  err.write(`ficbind: watching ${[...options.paths, options.templatesDir].join(', ')} (Ctrl-C to stop)\n`);
  // Runs until interrupted (Ctrl-C ends the process).
  await new Promise<never>(() => {});
  return first.ok;
}
