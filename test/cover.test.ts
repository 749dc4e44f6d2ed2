import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES_DIR, PACKAGE_ROOT, type RenderOptions } from '../src/config.js';
import { FicbindError } from '../src/diagnostics.js';
import type { Meta, Story } from '../src/model.js';
import { parseStory } from '../src/parse/index.js';
import {
  buildCoverView,
  COVER_JPEG_OPTIONS,
  COVER_SIZE,
  COVER_TEXT,
  colorsFor,
  contrastRatio,
  fitText,
  makeCover,
  measureText,
  rasteriseSvg,
  renderCoverSvg,
  resolveCoverColors,
  THUMBNAIL_SIZE,
} from '../src/render/cover.js';
import { BOOK_FONT } from '../src/render/fonts.js';
import { blankMeta } from './helpers/blank-meta.js';
import { REAL_STORIES_DIR, realStoryFiles, sampleStoryPaths } from './helpers/real-stories.js';

const run = promisify(execFile);

const OPTIONS: RenderOptions = {
  templatesDir: DEFAULT_TEMPLATES_DIR,
  pageSize: 'a5',
  buildDate: new Date('2020-01-01T00:00:00Z'),
};

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-cover-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A story built by hand; its source file lives in a folder of its own (no cover image beside it). */
function story(slug: string, meta: Partial<Meta>, source: Partial<Story['source']> = {}): Story {
  const dir = path.join(tmp, `story-${slug}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${slug}.txt`);
  return {
    slug,
    source: {
      path: file,
      kind: 'file',
      files: [file],
      sidecar: null,
      modified: '2020-01-01T00:00:00Z',
      ...source,
    },
    meta: blankMeta(slug, meta),
    metaOrigin: {},
    chapters: [],
    notes: [],
    diagnostics: [],
  };
}

/** Largest standard deviation over the channels of a region of an image. */
async function regionStdev(
  jpeg: Buffer,
  region: { left: number; top: number; width: number; height: number },
) {
  // stats() reads the whole input, so cut the region out first.
  const cut = await sharp(jpeg).extract(region).png().toBuffer();
  const stats = await sharp(cut).stats();
  return Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev));
}

/** Writes a one-colour image of the given size; the format follows the file's extension. */
async function solidImage(file: string, width: number, height: number, background: string): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background } }).toFile(file);
}

async function pixel(jpeg: Buffer, x: number, y: number): Promise<number[]> {
  const { data } = await sharp(jpeg).extract({ left: x, top: y, width: 1, height: 1 }).raw().toBuffer({
    resolveWithObject: true,
  });
  return [...data.subarray(0, 3)];
}

function hexRgb(hex: string): number[] {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
}

/** The band where the title is drawn, inside the text measure. */
const TITLE_REGION = { left: 210, top: 700, width: 1180, height: 800 };
/** Strips between the inner frame rule and the text measure, left and right, over the text area. */
const MARGINS = [
  { left: 134, top: 600, width: 66, height: 1800 },
  { left: 1400, top: 600, width: 66, height: 1800 },
];

async function expectMarginsEmpty(jpeg: Buffer) {
  for (const m of MARGINS) expect(await regionStdev(jpeg, m)).toBeLessThan(3);
}

const traitor = () => story('004_traitor', { title: 'Traitor', pairing: 'Alex/Olivia' });

