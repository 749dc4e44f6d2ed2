/**
 * The EPUB writer, checked from the outside: EPUBCheck validates every book, and the books are read
 * back (zip → OPF → spine → XHTML) to find the story's words, its notes, the reading order and the
 * links between notes and the text.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Story } from '../src/model.js';
import { parseStory } from '../src/parse/index.js';
import { writeEpub } from '../src/render/epub.js';
import type { CoverImage } from '../src/render/types.js';
import {
  bodyOf,
  chapterWordsOf,
  type EpubDoc,
  findAll,
  noteWordsOf,
  type OpenedEpub,
  openEpub,
  textOf,
  words,
} from './helpers/book-words.js';
import { fullStory, hostileStory, renderOptions, tinyStory } from './helpers/epub-stories.js';
import { type EpubCheckResult, epubcheck } from './helpers/epubcheck.js';
import { plainCover } from './helpers/plain-cover.js';

const OUT = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-epub-test-'));
const SAMPLES_DIR = path.resolve(import.meta.dirname, '..', 'stories');
const REAL_DIR = process.env.FICBIND_REAL_STORIES;

/** The page body elements both writers support (the contract with the PDF writer). */
const ALLOWED_ELEMENTS = new Set(
  'section div h1 h2 h3 p em strong span a ul ol li blockquote img br sup'.split(' '),
);
const ALLOWED_ATTRIBUTES = new Set(['class', 'id', 'href', 'src', 'alt', 'epub:type', 'role']);

let coverImage: CoverImage | null = null;
async function testCover(): Promise<CoverImage> {
  coverImage ??= await plainCover(400, 640, '#2b4a6f', { quality: 80 });
  return coverImage;
}

interface Book {
  readonly name: string;
  readonly story: Story;
  readonly file: string;
  readonly bytes: Buffer;
  readonly hasCover: boolean;
  readonly epub: OpenedEpub;
}

interface BookCase {
  readonly name: string;
  readonly story: () => Promise<Story>;
  readonly cover: boolean;
}

async function build(c: BookCase): Promise<Book> {
  const story = await c.story();
  const cover = c.cover ? await testCover() : null;
  const { bytes } = await writeEpub(story, renderOptions(), cover);
  const file = path.join(OUT, `${c.name.replace(/[^A-Za-z0-9._-]/g, '_')}.epub`);
  fs.writeFileSync(file, bytes);
  return { name: c.name, story, file, bytes, hasCover: c.cover, epub: await openEpub(bytes) };
}

async function parsed(p: string): Promise<Story> {
  const r = await parseStory(p);
  if (!r.ok) throw new Error(`${p} did not parse: ${r.error.message}`);
  return r.story;
}

/** Story inputs in a folder: `*.txt` files and sub-folders (one file per chapter). */
function storyInputs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isFile() && e.name.endsWith('.txt')) || e.isDirectory())
    .map((e) => path.join(dir, e.name))
    .sort();
}

const CHAPTER_SKIP = { skipTags: ['h1', 'h2'], skipClasses: ['noteref', 'note-marker', 'scene-break'] };

function docOrFail(book: Book, href: string): EpubDoc {
  const d = book.epub.doc(href);
  if (!d) throw new Error(`${book.name}: ${href} is not in the spine`);
  return d;
}

function expectedSpine(book: Book): string[] {
  const s = book.story;
  return [
    ...(book.hasCover ? ['cover.xhtml'] : []),
    'title.xhtml',
    ...(s.meta.disclaimer?.trim() ? ['disclaimer.xhtml'] : []),
    'contents.xhtml',
    ...s.chapters.map((c) => `${c.id}.xhtml`),
    ...(s.notes.length > 0 ? ['notes.xhtml'] : []),
  ];
}

// Every book of every suite is built and validated once, in one EPUBCheck run (one JVM start).
const ALL_CASES: BookCase[] = [];
const books = new Map<string, Book>();
const checks = new Map<string, EpubCheckResult>();

beforeAll(async () => {
  for (const c of ALL_CASES) books.set(c.name, await build(c));
  const list = [...books.values()];
  const results = await epubcheck(list.map((b) => b.file));
  list.forEach((b, i) => {
    const r = results[i];
    if (r) checks.set(b.name, r);
  });
}, 600_000);

