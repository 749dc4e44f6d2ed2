import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { storyWords } from '../src/model.js';
import { parseStory } from '../src/parse/index.js';
import { minus, modelWords, words } from './helpers/model-words.js';
import { REAL_STORIES_DIR, realStoryFiles, sampleStoryPaths } from './helpers/real-stories.js';

/** A note's own brackets go with it: `(A/N: … up!)` leaves `up!` in the note. Compare words without them. */
const unbracket = (ws: string[]) => ws.map((w) => w.replace(/^[([]+|[)\]]+$/g, '')).filter(Boolean);

async function parsed(file: string) {
  const result = await parseStory(file);
  if (!result.ok) throw new Error(`${file} did not parse: ${result.error.message}`);
  return result.story;
}

function inputWords(storyPath: string): string[] {
  const files = fs.statSync(storyPath).isDirectory()
    ? fs
        .readdirSync(storyPath)
        .filter((f) => f.endsWith('.txt'))
        .map((f) => path.join(storyPath, f))
    : [storyPath];
  return files.flatMap((f) => words(fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, '')));
}

/** Label tokens the parser is allowed to take out of the text (and nothing else). */
const LABEL_TOKEN =
  /^(?:[:\-–—]|(?:\(|\[)?(?:A\/N|AN|Author'?s?|Authors?|Note|Notes|Title|Author|Pairing|Rating|Fandom|Summary|Story|Disclaimer|Warnings?|Genre|Tags|Pretty|Please\?|Dedication|Beta|Characters|Language|Series|Shameless|Begging|Chapter|Date|Source)[:\-–—]?)$/i;

describe.skipIf(REAL_STORIES_DIR === null)('the real stories (FICBIND_REAL_STORIES)', () => {
  const files = realStoryFiles();
  const byId = (prefix: string) => {
    const f = files.find((x) => path.basename(x).startsWith(prefix));
    if (!f) throw new Error(`no real story starting ${prefix}`);
    return f;
  };

  it('004: title Traitor, pairing Alex/Olivia, one Author Note, 28 paragraphs, 2 breaks, 2989 words', async () => {
    const s = await parsed(byId('004'));
    expect(s.meta.title).toBe('Traitor');
    expect(s.meta.pairing).toBe('Alex/Olivia');
    expect(s.notes.map((n) => n.label)).toEqual(['Author Note']);
    expect(s.chapters).toHaveLength(1);
    const blocks = s.chapters[0]?.blocks ?? [];
    expect(blocks.filter((b) => b.kind === 'paragraph')).toHaveLength(28);
    expect(blocks.filter((b) => b.kind === 'sceneBreak')).toHaveLength(2);
    expect(storyWords(s)).toBe(2989);
  });

  it('003: disclaimer, summary, notes A/N and Pretty Please?, 69 paragraphs, 10 breaks, 2744 words', async () => {
    const s = await parsed(byId('003'));
    expect(s.meta.disclaimer).toBe('Not mine. Duh!');
    expect(s.meta.summary).toMatch(/^She didn't want to be his\./);
    expect(s.notes.map((n) => n.label)).toEqual(['A/N', 'Pretty Please?']);
    expect(s.notes.every((n) => n.placement.kind === 'header')).toBe(true);
    const blocks = s.chapters.flatMap((c) => c.blocks);
    expect(blocks.filter((b) => b.kind === 'paragraph')).toHaveLength(69);
    expect(blocks.filter((b) => b.kind === 'sceneBreak')).toHaveLength(10);
    expect(storyWords(s)).toBe(2744);
  });

  it('000: one note, a disclaimer, 100 paragraphs, 4 breaks, 2050 words, a guessed-title warning', async () => {
    const s = await parsed(byId('000'));
    expect(s.notes).toHaveLength(1);
    expect(s.meta.disclaimer).toMatch(/^Only written for fun/);
    const blocks = s.chapters.flatMap((c) => c.blocks);
    expect(blocks.filter((b) => b.kind === 'paragraph')).toHaveLength(100);
    expect(blocks.filter((b) => b.kind === 'sceneBreak')).toHaveLength(4);
    expect(storyWords(s)).toBe(2050);
    expect(s.diagnostics.map((d) => d.code)).toContain('title-guessed');
  });

  it.each(files.map((f) => [path.basename(f), f]))(
    '%s: every word survives exactly once, labels aside',
    async (_name, file) => {
      const s = await parsed(file);
      const input = unbracket(inputWords(file));
      const model = unbracket(modelWords(s));
      expect(minus(model, input), 'words the model invented').toEqual([]);
      const dropped = minus(input, model);
      expect(
        dropped.filter((w) => !LABEL_TOKEN.test(w)),
        'words dropped that are not labels',
      ).toEqual([]);
    },
  );
});

describe('the sample stories in stories/', () => {
  const samples = sampleStoryPaths();
  it('has samples of every kind: files, a folder, a sidecar', () => {
    expect(samples.length).toBeGreaterThanOrEqual(5);
    expect(samples.some((s) => fs.statSync(s).isDirectory())).toBe(true);
    expect(fs.readdirSync('stories').some((f) => f.endsWith('.yaml'))).toBe(true);
  });
  it.each(samples.map((s) => [s]))(
    '%s parses, with an author and a title, keeping every word',
    async (file) => {
      const s = await parsed(file);
      expect(s.meta.author).not.toBeNull();
      expect(s.metaOrigin.title).not.toBe('file-name');
      expect(s.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      const model = unbracket(modelWords(s));
      const input = unbracket(inputWords(file));
      expect(minus(model, input), 'words the model invented').toEqual([]);
      expect(
        minus(input, model).filter((w) => !LABEL_TOKEN.test(w)),
        'words dropped that are not labels',
      ).toEqual([]);
    },
  );
});
