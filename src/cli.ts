#!/usr/bin/env node
import os from 'node:os';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FORMATS, PAGE_SIZE_NAMES, PAGE_SIZES, type PageSizeName } from './config.js';
import { FicbindError, formatDiagnostic, UsageError } from './diagnostics.js';
import { formatInspect, inspectReport } from './inspect.js';
import { parseStory } from './parse/index.js';
import { buildCommand } from './pipeline/build-command.js';
import { loadConfig, mergeOptions, resolveBuildOptions } from './pipeline/options.js';
import { tuneTiering } from './pipeline/tiering.js';
import { FICBIND_VERSION } from './pipeline/version.js';

/** Exit codes: 0 success, 1 a story could not be made into a book, 2 ficbind was called wrongly. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

async function inspect(story: string, json: boolean): Promise<number> {
  const result = await parseStory(story);
  if (!result.ok) {
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ok: false, error: result.error, diagnostics: result.diagnostics }, null, 2)}\n`,
      );
    process.stderr.write(`ficbind: ${formatDiagnostic(result.error)}\n`);
    return EXIT.failed;
  }
  process.stdout.write(
    json ? `${JSON.stringify(inspectReport(result.story), null, 2)}\n` : `${formatInspect(result.story)}\n`,
  );
  return EXIT.ok;
}

interface BuildArgs {
  paths: string[];
  out?: string;
  format?: string;
  jobs?: number;
  templates?: string;
  pageSize?: string;
  cover?: boolean;
  typography?: boolean;
  strict?: boolean;
  force?: boolean;
  shard?: string;
  config?: string;
  json: boolean;
  watch: boolean;
  quiet: boolean;
  verbose: boolean;
}

/** Flags override the config file; a flag not given leaves the config's value (or the default). */
async function buildFromArgs(args: BuildArgs): Promise<number> {
  if (args.quiet && args.verbose) throw new UsageError('--quiet and --verbose cannot be used together');
  const config = loadConfig(process.cwd(), args.config);
  const options = resolveBuildOptions(
    mergeOptions(config.options, {
      paths: args.paths.length > 0 ? args.paths : undefined,
      out: args.out,
      formats: args.format,
      jobs: args.jobs,
      templates: args.templates,
      pageSize: args.pageSize as PageSizeName | undefined,
      cover: args.cover,
      typography: args.typography,
      strict: args.strict,
      force: args.force,
      shard: args.shard,
    }),
  );
  const display = { json: args.json, quiet: args.quiet, verbose: args.verbose, configFile: config.file };
  return (await buildCommand(options, display, args.watch)) ? EXIT.ok : EXIT.failed;
}

/**
 * After running a command, yargs lays out that command's whole help text and keeps it, in case the command
 * then asks for its help (ours never do: a usage error is reported by `main`). Measuring that text with
 * string-width and wrap-ansi took about 50 ms of every build. This switches the cache off; `--help` and
 * the error messages are made as before. Should a later yargs lose these internals, nothing breaks: the
 * help text is cached again.
 */
