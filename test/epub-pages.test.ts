/**
 * The page fragments both writers share, checked directly: chapter names, note placements,
 * scene breaks and the closed element set, without packaging a book.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseDocument } from 'htmlparser2';
import { describe, expect, test } from 'vitest';
import { DEFAULT_TEMPLATES_DIR } from '../src/config.js';
import type { Story } from '../src/model.js';
import { renderPages, xmlSafeText } from '../src/render/pages.js';
import { findAll, textOf } from './helpers/book-words.js';
import {
  br,
  chapter,
  fullStory,
  meta,
  note,
  noteBlock,
  para,
  renderOptions,
  story,
} from './helpers/epub-stories.js';

const opts = renderOptions();
const dom = (xhtml: string) => parseDocument(xhtml, { xmlMode: true }).children;
const text = (xhtml: string) => textOf(dom(xhtml)).replace(/\s+/g, ' ').trim();

function prologueStory(): Story {
  return story(
    'prologue',
    meta(),
    [
      chapter(1, [para('Before it all.')], { label: 'Prologue', title: 'Prologue', heading: 'Prologue' }),
      chapter(2, [para('The first.')], {
        label: 'Chapter 1',
        title: 'The Drawer',
        heading: 'Chapter 1: The Drawer',
      }),
      chapter(3, [para('No heading here.'), noteBlock('note-2')]),
      chapter(4, [para('Named by number only.')], { label: 'Chapter Three', heading: 'Chapter Three' }),
      chapter(5, [para('After it all.')], { label: 'Epilogue', title: 'Epilogue', heading: 'Epilogue' }),
    ],
    [
      note('note-1', 'A/N', 'Prologue note.', { kind: 'chapter-end', chapter: 1 }),
      note('note-2', 'AN', 'Headless note.', { kind: 'chapter-end', chapter: 3 }),
    ],
  );
}

describe('renderPages', () => {
  test('pages come in reading order with the expected ids and kinds', () => {
    const pages = renderPages(fullStory(), opts, true);
    expect(pages.map((p) => `${p.kind}:${p.id}`)).toEqual([
      'cover:cover',
      'title:title',
      'disclaimer:disclaimer',
      'contents:contents',
      'chapter:ch-1',
      'chapter:ch-2',
      'notes:notes',
    ]);
    expect(pages.filter((p) => p.inToc).map((p) => p.id)).toEqual(['ch-1', 'ch-2', 'notes']);
    const cover = pages[0]?.body ?? '';
    expect(findAll(dom(cover), (e) => e.name === 'img')[0]?.attribs).toMatchObject({ src: 'cover.jpg' });
    expect(findAll(dom(cover), (e) => e.name === 'img')[0]?.attribs.alt).toContain('The Lantern Keeper');
  });

  test('headless chapters are numbered as the author counts, skipping Prologue', () => {
    const pages = renderPages(prologueStory(), opts, false);
    expect(pages.filter((p) => p.kind === 'chapter').map((p) => p.title)).toEqual([
      'Prologue',
      'Chapter 1: The Drawer',
      'Chapter 2',
      'Chapter Three',
      'Epilogue',
    ]);
    const contents = text(pages.find((p) => p.id === 'contents')?.body ?? '');
    expect(contents).toBe(
      'Contents Prologue Chapter 1: The Drawer Chapter 2 Chapter Three Epilogue Author\u2019s Notes',
    );
  });

  test('notes say where they stood, in the chapter names the reader sees', () => {
    const notes = renderPages(prologueStory(), opts, false).find((p) => p.id === 'notes')?.body ?? '';
    expect(text(notes)).toContain('(End of Prologue)');
    expect(text(notes)).toContain('(End of Chapter 2)');
    const full = text(renderPages(fullStory(), opts, false).find((p) => p.id === 'notes')?.body ?? '');
    for (const w of ['(Before the story)', '(Start of Chapter 2)', '(In Chapter 2)', '(End of Chapter 2)'])
      expect(full).toContain(w);
  });

  test('a note the parser left without a marker still gets one, so its back link resolves', () => {
    // note-1 (end of the Prologue) has no noteRef block in the chapter.
    const pages = renderPages(prologueStory(), opts, false);
    const prologue = pages.find((p) => p.id === 'ch-1')?.body ?? '';
    const [ref] = findAll(dom(prologue), (e) => e.attribs.id === 'ref-note-1');
    expect(ref?.attribs.href).toBe('notes.xhtml#note-1');
    const notes = pages.find((p) => p.id === 'notes')?.body ?? '';
    expect(notes).toContain('href="ch-1.xhtml#ref-note-1"');
  });

  test("scene breaks show the author's marker, or an ornament for blank lines and long rules", () => {
    const s = story('breaks', meta(), [
      chapter(1, [para('a'), br(null), para('b'), br('oOo'), para('c'), br('________________'), para('d')]),
    ]);
    const body = renderPages(s, opts, false).find((p) => p.id === 'ch-1')?.body ?? '';
    const breaks = findAll(dom(body), (e) => (e.attribs.class ?? '').includes('scene-break'));
    expect(breaks.map((b) => [b.name, textOf(b.children)])).toEqual([
      ['p', '\u2042'],
      ['p', 'oOo'],
      ['p', '\u2042'],
    ]);
  });

  test('every page is a well-formed fragment with no named entities', () => {
    for (const p of renderPages(fullStory(), opts, true)) {
      expect(p.body).not.toMatch(/&(?!#\d+;|#x[0-9a-fA-F]+;|amp;|lt;|gt;|quot;|apos;)/);
      // One root-level parse: unbalanced tags would surface as text or a different element count.
      const roots = dom(p.body).filter((n) => n.type === 'tag');
      expect(roots.length, p.id).toBe(1);
    }
  });

  test('a misspelt variable in a template fails loudly (strict mode)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-templates-'));
    fs.cpSync(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
    const title = path.join(dir, 'title.hbs');
    fs.writeFileSync(title, fs.readFileSync(title, 'utf8').replace('{{title}}', '{{titel}}'));
    expect(() => renderPages(fullStory(), renderOptions({ templatesDir: dir }), false)).toThrow(
      /title\.hbs.*titel/,
    );
  });
});

describe('text made safe for XHTML', () => {
  // xmlSafeText without its fast path: the three replacements, each over the whole text.
  const reference = (text: string) =>
    text
      .replace(/\r\n?/g, '\n')
      .replace(/[\t\v\f]/g, ' ')
      .replace(
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML forbids
        /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '',
      );

  test('keeps ordinary text as it is and cleans every kind of forbidden character', () => {
    const plain = 'Ordinary text, with “curly quotes”, an emoji 🐉, and a\nline break.';
    expect(xmlSafeText(plain)).toBe(plain);
    expect(xmlSafeText('a\tb\u000Bc\fd\r\ne\rf\u0007g\uFFFEh\uD800i\uDC00j')).toBe('a b c d\ne\nfghij');
  });

  // Text with any of the characters that need care, alone or together.
  const piece = fc.constantFrom(
    'a',
    ' ',
    'é',
    '\n',
    '\r',
    '\t',
    '\v',
    '\f',
    '\u0000',
    '\u0007',
    '\u001F',
    '\uFFFE',
    '\uFFFF',
    '\uD83D',
    '\uDC09',
    '🐉',
  );

  test('gives the same text as the plain replacements for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: piece })),
        (text) => {
          expect(xmlSafeText(text)).toBe(reference(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
