import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText } from '../src/parse/index.js';
import { minus, modelWords, words } from './helpers/model-words.js';

/**
 * Property tests: the parser never throws, and never loses or invents a word. On structured input built
 * from fan-fiction parts, the model's words are exactly the input's words less the labels; on arbitrary
 * text, every character the model holds came from the input.
 */

const vocabulary = [
  'the',
  'rain',
  'kept',
  'falling',
  'teh',
  'alot',
  'she',
  'said',
  'door',
  'quiet',
  'Zoë',
  'ночь',
  'λόγος',
  'should',
  'of',
  'x:y',
  'well-',
  '—',
  '…',
  '"hush,"',
  "it's",
  '(maybe)',
  '8:30pm',
];
const word = fc.constantFrom(...vocabulary);
const sentence = fc.array(word, { minLength: 1, maxLength: 12 }).map((ws) => ws.join(' '));

const labels = [
  'Title',
  'Author',
  'Pairing',
  'Rating',
  'Fandom',
  'Summary',
  'Story Summary',
  'Disclaimer',
  'A/N',
  'Author Note',
  'Genre',
  'Warnings',
  'Pretty Please?',
];
const separators = [':', '-', ' :', ' -'];
// A made-up label takes its colon or hyphen right after it (`Pretty Please?-`); known labels take any spacing.
const labelWithSeparator = fc
  .tuple(fc.constantFrom(...labels), fc.constantFrom(...separators))
  .map(([label, sep]) => [label, label === 'Pretty Please?' ? sep.trim() : sep] as const);
const headerLine = fc.tuple(labelWithSeparator, sentence).map(([[label, sep], value]) => ({
  text: `${label}${sep} ${value}`,
  kept: words(value),
}));

type Part = { text: string; kept: string[]; gapAfter: number };
const paragraph = sentence.map((s) => ({ text: s, kept: words(s) }));
const noteParagraph = fc
  .tuple(fc.constantFrom('A/N:', 'A/N-', "Author's note:", 'AN:'), sentence)
  .map(([m, s]) => ({ text: `${m} ${s}`, kept: words(s) }));
const inlineNote = fc
  .tuple(sentence, sentence, sentence)
  .map(([a, n, b]) => ({ text: `${a} (A/N: ${n}) ${b}`, kept: [...words(a), ...words(n), ...words(b)] }));
const marker = fc
  .constantFrom('***', '* * *', '~*~', 'xXx', 'oOo', '-o-o-o-', '___', '+++', 'Line break')
  .map((m) => ({ text: m, kept: words(m) }));
const heading = fc
  .constantFrom(
    'Chapter 1',
    'Chapter Two: The Door',
    'Ch. 3',
    'Part Two',
    'Prologue',
    'Epilogue',
    'Chapter 4 - Rain',
  )
  .map((h) => ({ text: h, kept: words(h) }));
const bodyPart = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: paragraph }, noteParagraph, inlineNote, marker, heading),
    fc.constantFrom(1, 1, 1, 2, 3),
  )
  .map(([p, gap]): Part => ({ ...p, gapAfter: gap }));

// A made-up label is a field only once a known one has opened the header, so a header starts with a known label.
const knownFirst = headerLine.filter((h) => !h.text.startsWith('Pretty Please?'));
const header = fc.oneof(
  fc.constant([]),
  fc.tuple(knownFirst, fc.array(headerLine, { maxLength: 5 })).map(([first, rest]) => [first, ...rest]),
);
const story = fc.tuple(
  header,
  fc.constantFrom(1, 2),
  fc.array(bodyPart, { minLength: 1, maxLength: 25 }),
  // The last paragraph starts with a word, so every story has text (a line of dashes alone is a separator).
  sentence.map((s) => ({ text: `rain ${s}`, kept: words(`rain ${s}`) })),
);

/** The text of the input when it is a string or valid UTF-8 bytes; null for other bytes. */
function asUtf8(input: string | Uint8Array): string | null {
  if (typeof input === 'string') return input;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    return null;
  }
}

describe('parser properties', () => {
  it('keeps every word of structured fan fiction exactly once (labels aside)', () => {
    fc.assert(
      fc.property(story, ([header, headerGap, body, last]) => {
        const text = [
          ...header.map((h) => `${h.text}\n\n`),
          '\n'.repeat(headerGap - 1),
          ...body.map((p) => `${p.text}\n${'\n'.repeat(p.gapAfter)}`),
          last.text,
          '\n',
        ].join('');
        const result = parseText(text);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const expected = [...header.flatMap((h) => h.kept), ...body.flatMap((p) => p.kept), ...last.kept];
        const got = modelWords(result.story);
        expect(minus(got, expected), 'words the model invented').toEqual([]);
        expect(minus(expected, got), 'words the model lost').toEqual([]);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    );
  });

  it('never throws and never invents text on arbitrary input', () => {
    const chars = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.uint8Array({ maxLength: 300 }),
    );
    fc.assert(
      fc.property(chars, (input) => {
        const result = parseText(input);
        if (!result.ok) {
          expect(result.error.severity).toBe('error');
          expect(result.error.file).toBe('story.txt');
          return;
        }
        const source = asUtf8(input);
        if (source === null) {
          // Not UTF-8: UTF-16 when a byte-order mark says so, else windows-1252 and the reader is told so.
          const bom =
            input instanceof Uint8Array &&
            ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff));
          if (!bom) expect(result.story.diagnostics.map((d) => d.code)).toContain('decoded-windows-1252');
          return;
        }
        const have = new Map<string, number>();
        for (const ch of source.replace(/\s/g, '')) have.set(ch, (have.get(ch) ?? 0) + 1);
        const model = modelWords(result.story).join('');
        for (const ch of model) {
          const n = have.get(ch) ?? 0;
          expect(n, `model character ${JSON.stringify(ch)} is not in the input`).toBeGreaterThan(0);
          have.set(ch, n - 1);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 1000) },
    );
  });
});