function skipHelpCache(parser: object): void {
  type Internals = {
    getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
  };
  const usage = (parser as Internals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

export async function main(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName('ficbind')
    .usage('$0 <command> [options]\n\nTurn plain-text fan fiction into EPUB 3 and typeset PDF books.')
    .command(
      'inspect <story>',
      'Show what the parser understood of a story: metadata, chapters, scene breaks, notes and warnings',
      (y) =>
        y
          .positional('story', {
            type: 'string',
            demandOption: true,
            describe: 'a .txt story file or a story folder of chapter files',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe: 'print one JSON object instead of the human-readable summary',
          })
          .example('$0 inspect stories/my-story.txt', 'summary of the story')
          .example('$0 inspect stories/my-folder --json | jq .chapters', 'chapters as JSON'),
    )
    .command(
      'build [paths..]',
      'Make an EPUB 3 and a typeset PDF of every story: .txt files, story folders, or folders of stories',
      (y) =>
        y
          .positional('paths', {
            type: 'string',
            array: true,
            default: [] as string[],
            defaultDescription: 'stories/',
            describe: 'stories (.txt files, story folders) or folders of stories',
          })
          .option('out', {
            alias: 'o',
            type: 'string',
            defaultDescription: 'out',
            describe: 'folder the books and manifest.json are written to',
          })
          .option('format', {
            alias: 'f',
            type: 'string',
            defaultDescription: FORMATS.join(','),
            describe: 'which books to make: epub, pdf, or epub,pdf',
          })
          .option('jobs', {
            alias: 'j',
            type: 'number',
            defaultDescription: `the number of cores (${os.availableParallelism()})`,
            describe:
              'how many stories to build at the same time, each on a worker thread of its own (with 1, on the main thread)',
          })
          .option('page-size', {
            type: 'string',
            choices: PAGE_SIZE_NAMES,
            defaultDescription: 'a5',
            describe: `PDF page size: ${PAGE_SIZE_NAMES.map((n) => `${n} = ${PAGE_SIZES[n].label}`).join('; ')}`,
          })
          .option('templates', {
            type: 'string',
            defaultDescription: 'the templates/ folder of ficbind',
            describe: 'folder of Handlebars templates and style.css (copy templates/ to start)',
          })
          .option('cover', {
            type: 'boolean',
            defaultDescription: 'true',
            describe:
              "make a cover (the author's image when given, else a typographic one); --no-cover leaves it out",
          })
          .option('typography', {
            type: 'boolean',
            defaultDescription: 'true',
            describe:
              'curly quotes, em dashes for --, ellipses for ... (words are never changed); --no-typography keeps the text exactly as typed',
          })
          .option('strict', {
            type: 'boolean',
            defaultDescription: 'false',
            describe: 'treat warnings (guessed title, missing glyphs, …) as failures',
          })
          .option('force', {
            type: 'boolean',
            defaultDescription: 'false',
            describe: 'rebuild every story, even those unchanged since the last build',
          })
          .option('shard', {
            type: 'string',
            describe:
              'build only the I-th of N stable slices of the stories (I/N), so N CI jobs split an archive',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe: 'print the build report (the same as out/manifest.json) as JSON on stdout',
          })
          .option('watch', {
            alias: 'w',
            type: 'boolean',
            default: false,
            describe: 'after building, rebuild the stories whose files or templates change, until Ctrl-C',
          })
          .option('config', {
            type: 'string',
            defaultDescription: 'ficbind.config.yaml, else the "ficbind" key of package.json',
            describe: 'config file with the same options; flags override it',
          })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only failures' })
          .option('verbose', {
            alias: 'v',
            type: 'boolean',
            default: false,
            describe: 'a line per story even on a terminal, and where the options came from',
          })
          .example('$0 build', 'every story in stories/ into out/')
          .example('$0 build stories/my-story.txt --format epub', 'one story, EPUB only')
          .example(
            '$0 build archive/ --out dist/books --page-size us-trade',
            'a folder of stories as 6×9 in PDFs',
          )
          .example('$0 build --templates my-templates', 'with your own copy of the templates')
          .example('$0 build --jobs 4 --json > report.json', 'four stories at once, report for CI')
          .example('$0 build archive/ --shard 2/4', 'the second quarter of an archive (one CI job of four)')
          .example('$0 build --watch --format epub', 'rebuild the EPUBs as you edit')
          .example('$0 build --force --no-typography', 'rebuild everything with the text as typed'),
    )
    .demandCommand(1, 'Name a command: build or inspect. Run ficbind --help for the list.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // ficbind's own version, wherever it is run from (yargs would look for a package.json from the cwd).
    .version(FICBIND_VERSION)
    // Our own messages and the option texts are English: yargs' few words are too, whatever $LANG says.
    .locale('en')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  skipHelpCache(parser);
  try {
    const args = await parser.parseAsync();
    if (args._[0] === 'inspect') return await inspect(String(args.story), args.json === true);
    return await buildFromArgs(args as unknown as BuildArgs);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ficbind: ${err.message}\nRun ficbind --help for usage.\n`);
      return EXIT.usage;
    }
    if (err instanceof FicbindError) {
      process.stderr.write(`ficbind: ${err.message}\n`);
      return EXIT.failed;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(
      `ficbind: internal error: ${e.message}\n${process.env.FICBIND_DEBUG ? `${e.stack}\n` : 'Set FICBIND_DEBUG=1 to see the stack trace, and please report it.\n'}`,
    );
    return EXIT.failed;
  }
}

tuneTiering();
process.exitCode = await main(hideBin(process.argv));
