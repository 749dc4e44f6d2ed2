#!/usr/bin/env node
import path from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import {
  DEFAULT_TEMPLATES_DIR,
  FORMATS,
  type Format,
  PAGE_SIZE_NAMES,
  PAGE_SIZES,
  type PageSizeName,
} from './config.js';
import { FicbindError, formatDiagnostic, UsageError } from './diagnostics.js';
import { formatInspect, inspectReport } from './inspect.js';
import { parseStory } from './parse/index.js';
import { build } from './pipeline/build.js';
import { formatStoryLine, formatSummary } from './pipeline/report.js';

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

function parseFormats(value: string): Format[] {
  const formats = value
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  const bad = formats.filter((f) => !FORMATS.includes(f as Format));
  if (bad.length > 0 || formats.length === 0) {
    throw new UsageError(`--format takes ${FORMATS.join(', ')} or both separated by a comma, not "${value}"`);
  }
  return [...new Set(formats)] as Format[];
}

interface BuildArgs {
  paths: string[];
  out: string;
  format: string;
  templates: string;
  pageSize: string;
  cover: boolean;
  strict: boolean;
  quiet: boolean;
}

async function buildCommand(args: BuildArgs): Promise<number> {
  const report = await build(
    {
      paths: args.paths.length > 0 ? args.paths : ['stories'],
      outDir: args.out,
      formats: parseFormats(args.format),
      templatesDir: path.resolve(args.templates),
      pageSize: args.pageSize as PageSizeName,
      cover: args.cover,
      typography: false,
      strict: args.strict,
    },
    (story, done, total) => {
      if (!args.quiet || !story.ok) process.stderr.write(`${formatStoryLine(story, done, total)}\n`);
    },
  );
  const summary = formatSummary(report);
  if (!args.quiet || !report.ok) process.stderr.write(`${summary}\n`);
  return report.ok ? EXIT.ok : EXIT.failed;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
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
      async (args) => {
        code = await inspect(args.story, args.json);
      },
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
            describe: 'stories or folders of stories (default: stories/)',
          })
          .option('out', {
            alias: 'o',
            type: 'string',
            default: 'out',
            describe: 'folder the books are written to',
          })
          .option('format', {
            alias: 'f',
            type: 'string',
            default: FORMATS.join(','),
            describe: 'which books to make: epub, pdf, or epub,pdf',
          })
          .option('templates', {
            type: 'string',
            default: DEFAULT_TEMPLATES_DIR,
            defaultDescription: 'the templates/ folder of ficbind',
            describe: 'folder of Handlebars templates and style.css (copy templates/ to start)',
          })
          .option('page-size', {
            type: 'string',
            choices: PAGE_SIZE_NAMES,
            default: 'a5' as string,
            describe: `PDF page size: ${PAGE_SIZE_NAMES.map((n) => `${n} = ${PAGE_SIZES[n].label}`).join('; ')}`,
          })
          .option('cover', {
            type: 'boolean',
            default: true,
            describe:
              "make a cover (the author's image when given, else a typographic one); --no-cover leaves it out",
          })
          .option('strict', {
            type: 'boolean',
            default: false,
            describe: 'treat warnings (guessed title, missing glyphs, …) as failures',
          })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only failures' })
          .example('$0 build', 'every story in stories/ into out/')
          .example('$0 build stories/my-story.txt --format epub', 'one story, EPUB only')
          .example(
            '$0 build archive/ --out dist/books --page-size us-trade',
            'a folder of stories as 6×9 in PDFs',
          )
          .example('$0 build --templates my-templates', 'with your own copy of the templates'),
      async (args) => {
        code = await buildCommand(args as unknown as BuildArgs);
      },
    )
    .demandCommand(1, 'Name a command: build or inspect. Run ficbind --help for the list.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    await parser.parseAsync();
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
  return code;
}

process.exitCode = await main(hideBin(process.argv));