describe('generated cover', () => {
  it('is a 1600×2560 JPEG with a 200×320 thumbnail and no metadata', async () => {
    const cover = await makeCover(traitor(), OPTIONS);
    expect(cover.origin).toBe('generated');
    expect([cover.width, cover.height]).toEqual([1600, 2560]);
    const meta = await sharp(cover.jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1600, 2560]);
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    const thumb = await sharp(await cover.thumbnail()).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['jpeg', 200, 320]);
    expect(cover.diagnostics).toEqual([]);
  });

  it('draws the title: the title band has strong contrast, the margins are plain background', async () => {
    const cover = await makeCover(traitor(), OPTIONS);
    expect(await regionStdev(cover.jpeg, TITLE_REGION)).toBeGreaterThan(30);
    await expectMarginsEmpty(cover.jpeg);
  });

  it('draws every letter as an outline, never as SVG text', () => {
    const { svg, view } = renderCoverSvg(traitor(), OPTIONS);
    expect(svg).not.toMatch(/<text\b/);
    expect(svg).toContain(view.title.d);
    expect(view.title.d.length).toBeGreaterThan(500);
    expect(view.title.lines).toEqual(['Traitor']);
  });

  it('gives the same bytes for the same story', async () => {
    const a = await makeCover(traitor(), OPTIONS);
    const b = await makeCover(traitor(), OPTIONS);
    expect(a.jpeg.equals(b.jpeg)).toBe(true);
    expect((await a.thumbnail()).equals(await b.thumbnail())).toBe(true);
    // Drawn once: asking again gives the same buffer.
    expect(await a.thumbnail()).toBe(await a.thumbnail());
  });

  it('makes the thumbnail from the same drawing: the cover, scaled down', async () => {
    const cover = await makeCover(traitor(), OPTIONS);
    const { width, height } = THUMBNAIL_SIZE;
    const scaled = await sharp(cover.jpeg).resize(width, height, { kernel: 'cubic' }).raw().toBuffer();
    const thumb = await sharp(await cover.thumbnail())
      .raw()
      .toBuffer();
    expect(thumb.length).toBe(scaled.length);
    let difference = 0;
    for (let i = 0; i < thumb.length; i++) difference += Math.abs((thumb[i] ?? 0) - (scaled[i] ?? 0));
    expect(difference / thumb.length).toBeLessThan(3);
  });

  it('paints every pixel of the page, so the JPEG can drop the alpha channel rather than blend it', async () => {
    for (const s of [
      traitor(),
      story('opaque-long', { title: 'A Title Long Enough to Take Several Lines' }),
    ]) {
      const drawn = sharp(Buffer.from(renderCoverSvg(s, OPTIONS).svg), { density: 72 });
      const { width, height } = await drawn.metadata();
      expect([width, height]).toEqual([COVER_SIZE.width, COVER_SIZE.height]);
      expect((await drawn.stats()).channels[3]?.min).toBe(255);
    }
  });

  it('lifts the background behind the title and fades it out smoothly towards the corners', async () => {
    const s = story('glow', { title: 'Glow', coverColors: { background: '#000000', foreground: '#ffffff' } });
    const { colors } = buildCoverView(s).view;
    const glow = hexRgb(colors.glow)[1] ?? 0;
    // The rings' flat colours run from the background (step 0) to the glow (the last step).
    expect(colors.glowSteps[0]).toBe(colors.background);
    expect(colors.glowSteps.at(-1)).toBe(colors.glow);
    const cover = await makeCover(s, OPTIONS);
    const lift = async (x: number, y: number) => (await pixel(cover.jpeg, x, y))[1] ?? 0;
    // Beside the title the glow is about halfway out; the corners are nearly at the edge of the glow.
    expect(await lift(160, 1126)).toBeGreaterThan(glow / 3);
    expect(await lift(160, 1126)).toBeLessThan((glow * 2) / 3);
    expect(await lift(30, 30)).toBeLessThan(glow / 6);
    // Down the margin beside the text, the drawing steps by at most two levels at a time: no hard edges.
    const { data } = await sharp(Buffer.from(renderCoverSvg(s, OPTIONS).svg), { density: 72 })
      .extract({ left: 160, top: 600, width: 1, height: 1800 })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const green = [...data].filter((_, i) => i % 3 === 1);
    const steps = green.slice(1).map((v, i) => v - (green[i] ?? 0));
    expect(Math.max(...steps.map(Math.abs))).toBeLessThanOrEqual(2);
    expect(steps.filter((d) => d !== 0).length).toBeGreaterThanOrEqual(3);
  });

  it('gives the same bytes when the machine has no fonts at all', async () => {
    const s = story('fontless', { title: 'Hidden Fonts', author: 'Somebody', pairing: 'Zoë/Łukasz' });
    const cover = await makeCover(s, OPTIONS);
    const { svg } = renderCoverSvg(s, OPTIONS);
    expect((await rasteriseSvg(svg)).equals(cover.jpeg)).toBe(true);

    // A control that proves the hiding works: SVG text set in Literata by name.
    const control = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200"><rect width="600" height="200" fill="#fff"/><text x="20" y="130" font-family="Literata" font-size="90">Hidden</text></svg>`;
    const dir = fs.mkdtempSync(path.join(tmp, 'fonts-'));
    fs.writeFileSync(path.join(dir, 'cover.svg'), svg);
    fs.writeFileSync(path.join(dir, 'control.svg'), control);
    const config = (fontDirs: string[]) =>
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>${fontDirs
        .map((d) => `<dir>${d}</dir>`)
        .join('')}<cachedir>${path.join(dir, 'cache')}</cachedir></fontconfig>\n`;
    fs.writeFileSync(path.join(dir, 'none.conf'), config([]));
    fs.writeFileSync(path.join(dir, 'literata.conf'), config([path.dirname(BOOK_FONT.regular)]));

    // The child rasterises exactly as rasteriseSvg does, with the exported encoder settings.
    const child = `
      import fs from 'node:fs';
      import sharp from 'sharp';
      const [dir, name, jpegOptions] = process.argv.slice(1);
      const render = (f) => sharp(fs.readFileSync(dir + '/' + f), { density: 72 })
        .removeAlpha()
        .jpeg(JSON.parse(jpegOptions))
        .toBuffer();
      fs.writeFileSync(dir + '/' + name + '-cover.jpg', await render('cover.svg'));
      fs.writeFileSync(dir + '/' + name + '-control.png', await sharp(fs.readFileSync(dir + '/control.svg')).png().toBuffer());
    `;
    for (const name of ['none', 'literata']) {
      await run(
        process.execPath,
        ['--input-type=module', '-e', child, dir, name, JSON.stringify(COVER_JPEG_OPTIONS)],
        { cwd: PACKAGE_ROOT, env: { ...process.env, FONTCONFIG_FILE: path.join(dir, `${name}.conf`) } },
      );
    }
    const read = (f: string) => fs.readFileSync(path.join(dir, f));
    expect(read('none-control.png').equals(read('literata-control.png'))).toBe(false);
    expect(read('none-cover.jpg').equals(cover.jpeg)).toBe(true);
    expect(read('literata-cover.jpg').equals(cover.jpeg)).toBe(true);
  });
});

describe('cover colours', () => {
  it('differ between two stories and stay the same for one', async () => {
    const a = colorsFor('Traitor', null);
    const b = colorsFor('The Quiet Shift', 'R. Halloway');
    expect(a).not.toEqual(b);
    expect(colorsFor('Traitor', null)).toEqual(a);
    const ca = await makeCover(story('a', { title: 'Traitor' }), OPTIONS);
    const cb = await makeCover(story('b', { title: 'The Quiet Shift', author: 'R. Halloway' }), OPTIONS);
    expect(await pixel(ca.jpeg, 40, 40)).not.toEqual(await pixel(cb.jpeg, 40, 40));
  });

  it('always give readable text and visible ornaments', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string()), (title, author) => {
        const c = colorsFor(title, author);
        expect(contrastRatio(c.foreground, c.background)).toBeGreaterThanOrEqual(7);
        expect(contrastRatio(c.accent, c.background)).toBeGreaterThanOrEqual(3);
      }),
      { numRuns: 300 },
    );
  });

  it('can be overridden from the story', async () => {
    const s = story('override', {
      title: 'Override',
      coverColors: { background: '#102030', foreground: '#FFEEDD', accent: '#c93' },
    });
    const { colors, diagnostics } = resolveCoverColors(s);
    expect(colors).toEqual({ background: '#102030', foreground: '#ffeedd', accent: '#cc9933' });
    expect(diagnostics).toEqual([]);
    const cover = await makeCover(s, OPTIONS);
    const corner = await pixel(cover.jpeg, 30, 30);
    hexRgb('#102030').forEach((v, i) => {
      expect(Math.abs((corner[i] ?? -99) - v)).toBeLessThanOrEqual(4);
    });
    // The outer frame rule (x = 96, 6 px wide) is drawn in the accent colour.
    const frame = await pixel(cover.jpeg, 96, 1280);
    hexRgb('#cc9933').forEach((v, i) => {
      expect(Math.abs((frame[i] ?? -99) - v)).toBeLessThanOrEqual(6);
    });
  });

  it.each([
    ['accent', 'red'],
    ['background', '#12345'],
    ['foreground', 'rgb(1,2,3)'],
    ['background', ''],
  ])('rejects %s = %j with a clear error', (key, value) => {
    const s = story('bad-colour', { title: 'Bad', coverColors: { [key]: value } });
    let error: unknown;
    try {
      resolveCoverColors(s);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FicbindError);
    const d = (error as FicbindError).diagnostic;
    expect(d.code).toBe('cover-color-invalid');
    expect(d.message).toContain(key);
    expect(d.hint).toMatch(/#rrggbb/);
  });

  it('warns about unknown colour names and unreadable text', () => {
    const s = story('warn-colour', {
      title: 'Warn',
      coverColors: { border: '#000000', foreground: '#101010' },
    });
    const codes = resolveCoverColors(s).diagnostics.map((d) => d.code);
    expect(codes).toContain('cover-color-unknown');
    expect(codes).toContain('cover-low-contrast');
  });
});

describe('cover titles', () => {
  const LONG =
    'The Unexpected and Entirely Unwelcome Return of Detective Olivia Benson to the Sixteenth Precinct After Seven Long Years Away';

  it('wraps and shrinks a long title to fit inside the margins, losing no word', async () => {
    const s = story('long', { title: LONG, author: 'midnightwriter_2009', pairing: 'Elliot/Olivia' });
    const { view, diagnostics } = buildCoverView(s);
    expect(view.title.lineCount).toBeGreaterThan(3);
    expect(view.title.lines.join(' ')).toBe(LONG);
    expect(view.title.fontSize).toBeLessThan(COVER_TEXT.title.maxSize);
    for (const line of view.title.lines) {
      expect(
        measureText(line, { font: COVER_TEXT.title.font, size: view.title.fontSize }),
      ).toBeLessThanOrEqual(COVER_TEXT.title.maxWidth);
    }
    expect(view.title.height).toBeLessThanOrEqual(COVER_TEXT.title.maxHeight);
    expect(view.author?.lines).toEqual(['midnightwriter_2009']);
    expect(diagnostics).toEqual([]);
    const cover = await makeCover(s, OPTIONS);
    await expectMarginsEmpty(cover.jpeg);
  });

  it('fits any run of words inside the measure without losing or reordering one', () => {
    const word = fc.stringMatching(/^[A-Za-zÀ-ÿ'’-]{1,24}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 14 }), (words) => {
        const text = words.join(' ');
        const fitted = fitText(text, COVER_TEXT.title);
        expect(fitted.truncated).toBe(false);
        for (const line of fitted.lines) {
          expect(measureText(line, { font: 'bold', size: fitted.size })).toBeLessThanOrEqual(
            COVER_TEXT.title.maxWidth,
          );
        }
        expect(fitted.lines.join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
        expect(fitted.size).toBeGreaterThanOrEqual(COVER_TEXT.title.minSize);
      }),
      { numRuns: 40 },
    );
  });

  it('composes decomposed accents before drawing them', () => {
    const { view, diagnostics } = buildCoverView(story('nfc', { title: 'Zoe\u0308 and the Cafe\u0301' }));
    expect(view.title.lines.join(' ')).toBe('Zoë and the Café');
    expect(diagnostics).toEqual([]);
  });

  it('breaks a word too long for any line rather than letting it run off the cover', async () => {
    const word = 'Supercalifragilisticexpialidociouslyunputdownablenessofitall';
    const s = story('one-word', { title: word });
    const { view } = buildCoverView(s);
    expect(view.title.lineCount).toBeGreaterThan(1);
    expect(view.title.lines.join('')).toBe(word);
    await expectMarginsEmpty((await makeCover(s, OPTIONS)).jpeg);
  });

  it('keeps words whole when shrinking is enough (a short title stays on as few lines as it can)', () => {
    const { view } = buildCoverView(story('greek-words', { title: 'Η Επιστροφή του Οδυσσέα' }));
    for (const line of view.title.lines) {
      for (const word of line.split(' ')) expect('Η Επιστροφή του Οδυσσέα'.split(' ')).toContain(word);
    }
  });

  it('cuts an endless title short with an ellipsis and says so', () => {
    const endless = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const { view, diagnostics } = buildCoverView(story('endless', { title: endless }));
    expect(view.title.truncated).toBe(true);
    expect(view.title.lines.at(-1)).toMatch(/…$/);
    expect(diagnostics.map((d) => d.code)).toContain('cover-title-truncated');
  });

  it.each([
    ['Greek', 'Η Επιστροφή του Οδυσσέα', 'Ελένη Παπαδοπούλου'],
    ['Cyrillic', 'Война и мир: Наташа', 'Анна Каренина'],
  ])('draws a %s title in its own letters', async (_script, title, author) => {
    const s = story(`script-${_script}`, { title, author });
    const { view, diagnostics } = buildCoverView(s);
    expect(diagnostics).toEqual([]);
    expect(view.title.lines.join(' ')).toBe(title);
    expect(view.author?.lines.join(' ')).toBe(author);
    const cover = await makeCover(s, OPTIONS);
    expect(await regionStdev(cover.jpeg, TITLE_REGION)).toBeGreaterThan(30);
  });

  it('warns about CJK characters the font lacks and draws a title from the file name instead of boxes', () => {
    const s = story('tokyo-nights', { title: '東京の夜', pairing: '彼/彼女' });
    const { view, diagnostics } = buildCoverView(s);
    expect(view.title.lines.join(' ')).toBe('Tokyo Nights');
    expect(view.subtitle).toBeNull();
    const warnings = diagnostics.filter((d) => d.code === 'cover-missing-glyph');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.severity).toBe('warning');
    for (const ch of ['東', '京', 'の', '夜']) expect(warnings[0]?.message).toContain(ch);
    expect(warnings[0]?.message).toContain('Tokyo Nights');
  });

  it('falls back to "Untitled" when the file name cannot be drawn either', () => {
    const { view, diagnostics } = buildCoverView(story('東京の夜', { title: '東京の夜' }));
    expect(view.title.lines).toEqual(['Untitled']);
    expect(diagnostics[0]?.message).toContain('Untitled');
  });

  it('drops a symbol the font lacks but keeps the words', () => {
    const { view, diagnostics } = buildCoverView(story('hearts', { title: 'Love ♥ Story' }));
    expect(view.title.lines.join(' ')).toBe('Love Story');
    expect(diagnostics.map((d) => d.code)).toEqual(['cover-missing-glyph']);
    expect(diagnostics[0]?.message).toContain('♥');
  });

  it('MakeCover reports the warnings with the image', async () => {
    const cover = await makeCover(story('tokyo-nights', { title: '東京の夜' }), OPTIONS);
    expect(cover.diagnostics.map((d) => d.code)).toEqual(['cover-missing-glyph']);
    expect(await regionStdev(cover.jpeg, TITLE_REGION)).toBeGreaterThan(30);
  });
});

describe("author's cover", () => {
  /** A 1600×1000 landscape JPEG, red on top and blue below, that says "rotate 90° clockwise" in EXIF. */
  async function rotatedPhoto(file: string) {
    const top = await sharp({ create: { width: 1600, height: 500, channels: 3, background: '#e01010' } })
      .png()
      .toBuffer();
    await sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#1010e0' } })
      .composite([{ input: top, left: 0, top: 0 }])
      .withMetadata({ orientation: 6 })
      .withIccProfile('p3')
      .jpeg({ quality: 95 })
      .toFile(file);
  }

  function folderWith(name: string): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  function storyIn(
    dir: string,
    slug: string,
    meta: Partial<Meta> = {},
    kind: 'file' | 'folder' = 'file',
  ): Story {
    const p = kind === 'file' ? path.join(dir, `${slug}.txt`) : path.join(dir, slug);
    if (kind === 'folder') fs.mkdirSync(p, { recursive: true });
    return story(slug, { title: 'Photo', ...meta }, { path: p, kind, files: [p] });
  }

  it('is turned upright, made sRGB, cropped to 1600×2560 and stripped of metadata', async () => {
    const dir = folderWith('author-ok');
    const photo = path.join(dir, 'photo.jpg');
    await rotatedPhoto(photo);
    const input = await sharp(photo).metadata();
    expect(input.orientation).toBe(6);
    expect(input.icc).toBeDefined();

    const s = storyIn(dir, 'photo-story', { cover: photo });
    const cover = await makeCover(s, OPTIONS);
    expect(cover.origin).toBe('author');
    const meta = await sharp(cover.jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1600, 2560]);
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.space).toBe('srgb');
    // Upright: the red top of the sensor image is now on the right, the blue bottom on the left.
    const [lr, , lb] = await pixel(cover.jpeg, 300, 1280);
    const [rr, , rb] = await pixel(cover.jpeg, 1300, 1280);
    expect(lb ?? 0).toBeGreaterThan(150);
    expect(lr ?? 255).toBeLessThan(80);
    expect(rr ?? 0).toBeGreaterThan(150);
    expect(rb ?? 255).toBeLessThan(80);
    expect((await sharp(await cover.thumbnail()).metadata()).width).toBe(200);

    const again = await makeCover(s, OPTIONS);
    expect(again.jpeg.equals(cover.jpeg)).toBe(true);
  });

  it('is found next to a story file by the story name, and inside a story folder as cover.*', async () => {
    const dir = folderWith('author-found');
    await solidImage(path.join(dir, 'next-door.png'), 800, 1280, '#20a040');
    const beside = await makeCover(storyIn(dir, 'next-door'), OPTIONS);
    expect(beside.origin).toBe('author');
    expect(await pixel(beside.jpeg, 800, 1280)).toSatisfy(
      (p: number[]) => (p[1] ?? 0) > 140 && (p[0] ?? 255) < 60,
    );

    const folderStory = storyIn(dir, 'in-folder', {}, 'folder');
    await solidImage(path.join(folderStory.source.path, 'cover.webp'), 1000, 1600, '#a02020');
    const inside = await makeCover(folderStory, OPTIONS);
    expect(inside.origin).toBe('author');
    expect((await sharp(inside.jpeg).metadata()).format).toBe('jpeg');

    const plain = await makeCover(storyIn(dir, 'no-image-here'), OPTIONS);
    expect(plain.origin).toBe('generated');
  });

  async function coverError(s: Story) {
    try {
      await makeCover(s, OPTIONS);
    } catch (e) {
      expect(e).toBeInstanceOf(FicbindError);
      return (e as FicbindError).diagnostic;
    }
    throw new Error('makeCover did not fail');
  }

  it('outside the folder holding the story is refused', async () => {
    const dir = folderWith('author-escape/stories');
    const outside = path.join(tmp, 'author-escape', 'secret.png');
    await solidImage(outside, 10, 16, '#000');
    const d = await coverError(storyIn(dir, 'escape', { cover: path.join(dir, '..', 'secret.png') }));
    expect(d.code).toBe('cover-outside-story');
    expect(d.message).toContain('secret.png');
    expect(d.hint).toBeTruthy();

    const link = path.join(dir, 'innocent.png');
    fs.symlinkSync(outside, link);
    expect((await coverError(storyIn(dir, 'escape-link', { cover: link }))).code).toBe('cover-outside-story');
  });

  it('declared by a story folder reached through a link is taken from the folder the link points at', async () => {
    const real = folderWith('author-linked/elsewhere/serial');
    await solidImage(path.join(real, 'cover.png'), 1000, 1600, '#2040a0');
    const stories = folderWith('author-linked/stories');
    fs.symlinkSync(real, path.join(stories, 'serial'));
    const linked = story(
      'serial',
      { title: 'Serial', cover: path.join(stories, 'serial', 'cover.png') },
      { path: path.join(stories, 'serial'), kind: 'folder', files: [] },
    );
    expect((await makeCover(linked, OPTIONS)).origin).toBe('author');
    // The link does not open the rest of the folder it points into.
    await solidImage(path.join(real, '..', 'beside.png'), 10, 16, '#000');
    const outside = {
      ...linked,
      meta: { ...linked.meta, cover: path.join(stories, 'serial', '..', '..', 'elsewhere', 'beside.png') },
    };
    expect((await coverError(outside)).code).toBe('cover-outside-story');
  });

  it('declared beside a story file that is a link is not taken from the folder the link points into', async () => {
    const home = folderWith('author-linked-file/home');
    fs.writeFileSync(path.join(home, 'tale.txt'), 'Title: Tale\n\nWords.\n');
    await solidImage(path.join(home, 'private.png'), 10, 16, '#000');
    const stories = folderWith('author-linked-file/stories');
    fs.symlinkSync(path.join(home, 'tale.txt'), path.join(stories, 'tale.txt'));
    fs.writeFileSync(path.join(stories, 'tale.yaml'), 'cover: ../home/private.png\n');
    const linked = story(
      'tale',
      { title: 'Tale', cover: path.join(home, 'private.png') },
      {
        path: path.join(stories, 'tale.txt'),
        kind: 'file',
        files: [],
        sidecar: path.join(stories, 'tale.yaml'),
      },
    );
    expect((await coverError(linked)).code).toBe('cover-outside-story');
  });

  it('that is a folder is an error naming it', async () => {
    const dir = folderWith('author-folder');
    fs.mkdirSync(path.join(dir, 'art'));
    const d = await coverError(storyIn(dir, 'folder-cover', { cover: path.join(dir, 'art') }));
    expect(d.code).toBe('cover-not-image');
    expect(d.message).toContain('art');
  });

  it('that does not exist is an error naming the file', async () => {
    const dir = folderWith('author-missing');
    const d = await coverError(storyIn(dir, 'missing', { cover: path.join(dir, 'nope.jpg') }));
    expect(d.code).toBe('cover-missing');
    expect(d.message).toContain('nope.jpg');
    expect(d.hint).toBeTruthy();
  });

  it.each([
    ['text saved as .jpg', 'fake.jpg', 'this is not a picture\n'],
    ['an empty file', 'empty.png', ''],
    ['an SVG', 'drawing.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'],
  ])('that is %s is an error naming the file', async (_what, name, content) => {
    const dir = folderWith(`author-bad-${name}`);
    fs.writeFileSync(path.join(dir, name), content);
    const d = await coverError(storyIn(dir, 'bad', { cover: path.join(dir, name) }));
    expect(d.code).toBe('cover-not-image');
    expect(d.message).toContain(name);
    expect(d.hint).toMatch(/JPEG, PNG or WebP/);
  });

  it('that is broken but found by name beside the story is an error too, not a silent generated cover', async () => {
    const dir = folderWith('author-bad-beside');
    fs.writeFileSync(path.join(dir, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 1, 2, 3]));
    expect((await coverError(storyIn(dir, 'broken'))).code).toBe('cover-not-image');
  });

  it('warns when the image is small or a very different shape', async () => {
    const dir = folderWith('author-small');
    await solidImage(path.join(dir, 'small.png'), 300, 200, '#888');
    const cover = await makeCover(storyIn(dir, 'small'), OPTIONS);
    expect([cover.origin, cover.width, cover.height]).toEqual(['author', 1600, 2560]);
    expect(cover.diagnostics.map((d) => d.code)).toEqual(['cover-low-resolution', 'cover-cropped']);
  });
});

async function coverOfFile(file: string) {
  const parsed = await parseStory(file);
  if (!parsed.ok) throw new Error(`${file}: ${parsed.error.message}`);
  const cover = await makeCover(parsed.story, OPTIONS);
  return { story: parsed.story, cover };
}

describe('covers of the sample stories', () => {
  it.each(sampleStoryPaths(path.join(PACKAGE_ROOT, 'stories')))('%s', async (file) => {
    const { story: s, cover } = await coverOfFile(file);
    expect((await sharp(cover.jpeg).metadata()).width).toBe(1600);
    expect(await regionStdev(cover.jpeg, TITLE_REGION)).toBeGreaterThan(30);
    await expectMarginsEmpty(cover.jpeg);
    const { view } = buildCoverView(s);
    expect(view.title.lines.join(' ')).toBe(s.meta.title.replace(/\s+/g, ' ').trim());
  });
});

describe.skipIf(REAL_STORIES_DIR === null)('covers of the real stories (FICBIND_REAL_STORIES)', () => {
  it('makes a readable cover for every story', async () => {
    const files = realStoryFiles();
    const colours = new Set<string>();
    for (const file of files) {
      const { cover } = await coverOfFile(file);
      expect(cover.origin).toBe('generated');
      expect((await sharp(cover.jpeg).metadata()).height).toBe(2560);
      expect(await regionStdev(cover.jpeg, TITLE_REGION)).toBeGreaterThan(30);
      await expectMarginsEmpty(cover.jpeg);
      colours.add((await pixel(cover.jpeg, 40, 40)).join(','));
    }
    expect(colours.size).toBe(files.length);
  });
});
