#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FicbindError, formatDiagnostic, UsageError } from './diagnostics.js';
import { formatInspect, inspectReport } from './inspect.js';
import { parseStory } from './parse/index.js';

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
    .demandCommand(1, 'Name a command: inspect. Run ficbind --help for the list.')
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
