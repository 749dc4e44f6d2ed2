/**
 * The PDF edition, checked with tools that do not share our code: poppler's pdftotext, pdfinfo and
 * pdffonts, and qpdf (Debian packages poppler-utils, qpdf; the fallback-font test needs fonts-dejavu-core).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Font, openSync } from 'fontkit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES_DIR, PAGE_SIZE_NAMES, PAGE_SIZES, type RenderOptions } from '../src/config.js';
import { FicbindError } from '../src/diagnostics.js';
import { type Note, paragraphText, type Story } from '../src/model.js';
import { parseStory } from '../src/parse/index.js';
import { outlineText } from '../src/render/cover/outline-font.js';
import { BOOK_FONT } from '../src/render/fonts.js';
import { writePdf } from '../src/render/pdf/index.js';
import { PlainShaper, scriptOf } from '../src/render/pdf/plain.js';
import { validateTheme } from '../src/render/pdf/theme.js';
import { chapter, para, prose, sceneBreak, story } from './helpers/pdf-story.js';
import {
  destinations,
  extractedWords,
  goToTargets,
  pageSizes,
  pdfFonts,
  pdfImages,
  pdfInfo,
  pdfText,
  qpdfCheck,
  qpdfJson,
  tempPdf,
  toUnicodeEntries,
  wordsInOrder,
} from './helpers/pdf-tools.js';
import { plainCover } from './helpers/plain-cover.js';
import { REAL_STORIES_DIR, realStoryFiles, sampleStoryPaths } from './helpers/real-stories.js';

const BUILD_DATE = new Date('2024-05-01T12:00:00Z');

function options(over: Partial<RenderOptions> = {}): RenderOptions {
  return {
    templatesDir: DEFAULT_TEMPLATES_DIR,
    pageSize: 'a5',
    buildDate: BUILD_DATE,
    ...over,
  };
}

/** A copy of the shipped templates folder that a test may change. */
function templatesCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-templates-'));
  fs.cpSync(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
  return dir;
}

/** The words of the PDF from a named destination's page on (the first chapter, the appendix). */
function wordsFrom(file: string, dest: string): string[] {
  const page = destinations(file).get(dest);
  if (page === undefined) throw new Error(`the PDF has no destination ${dest}`);
  return extractedWords(pdfText(file, page));
}

/** The story's words as a reader meets them: chapter paragraphs, then the notes in the appendix. */
function bodyWords(s: Story): string[] {
  const out: string[] = [];
  for (const c of s.chapters) {
    for (const b of c.blocks) if (b.kind === 'paragraph') out.push(...(paragraphText(b).match(/\S+/g) ?? []));
  }
  return out;
}

function noteWords(s: Story): string[] {
  return s.notes.flatMap((n) => n.text.match(/\S+/g) ?? []);
}

function note(id: string, text: string, placement: Note['placement']): Note {
  return { id, label: 'A/N', text, placement, position: { file: 'hand-made.txt', line: 1 } };
}

/** Three chapters, scene breaks (blank and written), notes before, inside and after chapters. */
function handMade(): Story {
  const chapters = [1, 2, 3].map((n) =>
    chapter(n, n === 2 ? null : `The ${n === 1 ? 'First' : 'Third'} Lamp`, [
      ...(n === 1
        ? [{ kind: 'noteRef' as const, noteId: 'note-2', position: { file: 'hand-made.txt', line: 3 } }]
        : []),
      ...Array.from({ length: 7 }, (_, i) => para(prose(40 + ((i * 37) % 150), n * 100 + i))),
      sceneBreak(null),
      para('', 1, [
        { kind: 'text', text: 'The twenty-three ships came in with the tide, each one logged by lantern' },
        { kind: 'noteRef', noteId: 'note-3' },
        { kind: 'text', text: ' before the keeper slept.' },
      ]),
      ...Array.from({ length: 5 }, (_, i) => para(prose(30 + ((i * 53) % 160), n * 1000 + i))),
      sceneBreak('xXx'),
      para(prose(90, n * 7)),
    ]),
  );
  return story({
    pairing: 'Keeper/Sea',
    fandom: 'Original Work',
    tags: ['slow burn', 'weather'],
    chapters,
    notes: [
      note('note-1', 'Written on a wet afternoon; thanks for reading.', { kind: 'header' }),
      note('note-2', 'This chapter borrows the lamp from an old drawing.', {
        kind: 'chapter-start',
        chapter: 1,
      }),
      note('note-3', 'Yes, twenty-three is a real count from the harbour log.', {
        kind: 'inline',
        chapter: 1,
      }),
    ],
  });
}

