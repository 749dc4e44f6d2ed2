/** Hand-made stories for the PDF tests: our own sample text, shaped like posted fan fiction. */
import type { Block, Chapter, Inline, Note, Story } from '../../src/model.js';
import { blankMeta } from './blank-meta.js';

const FILE = 'hand-made.txt';

export function para(text: string, line = 1, inlines?: Inline[]): Block {
  return { kind: 'paragraph', inlines: inlines ?? [{ kind: 'text', text }], position: { file: FILE, line } };
}

export function sceneBreak(marker: string | null = null): Block {
  return { kind: 'sceneBreak', marker, position: { file: FILE, line: 1 } };
}

export function chapter(number: number, title: string | null, blocks: Block[]): Chapter {
  return {
    id: `ch-${number}`,
    number,
    title,
    heading: title ? `Chapter ${number}: ${title}` : `Chapter ${number}`,
    label: title ? `Chapter ${number}` : null,
    blocks,
    position: { file: FILE, line: 1 },
  } as Chapter;
}

export interface StoryParts {
  title?: string;
  author?: string | null;
  language?: string;
  summary?: string | null;
  disclaimer?: string | null;
  pairing?: string | null;
  fandom?: string | null;
  tags?: string[];
  chapters: Chapter[];
  notes?: Note[];
}

export function story(parts: StoryParts): Story {
  return {
    slug: 'hand-made',
    source: { path: FILE, kind: 'file', files: [FILE], sidecar: null, modified: '2020-01-01T00:00:00.000Z' },
    meta: blankMeta(parts.title ?? 'The Lighthouse Ledger', {
      author: parts.author === undefined ? 'Wren Hollowell' : parts.author,
      pairing: parts.pairing ?? null,
      rating: 'T',
      fandom: parts.fandom ?? null,
      tags: parts.tags ?? [],
      summary:
        parts.summary === undefined
          ? 'A keeper counts ships, and one night a ship counts her back.'
          : parts.summary,
      disclaimer:
        parts.disclaimer === undefined
          ? 'The keeper and the sea belong to nobody; this is written for fun.'
          : parts.disclaimer,
      language: parts.language ?? 'en',
    }),
    metaOrigin: {},
    chapters: parts.chapters,
    notes: parts.notes ?? [],
    diagnostics: [],
  };
}

const WORDS = (
  'the keeper climbed stairs again before dawn counting gulls and ledgers while weather turned slowly ' +
  'northward carrying rain salt memory lantern oil brass fittings patient harbour unexpectedly ' +
  'extraordinary navigational responsibilities characteristically uncomfortable correspondence ' +
  'she wrote letters nobody answered yet kept writing because the habit itself had become company'
).split(' ');

/** Deterministic filler prose: `n` words, sentences of varied length. */
export function prose(n: number, seed = 1): string {
  let x = seed;
  const out: string[] = [];
  let sentence = 0;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const r = Math.floor(x / 65536);
    let w = WORDS[r % WORDS.length] as string;
    if (sentence === 0) w = w[0]?.toUpperCase() + w.slice(1);
    sentence++;
    if (sentence > 6 + (r % 11) || i === n - 1) {
      w += '.';
      sentence = 0;
    } else if (r % 7 === 0) w += ',';
    out.push(w);
  }
  return out.join(' ');
}