/** The tests every book gets, whatever story it was made from. */
function bookSuite(title: string, cases: readonly BookCase[]): void {
  ALL_CASES.push(...cases);
  describe(title, () => {
    const book = (name: string): Book => {
      const b = books.get(name);
      if (!b) throw new Error(`book ${name} was not built`);
      return b;
    };
    const names = cases.map((c) => c.name);

    test.for(names)('%s: EPUBCheck finds 0 fatals, 0 errors, 0 warnings', (name) => {
      const r = checks.get(name);
      expect(r, 'EPUBCheck result').toBeDefined();
      expect({ fatals: r?.fatals, errors: r?.errors, warnings: r?.warnings }, r?.messages).toEqual({
        fatals: 0,
        errors: 0,
        warnings: 0,
      });
    });

    test.for(names)('%s: reading order is cover?, title, disclaimer?, contents, chapters, notes?', (name) => {
      const b = book(name);
      expect(b.epub.spine.map((d) => d.href)).toEqual(expectedSpine(b));
    });

    test.for(names)('%s: every word of every chapter, in order, in its chapter document', (name) => {
      const b = book(name);
      const expected = chapterWordsOf(b.story);
      let total = 0;
      for (const ch of b.story.chapters) {
        const got = words(textOf(bodyOf(docOrFail(b, `${ch.id}.xhtml`)), CHAPTER_SKIP));
        expect(got, `${name} ${ch.id}`).toEqual(expected.get(ch.id));
        total += got.length;
      }
      if (b.story.chapters.some((c) => c.blocks.some((x) => x.kind === 'paragraph')))
        expect(total).toBeGreaterThan(0);
    });

    test.for(names)("%s: every note's words in the appendix, linked both ways with the text", (name) => {
      const b = book(name);
      if (b.story.notes.length === 0) {
        expect(b.epub.doc('notes.xhtml')).toBeUndefined();
        return;
      }
      const notesDoc = docOrFail(b, 'notes.xhtml');
      const expected = noteWordsOf(b.story);
      for (const n of b.story.notes) {
        const [item] = findAll(notesDoc.root, (e) => e.attribs.id === n.id);
        expect(item, `${name}: appendix entry for ${n.id}`).toBeDefined();
        if (!item) continue;
        expect(words(textOf(item.children, { skipClasses: ['note-head'] })), `${name} ${n.id}`).toEqual(
          expected.get(n.id),
        );
        expect(textOf(item.children), `${name} ${n.id} shows its label`).toContain(n.label);
        // The back link leads to the reference, and the reference leads to the note.
        const [back] = findAll(
          item.children,
          (e) => e.name === 'a' && (e.attribs.href ?? '').includes('#ref-'),
        );
        const [backDoc, backId] = (back?.attribs.href ?? '').split('#');
        const expectedDoc =
          n.placement.kind === 'header'
            ? 'title.xhtml'
            : `${b.story.chapters.find((c) => c.number === (n.placement as { chapter: number }).chapter)?.id}.xhtml`;
        expect(backDoc, `${name} ${n.id} links back to where it stood`).toBe(expectedDoc);
        const [ref] = findAll(docOrFail(b, backDoc ?? '').root, (e) => e.attribs.id === backId);
        expect(ref?.name, `${name}: reference ${backId}`).toBe('a');
        expect(ref?.attribs.href).toBe(`notes.xhtml#${n.id}`);
      }
    });

    test.for(names)('%s: page bodies use only the closed set of elements and attributes', (name) => {
      const b = book(name);
      for (const d of b.epub.spine) {
        for (const el of findAll(bodyOf(d), () => true)) {
          expect(ALLOWED_ELEMENTS.has(el.name), `${d.href}: <${el.name}>`).toBe(true);
          for (const a of Object.keys(el.attribs))
            expect(ALLOWED_ATTRIBUTES.has(a), `${d.href}: ${a}=`).toBe(true);
        }
        expect(d.xml, `${d.href} has a language`).toMatch(/<html [^>]*xml:lang="[^"]+"[^>]*lang="[^"]+"/);
      }
    });

    test.for(names)('%s: scene breaks stay visible (a text ornament, never a bare <hr>)', (name) => {
      const b = book(name);
      for (const ch of b.story.chapters) {
        const d = docOrFail(b, `${ch.id}.xhtml`);
        const breaks = findAll(d.root, (e) => (e.attribs.class ?? '').split(' ').includes('scene-break'));
        expect(breaks.length, `${ch.id}`).toBe(ch.blocks.filter((x) => x.kind === 'sceneBreak').length);
        for (const br of breaks) expect(textOf(br.children).trim().length).toBeGreaterThan(0);
        expect(d.xml).not.toContain('<hr');
      }
    });
  });
}

const handMade: BookCase[] = [
  { name: 'every-block-kind', story: async () => fullStory(), cover: false },
  { name: 'every-block-kind-with-cover', story: async () => fullStory(), cover: true },
  { name: 'one-chapter-no-author', story: async () => tinyStory(), cover: false },
  { name: 'markup-in-story-text', story: async () => hostileStory(), cover: true },
];
bookSuite('hand-made stories', handMade);

