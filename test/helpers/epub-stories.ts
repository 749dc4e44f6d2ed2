/**
 * Hand-made Stories for the EPUB tests: every block and inline kind, every note placement,
 * and the awkward cases (one chapter, no author, no notes, text that looks like markup).
 */
import { DEFAULT_TEMPLATES_DIR, type RenderOptions } from '../../src/config.js';
import type { Block, Chapter, Inline, Meta, Note, Story } from '../../src/model.js';
import { blankMeta } from './blank-meta.js';

const FILE = 'stories/hand-made.txt';
let line = 0;
const pos = () => ({ file: FILE, line: ++line });

export function para(...inlines: (string | Inline)[]): Block {
  return {
    kind: 'paragraph',
    inlines: inlines.map((i) => (typeof i === 'string' ? { kind: 'text', text: i } : i)),
    position: pos(),
  };
}
export const br = (marker: string | null = null): Block => ({ kind: 'sceneBreak', marker, position: pos() });
export const noteBlock = (noteId: string): Block => ({ kind: 'noteRef', noteId, position: pos() });
export const noteInline = (noteId: string): Inline => ({ kind: 'noteRef', noteId });

export function chapter(
  number: number,
  blocks: Block[],
  head: { title?: string | null; label?: string | null; heading?: string | null } = {},
): Chapter {
  return {
    id: `ch-${number}`,
    number,
    title: head.title ?? null,
    label: head.label ?? null,
    heading: head.heading ?? null,
    blocks,
    position: pos(),
  };
}

export function meta(over: Partial<Meta> = {}): Meta {
  return blankMeta('The Lantern Keeper', { author: 'Quill & Ink', ...over });
}

export function story(slug: string, m: Meta, chapters: Chapter[], notes: Note[] = []): Story {
  return {
    slug,
    source: {
      path: `stories/${slug}.txt`,
      kind: 'file',
      files: [`stories/${slug}.txt`],
      sidecar: null,
      modified: '2020-01-01T00:00:00Z',
    },
    meta: m,
    metaOrigin: {},
    chapters,
    notes,
    diagnostics: [],
  };
}

export function note(id: string, label: string, text: string, placement: Note['placement']): Note {
  return { id, label, text, placement, position: pos() };
}

/** A story with every block kind, every note placement and most metadata fields. */
export function fullStory(): Story {
  const notes = [
    note('note-1', 'A/N', 'Thanks for reading, everyone.\n\nThis is a second paragraph of the note.', {
      kind: 'header',
    }),
    note('note-2', 'Pretty Please?', 'Reviews keep the lantern lit.', { kind: 'header' }),
    note('note-3', 'AN', 'Chapter two opens in winter.', { kind: 'chapter-start', chapter: 2 }),
    note('note-4', 'A/N', 'A small aside in the middle of the text.', { kind: 'inline', chapter: 2 }),
    note('note-5', "Author's Note", 'The middle of the chapter has its own note.', {
      kind: 'chapter-middle',
      chapter: 2,
    }),
    note('note-6', 'A/N', 'See you next time & thanks <3', { kind: 'chapter-end', chapter: 2 }),
  ];
  return story(
    'lantern-keeper',
    meta({
      pairing: 'Mara/Tobin',
      rating: 'T',
      fandom: 'Original Lighthouses',
      tags: ['hurt/comfort', 'winter'],
      summary: 'A keeper, a storm, and a lamp that will not stay lit.\n\nSecond summary paragraph.',
      disclaimer: 'The lighthouse is mine; the sea belongs to nobody.',
      series: { name: 'Coastal Lights', index: 2 },
      date: '2011-03-04',
      extra: [{ label: 'Warnings', value: 'Mild peril', position: pos() }],
    }),
    [
      chapter(
        1,
        [
          para('Mara climbed the stairs at dusk, counting every one of them out loud.'),
          para('"Ninety-nine," she said. "Always ninety-nine."'),
          br(null),
          para('The lamp hissed.', '\n', 'The glass rattled.'),
          br('xXx'),
          para('Tobin arrived with the oil can and no excuses.'),
        ],
        { title: 'The Stairs', label: 'Chapter One', heading: 'Chapter One: The Stairs' },
      ),
      chapter(
        2,
        [
          noteBlock('note-3'),
          para('Snow covered the rocks before noon.'),
          para('She wrote in the log', noteInline('note-4'), ' and closed it.'),
          br('* * *'),
          noteBlock('note-5'),
          para('By evening the light turned again, steady as a heartbeat.'),
          br('-o-o-o-o-o-o-o-o-o-o-o-o-o-o-o-o-'),
          para('The end, for now.'),
          noteBlock('note-6'),
        ],
        { title: null, label: null, heading: null },
      ),
    ],
    notes,
  );
}

/** One chapter, no author, no header fields, no notes: the smallest book. */
export function tinyStory(): Story {
  return story('tiny', meta({ title: 'Small Hours', author: null }), [
    chapter(1, [para('Only one paragraph, and it is short.')]),
  ]);
}

/** Story text that looks like markup or template syntax; it must print literally. */
export function hostileStory(): Story {
  return story(
    'hostile',
    meta({
      title: '{{title}} <script>alert(1)</script>',
      author: 'R&D "Dept"',
      summary: '{{{summary}}} & <b>bold</b>',
    }),
    [
      chapter(
        1,
        [
          para('She typed {{title}} and {{{body}}} into the box.'),
          para('Then <script>alert("x")</script> & &nbsp; &copy; appeared.'),
          para('Control\u0007 characters\u000c vanish.'),
        ],
        { title: '{{#each x}}<i>', heading: 'Chapter 1: {{#each x}}<i>', label: 'Chapter 1' },
      ),
    ],
    [note('note-1', '{{label}}', '<p>not a tag</p> {{x}}', { kind: 'chapter-end', chapter: 1 })],
  );
}

export function renderOptions(over: Partial<RenderOptions> = {}): RenderOptions {
  return {
    templatesDir: DEFAULT_TEMPLATES_DIR,
    pageSize: 'a5',
    buildDate: new Date('2021-06-01T10:20:30Z'),
    ...over,
  };
}