// First in the file, so it runs before any other book shapes a dotless i in this thread.
describe('the text layer does not depend on what the thread drew before', async () => {
  // The cover draws ì and í as outlines: composite glyphs whose component is the dotless i, a glyph
  // the shared font object then holds with no characters of its own.
  outlineText('\u00ec\u00ed', { font: 'regular', size: 40 }, 0, 40);
  const s = story({
    chapters: [chapter(1, 'Signals', [para('A k\u0131rm\u0131z\u0131 light, and then the green one.')])],
  });
  const file = tempPdf((await writePdf(s, options(), null)).bytes);

  it('maps a glyph to its character even after the cover drew it as a component', () => {
    const entries = toUnicodeEntries(file);
    expect(entries).toContain('<0131>');
    expect(entries).not.toContain('<>');
  });
});

describe('plain words are set exactly as fontkit sets them', () => {
  // Letters, digits, punctuation and the typographer's characters, every pair of them; the words of
  // the sample stories; and strings rich in the letters of ligatures (fi, ffl, Th, …).
  const alphabet = [
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    ...' .,;:!?\'"()[]-/&*%$#@+=<>_',
    ...'\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00e9\u00e8\u00e0\u00fc\u00f6\u00e7\u00f1\u0142\u0119\u00df\u00c9\u0152\u00a0\u00b7\u00d7\ufb01',
    ...'\u03b1\u03ac\u03a9\u03c2\u0386\u0436\u0416\u044f\u0451\u0404',
  ];
  const words = new Set<string>();
  for (const a of alphabet) for (const b of alphabet) words.add(a + b);
  for (const p of sampleStoryPaths()) {
    const file = fs.statSync(p).isDirectory() ? path.join(p, 'story.txt') : p;
    if (!fs.existsSync(file)) continue;
    for (const w of fs.readFileSync(file, 'utf8').split(/\s+/)) if (w) words.add(w).add(w.toUpperCase());
  }
  const letters = [...'fiIltThbkjaeo\u2019-.'];
  let seed = 7;
  for (let i = 0; i < 20000; i++) {
    let w = '';
    for (let k = 0; k < 2 + (i % 6); k++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      w += letters[seed % letters.length];
    }
    words.add(w);
  }

  /** A font object of its own for the test (not the thread's shared one). */
  function bookFont(face: keyof typeof BOOK_FONT & string): Font {
    const opened = openSync(BOOK_FONT[face]);
    const font = 'fonts' in opened ? opened.fonts[0] : opened;
    if (!font) throw new Error(`no font in ${BOOK_FONT[face]}`);
    return font;
  }

  it("takes each character's script as fontkit detects it", () => {
    const font = bookFont('regular');
    const wrong: string[] = [];
    for (let cp = 0; cp < 0x2150; cp++) {
      const script = scriptOf(cp);
      if (script === null) continue;
      const detected = (font.layout(String.fromCharCode(cp)) as unknown as { script: string }).script;
      if (detected !== (script === 'common' ? 'zzzz' : script)) wrong.push(cp.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  for (const face of ['regular', 'italic', 'bold', 'boldItalic'] as const) {
    it(`in ${face}`, () => {
      const font = bookFont(face);
      const plain = PlainShaper.of(font);
      expect(plain).not.toBeNull();
      let taken = 0;
      const wrong: string[] = [];
      for (const w of words) {
        const r = plain?.shape(w);
        if (!r) continue;
        taken++;
        const run = font.layout(w);
        const same =
          run.advanceWidth === r.advanceWidth &&
          run.glyphs.length === r.glyphs.length &&
          run.glyphs.every(
            (g, i) =>
              g === r.glyphs[i] &&
              g.advanceWidth === r.advances[i] &&
              run.positions[i]?.xAdvance === r.xAdvances[i],
          );
        if (!same) wrong.push(w);
      }
      expect(wrong).toEqual([]);
      // Nearly every word of a story is plain.
      expect(taken).toBeGreaterThan(words.size * 0.9);
    });
  }
});

describe('PDF of a hand-made story', async () => {
  const s = handMade();
  const result = await writePdf(s, options(), null);
  const file = tempPdf(result.bytes);

  it('embeds every font it uses', () => {
    const fonts = pdfFonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) expect(f, `${f.name} must be embedded`).toMatchObject({ embedded: true });
    expect(fonts.map((f) => f.name).join(' ')).toMatch(/Literata-Regular/);
  });

  it('gives back every body word in order, then the notes', () => {
    expect(wordsInOrder(bodyWords(s), wordsFrom(file, 'ch-1'))).toBeNull();
    expect(wordsInOrder(noteWords(s), wordsFrom(file, 'notes'))).toBeNull();
  });

  it('hyphenates some words and reads them back whole', () => {
    const raw = pdfText(file);
    expect(raw).toMatch(/\u00ad\n/);
  });

  it('has metadata, language and tags', () => {
    const info = pdfInfo(file);
    expect(info.Title).toBe('The Lighthouse Ledger');
    expect(info.Author).toBe('Wren Hollowell');
    expect(info.Subject).toBe(s.meta.summary);
    expect(info.Keywords).toBe('Keeper/Sea, Original Work, slow burn, weather');
    expect(info.Tagged).toBe('yes');
    const json = qpdfJson(file);
    const catalog = Object.values(json.qpdf[1]).find((o) => o.value?.['/Type'] === '/Catalog')?.value;
    expect(catalog?.['/Lang']).toBe('u:en');
    expect(catalog?.['/StructTreeRoot']).toBeDefined();
  });

  it('has an outline entry per chapter and the appendix, pointing at their first pages', () => {
    const json = qpdfJson(file);
    expect(json.outlines.map((o) => o.title)).toEqual([
      'Chapter 1: The First Lamp',
      'Chapter 2',
      'Chapter 3: The Third Lamp',
      'Author\u2019s Notes',
    ]);
    const dests = destinations(file);
    for (const o of json.outlines) expect(o.destpageposfrom1).toBeGreaterThan(1);
    expect(json.outlines[0]?.destpageposfrom1).toBe(dests.get('ch-1'));
    expect(json.outlines[3]?.destpageposfrom1).toBe(dests.get('notes'));
  });

  it('links each note marker to its note and each note back to its marker', () => {
    const dests = destinations(file);
    const targets = new Set(goToTargets(qpdfJson(file)));
    for (const n of ['note-1', 'note-2', 'note-3']) {
      expect(dests.has(`notes#${n}`), `destination notes#${n}`).toBe(true);
      expect(targets.has(`notes#${n}`), `a link to notes#${n}`).toBe(true);
    }
    expect(dests.get('ch-1#ref-note-3')).toBeGreaterThanOrEqual(
      dests.get('ch-1') ?? Number.POSITIVE_INFINITY,
    );
    expect(targets.has('ch-1#ref-note-3')).toBe(true);
    expect(targets.has('title#ref-note-1')).toBe(true);
    expect(dests.has('title#ref-note-1')).toBe(true);
    // The contents link to every chapter.
    for (const c of ['ch-1', 'ch-2', 'ch-3', 'notes'])
      expect(targets.has(c), `contents link to ${c}`).toBe(true);
    expect(result.diagnostics.filter((d) => d.code === 'pdf-broken-link')).toEqual([]);
  });

  it('prints the right page number for each chapter in the contents', () => {
    const dests = destinations(file);
    const contentsPage = dests.get('contents') ?? 0;
    const ch1 = dests.get('ch-1') ?? 0;
    const text = pdfText(file, contentsPage, contentsPage);
    for (const [id, title] of [
      ['ch-1', 'The First Lamp'],
      ['ch-2', 'Chapter 2'],
      ['ch-3', 'The Third Lamp'],
    ] as const) {
      const folio = (dests.get(id) ?? 0) - ch1 + 1;
      expect(text).toMatch(new RegExp(`${title}\\s+${folio}\\b`));
    }
  });

  it('shows every scene break, even at a page boundary', () => {
    const text = pdfText(file);
    const blank = s.chapters
      .flatMap((c) => c.blocks)
      .filter((b) => b.kind === 'sceneBreak' && b.marker === null).length;
    const written = s.chapters
      .flatMap((c) => c.blocks)
      .filter((b) => b.kind === 'sceneBreak' && b.marker === 'xXx').length;
    expect(text.match(/\u2042/g)?.length ?? 0).toBe(blank);
    expect(text.match(/xXx/g)?.length ?? 0).toBe(written);
  });

  it('is a clean PDF for qpdf', () => {
    const r = qpdfCheck(file);
    expect(r.output).toMatch(/No syntax or stream encoding errors/);
    expect(r.ok, r.output).toBe(true);
  });

  it('is byte-identical when built twice', async () => {
    const again = await writePdf(handMade(), options(), null);
    expect(again.bytes.equals(result.bytes)).toBe(true);
  });

  it('changes with the build date only through the dates', async () => {
    const later = await writePdf(handMade(), options({ buildDate: new Date('2025-01-01T00:00:00Z') }), null);
    expect(later.bytes.equals(result.bytes)).toBe(false);
    expect(pdfInfo(tempPdf(later.bytes)).CreationDate).toMatch(/2025/);
  });
});

describe('a book with a cover', () => {
  it('puts the cover image first, full bleed, with no text on it', async () => {
    const cover = await plainCover(160, 256, '#345a7a');
    const s = handMade();
    const withCover = tempPdf((await writePdf(s, options(), cover)).bytes);
    const without = tempPdf((await writePdf(s, options(), null)).bytes);
    expect(Number(pdfInfo(withCover).Pages)).toBe(Number(pdfInfo(without).Pages) + 1);
    expect(pdfText(withCover, 1, 1).trim()).toBe('');
    const images = pdfImages(withCover);
    expect(images).toEqual([{ page: 1, width: 160, height: 256, encoding: 'jpeg' }]);
    expect(destinations(withCover).get('title')).toBe(2);
  });
});

describe('page sizes', () => {
  const s = story({
    chapters: [chapter(1, 'Only', [para(prose(900, 5)), sceneBreak(null), para(prose(400, 6))])],
  });
  for (const name of PAGE_SIZE_NAMES) {
    it(`every page of a ${name} book is ${PAGE_SIZES[name].label}`, async () => {
      const r = await writePdf(s, options({ pageSize: name }), null);
      const file = tempPdf(r.bytes);
      const info = pdfInfo(file);
      const pages = Number(info.Pages);
      expect(pages).toBeGreaterThan(3);
      const sizes = pageSizes(file, pages);
      expect(sizes).toHaveLength(pages);
      const { width, height } = PAGE_SIZES[name];
      for (const sz of sizes) {
        const m = /([\d.]+) x ([\d.]+) pts/.exec(sz);
        expect(Number(m?.[1])).toBeCloseTo(width, 1);
        expect(Number(m?.[2])).toBeCloseTo(height, 1);
      }
      expect(wordsInOrder(bodyWords(s), wordsFrom(file, 'ch-1'))).toBeNull();
    });
  }
});

describe('the closed element set and the theme', () => {
  it('throws pdf-unsupported-element for an element the writer cannot lay out', async () => {
    const dir = templatesCopy();
    const chapterTpl = path.join(dir, 'chapter.hbs');
    fs.writeFileSync(
      chapterTpl,
      fs
        .readFileSync(chapterTpl, 'utf8')
        .replace('</section>', '<table><tr><td>x</td></tr></table></section>'),
    );
    const s = story({ chapters: [chapter(1, 'One', [para('A short line of text.')])] });
    const err = await writePdf(s, options({ templatesDir: dir }), null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FicbindError);
    expect((err as FicbindError).diagnostic.code).toBe('pdf-unsupported-element');
    expect((err as FicbindError).diagnostic.message).toMatch(/<table>.*|ch-1/);
  });

  it('rejects a theme with wrong values, naming each one', () => {
    const good = JSON.parse(fs.readFileSync(path.join(DEFAULT_TEMPLATES_DIR, 'pdf-theme.json'), 'utf8'));
    expect(() => validateTheme(good, 'pdf-theme.json')).not.toThrow();
    const bad = structuredClone(good);
    bad.elements.p.align = 'sideways';
    bad.geometry.a5.fontSize = -3;
    bad.classes['scene-break'].colour = '#ff0000';
    let caught: unknown;
    try {
      validateTheme(bad, 'pdf-theme.json');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FicbindError);
    const msg = (caught as FicbindError).diagnostic.message;
    expect(msg).toMatch(/elements\.p\.align/);
    expect(msg).toMatch(/geometry\.a5\.fontSize/);
    expect(msg).toMatch(/classes\.scene-break\.colour/);
  });

  it('rejects a fallback font that is a web font or no font under a .ttf name, saying which', () => {
    const good = JSON.parse(fs.readFileSync(path.join(DEFAULT_TEMPLATES_DIR, 'pdf-theme.json'), 'utf8'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-theme-'));
    const problem = (name: string, bytes: Buffer): string => {
      fs.writeFileSync(path.join(dir, name), bytes);
      try {
        validateTheme({ ...good, fallbackFont: name }, path.join(dir, 'pdf-theme.json'));
      } catch (e) {
        return (e as FicbindError).diagnostic.message;
      }
      return '';
    };
    expect(problem('web.ttf', Buffer.from('wOF2\0\x01\0\0 and the rest'))).toMatch(
      /web\.ttf is a WOFF2 web font/,
    );
    expect(problem('notes.ttf', Buffer.from('just some text'))).toMatch(/notes\.ttf is not a font file/);
    expect(problem('short.ttf', Buffer.from([0, 1]))).toMatch(/short\.ttf is not a font file/);
    fs.mkdirSync(path.join(dir, 'fonts.ttf'));
    try {
      validateTheme({ ...good, fallbackFont: 'fonts.ttf' }, path.join(dir, 'pdf-theme.json'));
      throw new Error('a folder was taken for a font');
    } catch (e) {
      expect((e as FicbindError).diagnostic.message).toMatch(/fonts\.ttf is a folder/);
    }
    expect(problem('real.ttf', fs.readFileSync(BOOK_FONT.regular))).toBe('');
  });
});

describe('characters the book font lacks', () => {
  const s = story({
    chapters: [chapter(1, 'Hearts', [para('She drew a \u2665 on the glass and the word \u6d77 beside it.')])],
  });

  it('warns once, naming them', async () => {
    const r = await writePdf(s, options(), null);
    const warnings = r.diagnostics.filter((d) => d.code === 'pdf-missing-glyph');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.severity).toBe('warning');
    expect(warnings[0]?.message).toMatch(/U\+2665/);
    expect(warnings[0]?.message).toMatch(/U\+6D77/);
  });

  it('draws them with the theme fallback font when one is configured', async () => {
    const dejavu = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
    if (!fs.existsSync(dejavu)) throw new Error(`${dejavu} is missing: apt-get install -y fonts-dejavu-core`);
    const dir = templatesCopy();
    const themeFile = path.join(dir, 'pdf-theme.json');
    const theme = JSON.parse(fs.readFileSync(themeFile, 'utf8'));
    theme.fallbackFont = dejavu;
    fs.writeFileSync(themeFile, JSON.stringify(theme));
    const r = await writePdf(s, options({ templatesDir: dir }), null);
    const file = tempPdf(r.bytes);
    expect(
      pdfFonts(file)
        .map((f) => f.name)
        .join(' '),
    ).toMatch(/DejaVuSans/);
    expect(pdfText(file)).toContain('\u2665');
    expect(r.diagnostics.find((d) => d.code === 'pdf-missing-glyph')?.message).toMatch(/fallback/);
  });
});

async function checkParsedStory(input: string): Promise<void> {
  const parsed = await parseStory(input);
  if (!parsed.ok) throw new Error(`${input} did not parse: ${parsed.error.message}`);
  const s = parsed.story;
  const r = await writePdf(s, options(), null);
  const file = tempPdf(r.bytes);
  for (const f of pdfFonts(file)) expect(f, `${f.name} must be embedded`).toMatchObject({ embedded: true });
  const info = pdfInfo(file);
  expect(info.Tagged).toBe('yes');
  expect(info.Title).toBe(s.meta.title.replace(/\s+/g, ' ').trim());
  const first = s.chapters[0];
  if (first) expect(wordsInOrder(bodyWords(s), wordsFrom(file, first.id))).toBeNull();
  if (s.notes.length > 0) expect(wordsInOrder(noteWords(s), wordsFrom(file, 'notes'))).toBeNull();
  expect(qpdfJson(file).outlines).toHaveLength(s.chapters.length + (s.notes.length > 0 ? 1 : 0));
  const check = qpdfCheck(file);
  expect(check.ok, check.output).toBe(true);
  const again = await writePdf(s, options(), null);
  expect(again.bytes.equals(r.bytes)).toBe(true);
}

describe('PDF of every sample in stories/', () => {
  for (const p of sampleStoryPaths()) it(path.basename(p), () => checkParsedStory(p));
});

describe.skipIf(REAL_STORIES_DIR === null)('PDF of the real stories (FICBIND_REAL_STORIES)', () => {
  for (const f of realStoryFiles()) it(path.basename(f), () => checkParsedStory(f));
});
