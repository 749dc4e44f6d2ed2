import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectReport } from '../src/inspect.js';
import { assertNever, type Story } from '../src/model.js';
import { parseStory } from '../src/parse/index.js';

/**
 * Golden tests: each folder in test/fixtures/parse holds an input (`input.txt`, `input/`, or `input.*`)
 * and `expected.json`, what `ficbind inspect --json` must say of it (or the error it must give).
 * Regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
const root = path.join('test', 'fixtures', 'parse');
const cases = fs
  .readdirSync(root)
  .filter((d) => fs.statSync(path.join(root, d)).isDirectory())
  .sort();

function inputOf(dir: string): string {
  const names = fs.readdirSync(dir);
  const name =
    names.find((n) => n === 'input') ??
    names.find((n) => n === 'input.txt') ??
    names.find((n) => n.startsWith('input.') && !/\.(ya?ml|md)$/.test(n));
  if (!name) throw new Error(`${dir} has no input`);
  return path.join(dir, name);
}

/** Each chapter's blocks, one readable line each, so the golden shows the text itself as well as the counts. */
function blocksOf(story: Story): string[][] {
  return story.chapters.map((c) =>
    c.blocks.map((b) => {
      switch (b.kind) {
        case 'paragraph':
          return `${b.position.line}: ${b.inlines.map((i) => (i.kind === 'text' ? i.text : `[${i.noteId}]`)).join('')}`;
        case 'sceneBreak':
          return `${b.position.line}: --- break ${b.marker === null ? '(blank lines)' : JSON.stringify(b.marker)}`;
        case 'noteRef':
          return `${b.position.line}: [${b.noteId}]`;
        default:
          return assertNever(b, 'block');
      }
    }),
  );
}

describe('parser golden fixtures', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(20));
  for (const c of cases) {
    it(c, async () => {
      const dir = path.join(root, c);
      const result = await parseStory(inputOf(dir));
      const actual = result.ok
        ? { ok: true, ...inspectReport(result.story), blocks: blocksOf(result.story) }
        : { ok: false, error: result.error, diagnostics: result.diagnostics };
      const file = path.join(dir, 'expected.json');
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      expect(fs.existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(actual).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
    });
  }
});