const samples = fs.existsSync(SAMPLES_DIR) ? storyInputs(SAMPLES_DIR) : [];
describe('sample stories exist', () => {
  test('stories/ holds samples to build', () => {
    expect(samples.length).toBeGreaterThan(0);
  });
});
bookSuite(
  'sample stories',
  samples.map((p) => ({ name: `sample ${path.basename(p)}`, story: () => parsed(p), cover: false })),
);

describe.skipIf(!REAL_DIR)('real stories (FICBIND_REAL_STORIES)', () => {
  const real = REAL_DIR ? storyInputs(REAL_DIR) : [];
  test('the folder holds stories', () => {
    expect(real.length).toBeGreaterThan(0);
  });
  bookSuite(
    'real stories',
    real.map((p) => ({ name: `real ${path.basename(p)}`, story: () => parsed(p), cover: true })),
  );
});

describe('EPUB package', () => {
  const opts = renderOptions();

  test('the same story builds to the same bytes, with mimetype first and stored', async () => {
    const cover = await testCover();
    const a = await writeEpub(fullStory(), opts, cover);
    const b = await writeEpub(fullStory(), opts, cover);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    // OCF: the first local file header is `mimetype`, compression method 0, content uncompressed.
    expect(a.bytes.readUInt32LE(0)).toBe(0x04034b50);
    expect(a.bytes.readUInt16LE(8)).toBe(0);
    const nameLength = a.bytes.readUInt16LE(26);
    const extraLength = a.bytes.readUInt16LE(28);
    expect(a.bytes.subarray(30, 30 + nameLength).toString()).toBe('mimetype');
    expect(
      a.bytes.subarray(30 + nameLength + extraLength, 30 + nameLength + extraLength + 20).toString(),
    ).toBe('application/epub+zip');
    // Another build date changes only the stamp, not the identity of the book.
    const c = await writeEpub(
      fullStory(),
      renderOptions({ buildDate: new Date('2022-01-02T03:04:05Z') }),
      cover,
    );
    expect(c.bytes.equals(a.bytes)).toBe(false);
    const [oa, oc] = [await openEpub(a.bytes), await openEpub(c.bytes)];
    expect(oc.opf.replace(/2022-01-02T03:04:05Z/, 'X')).toBe(oa.opf.replace(/2021-06-01T10:20:30Z/, 'X'));
  });

  test('zip entries carry the build date', async () => {
    const { bytes } = await writeEpub(tinyStory(), opts, null);
    const zip = await JSZip.loadAsync(bytes);
    const dates = new Set<string>();
    zip.forEach((_, e) => {
      dates.add(e.date.toISOString());
    });
    expect([...dates]).toEqual(['2021-06-01T10:20:30.000Z']);
  });

  test('metadata: stable id, language, description, subjects, modified date, cover, accessibility', async () => {
    const { bytes } = await writeEpub(fullStory(), opts, await testCover());
    const { opf, zip } = await openEpub(bytes);
    const id = /<dc:identifier id="book-id">([^<]+)<\/dc:identifier>/.exec(opf)?.[1];
    expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = await openEpub((await writeEpub(tinyStory(), opts, null)).bytes);
    expect(other.opf).not.toContain(id);
    expect(opf).toContain('<dc:language>en</dc:language>');
    expect(opf).toMatch(/<dc:description>A keeper, a storm[^<]+<\/dc:description>/);
    expect(opf).toContain('<dc:creator id="creator-1">Quill &amp; Ink</dc:creator>');
    for (const s of ['Mara/Tobin', 'Original Lighthouses', 'hurt/comfort', 'winter'])
      expect(opf).toContain(`<dc:subject>${s}</dc:subject>`);
    expect(opf).toContain('<meta property="dcterms:modified">2021-06-01T10:20:30Z</meta>');
    expect(opf).toMatch(
      /<item id="cover-image" href="cover.jpg" media-type="image\/jpeg" properties="cover-image" \/>/,
    );
    expect(opf).toContain('<meta name="cover" content="cover-image" />');
    expect(await zip.file('OEBPS/cover.jpg')?.async('nodebuffer')).toEqual(coverImage?.jpeg);
    for (const p of [
      'accessMode',
      'accessModeSufficient',
      'accessibilityFeature',
      'accessibilityHazard',
      'accessibilitySummary',
    ])
      expect(opf).toContain(`<meta property="schema:${p}">`);
    expect(opf).not.toMatch(/rights/i);
    expect(opf).not.toMatch(/<dc:description>\s*<\/dc:description>/);
  });

  test('a story without a summary still gets a description', async () => {
    const { opf } = await openEpub((await writeEpub(tinyStory(), opts, null)).bytes);
    expect(opf).toMatch(/<dc:description>Small Hours: a story of 7 words in 1 chapter\.<\/dc:description>/);
    expect(opf).not.toContain('<dc:creator');
  });

  test('the language of the story is the language of every document', async () => {
    const s = fullStory();
    const fr: Story = { ...s, meta: { ...s.meta, language: 'fr-CA' } };
    const epub = await openEpub((await writeEpub(fr, opts, null)).bytes);
    expect(epub.opf).toContain('<dc:language>fr-CA</dc:language>');
    for (const d of epub.spine) expect(d.xml).toContain('xml:lang="fr-CA" lang="fr-CA"');
    const nav = await epub.zip.file('OEBPS/toc.xhtml')?.async('string');
    expect(nav).toContain('xml:lang="fr-CA"');
  });

  test('nav has the chapters and the appendix plus landmarks; NCX playOrder counts from 1', async () => {
    const { zip } = await openEpub((await writeEpub(tinyStory(), opts, null)).bytes);
    const ncx = (await zip.file('OEBPS/toc.ncx')?.async('string')) ?? '';
    expect([...ncx.matchAll(/playOrder="(\d+)"/g)].map((m) => m[1])).toEqual(['1']);
    const full = await openEpub((await writeEpub(fullStory(), opts, await testCover())).bytes);
    const nav = (await full.zip.file('OEBPS/toc.xhtml')?.async('string')) ?? '';
    const toc = /<nav epub:type="toc"[\s\S]*?<\/nav>/.exec(nav)?.[0] ?? '';
    expect([...toc.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'ch-1.xhtml',
      'ch-2.xhtml',
      'notes.xhtml',
    ]);
    const landmarks = /<nav epub:type="landmarks"[\s\S]*?<\/nav>/.exec(nav)?.[0] ?? '';
    expect([...landmarks.matchAll(/epub:type="([^"]+)" href/g)].map((m) => m[1])).toEqual([
      'cover',
      'titlepage',
      'toc',
      'bodymatter',
      'endnotes',
    ]);
    const fullNcx = (await full.zip.file('OEBPS/toc.ncx')?.async('string')) ?? '';
    expect([...fullNcx.matchAll(/playOrder="(\d+)"/g)].map((m) => m[1])).toEqual(['1', '2', '3']);
  });

  test('template syntax and markup in story text come out literally', async () => {
    const { bytes } = await writeEpub(hostileStory(), opts, null);
    const epub = await openEpub(bytes);
    const ch = textOf(bodyOf(docOrFail({ epub } as Book, 'ch-1.xhtml')));
    expect(ch).toContain('She typed {{title}} and {{{body}}} into the box.');
    expect(ch).toContain('Then <script>alert("x")</script> & &nbsp; &copy; appeared.');
    expect(ch).toContain('{{#each x}}<i>');
    const title = textOf(bodyOf(docOrFail({ epub } as Book, 'title.xhtml')));
    expect(title).toContain('{{title}} <script>alert(1)</script>');
    expect(title).toContain('{{{summary}}} & <b>bold</b>');
    const notes = textOf(bodyOf(docOrFail({ epub } as Book, 'notes.xhtml')));
    expect(notes).toContain('<p>not a tag</p> {{x}}');
    expect(notes).toContain('{{label}}');
    for (const d of epub.spine) {
      expect(
        findAll(d.root, (e) => ['script', 'b', 'i'].includes(e.name)),
        d.href,
      ).toEqual([]);
    }
    expect(epub.opf).toContain(
      '<dc:title id="title">{{title}} &lt;script&gt;alert(1)&lt;/script&gt;</dc:title>',
    );
  });

  test('EPUBCheck in this suite does catch a broken book', async () => {
    const { bytes } = await writeEpub(tinyStory(), opts, null);
    const zip = await JSZip.loadAsync(bytes);
    const opf = (await zip.file('OEBPS/content.opf')?.async('string')) ?? '';
    zip.file(
      'OEBPS/content.opf',
      opf.replace(/<dc:description>[^<]*<\/dc:description>/, '<dc:description></dc:description>'),
    );
    zip.file('OEBPS/ch-1.xhtml', '<html><body><p>unclosed</body></html>');
    const file = path.join(OUT, 'broken.epub');
    fs.writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer' }));
    const [r] = await epubcheck([file]);
    expect((r?.fatals ?? 0) + (r?.errors ?? 0)).toBeGreaterThan(0);
  });
});
