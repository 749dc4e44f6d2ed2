import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords, paragraphText, type Story, storyWords } from '../src/model.js';
import { parseText } from '../src/parse/index.js';
import { applyTypography, plainTypography, smartTypography } from '../src/transform/typography.js';

describe('smartTypography', () => {
  it.each([
    ['"Hello," she said.', '\u201CHello,\u201D she said.'],
    ["'Quoted,' he said.", '\u2018Quoted,\u2019 he said.'],
    ["It's Sam's lamp.", 'It\u2019s Sam\u2019s lamp.'],
    ["Back in the '90s, rock 'n' roll.", 'Back in the \u201990s, rock \u2019n\u2019 roll.'],
    ["Get 'em all.", 'Get \u2019em all.'],
    ['Wait--what?', 'Wait\u2014what?'],
    ['And then...', 'And then\u2026'],
    ['"...and so"', '\u201C\u2026and so\u201D'],
    ['He said, "\'Tis nothing."', 'He said, \u201C\u2019Tis nothing.\u201D'],
    ['("Yes.")', '(\u201CYes.\u201D)'],
  ])('%s', (input, expected) => {
    expect(smartTypography(input)).toBe(expected);
  });

  it('leaves longer runs of dashes and dots alone, so separators and odd punctuation stay as typed', () => {
    expect(smartTypography('----')).toBe('----');
    expect(smartTypography('a---b')).toBe('a---b');
    expect(smartTypography('Wait....')).toBe('Wait....');
  });

  it('keeps text that is already typographic', () => {
    const text = '\u201CHi,\u201D she said \u2014 softly\u2026';
    expect(smartTypography(text)).toBe(text);
  });

  it('is reversed by plainTypography and never changes the words of ASCII text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'B', ' ', '\n', '"', "'", '-', '.', ',', '(', ')', '9', '!'), {
          maxLength: 60,
        }),
        (chars) => {
          const text = chars.join('');
          const smart = smartTypography(text);
          expect(plainTypography(smart)).toBe(text);
          expect(countWords(smart)).toBe(countWords(text));
          expect(smart.match(/\s+/g)).toEqual(text.match(/\s+/g));
        },
      ),
    );
  });
});

const STORY = [
  'Title: "Salt" and Iron',
  "Author: O'Neill",
  'Summary: A story--of sorts...',
  '',
  'Chapter 1: The "Fall"',
  '',
  '"Don\'t," she said. (A/N: it\'s "fine"...) \'Really.\'',
  '',
  'A/N: Thanks--truly.',
].join('\n');

function parsed(): Story {
  const r = parseText(STORY, 'story.txt');
  if (!r.ok) throw new Error(r.error.message);
  return r.story;
}

describe('applyTypography', () => {
  it('smartens paragraphs, notes, chapter titles and descriptive metadata but not names', () => {
    const story = parsed();
    const smart = applyTypography(story);
    expect(smart.meta.title).toBe('\u201CSalt\u201D and Iron');
    expect(smart.meta.summary).toBe('A story\u2014of sorts\u2026');
    expect(smart.meta.author).toBe(story.meta.author);
    expect(smart.chapters[0]?.title).toBe('The \u201CFall\u201D');
    const first = smart.chapters[0]?.blocks.find((b) => b.kind === 'paragraph');
    expect(first && first.kind === 'paragraph' && paragraphText(first)).toContain(
      '\u201CDon\u2019t,\u201D she said.',
    );
    for (const note of smart.notes) expect(note.text).not.toMatch(/["']|--|\.\.\./);
    expect(smart.notes.map((n) => plainTypography(n.text))).toEqual(story.notes.map((n) => n.text));
  });

  it('keeps the word count and every word once quotes are made plain again, and leaves the input alone', () => {
    const story = parsed();
    const before = JSON.stringify(story);
    const smart = applyTypography(story);
    expect(JSON.stringify(story)).toBe(before);
    expect(storyWords(smart)).toBe(storyWords(story));
    const words = (s: Story) =>
      s.chapters.flatMap((c) =>
        c.blocks.flatMap((b) =>
          b.kind === 'paragraph' ? plainTypography(paragraphText(b)).split(/\s+/) : [],
        ),
      );
    expect(words(smart)).toEqual(words(story));
  });
});
