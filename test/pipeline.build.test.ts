/**
 * The build pipeline as authors and CI use it: the command run in a child process, its books and
 * manifest read back from disk. Small EPUB-only builds without covers keep these fast.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sha256 as sha256Of } from '../src/pipeline/fingerprint.js';
import { ownMemory } from '../src/pipeline/worker.js';
import { writeFileAtomic } from '../src/pipeline/write.js';
import { openEpub } from './helpers/book-words.js';
import {
  ficbind,
  fixture,
  type Manifest,
  manifest,
  project,
  ROOT,
  sha256,
  THREE,
} from './helpers/pipeline.js';

/** What a build left in out/, and each story's outcome in its manifest, by file name. */
function built(dir: string) {
  return {
    books: fs.readdirSync(path.join(dir, 'out')).sort(),
    stories: manifest(dir).stories.map((s) => [path.basename(s.source), s.ok]),
  };
}

describe('ficbind build', () => {
  it('builds every other story when one is broken, names the broken one, exits 1 and records both', () => {
    const dir = project({ ...THREE, 'broken.txt': fixture('binary-file') });
    const r = ficbind(dir, 'build', '--format', 'epub', '--no-cover', '--jobs', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path.join('stories', 'broken.txt'));
    expect(r.stderr).toContain('[binary-file]');
    expect(built(dir)).toEqual({
      books: ['alpha.epub', 'beta.epub', 'gamma.epub', 'manifest.json'],
      stories: [
        ['alpha.txt', true],
        ['beta.txt', true],
        ['broken.txt', false],
        ['gamma.txt', true],
      ],
    });
    const m = manifest(dir);
    expect(m.ok).toBe(false);
    expect(m.stories[2]?.errors[0]?.code).toBe('binary-file');
  });

  it('follows links to stories and story folders, and names a broken link without stopping the rest', () => {
    const dir = project({ 'alpha.txt': THREE['alpha.txt'] });
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(path.join(elsewhere, 'serial'), { recursive: true });
    fs.copyFileSync(THREE['beta.txt'], path.join(elsewhere, 'beta.txt'));
    fs.copyFileSync(THREE['gamma.txt'], path.join(elsewhere, 'serial', 'chapter-1.txt'));
    const stories = path.join(dir, 'stories');
    fs.symlinkSync(path.join(elsewhere, 'beta.txt'), path.join(stories, 'beta.txt'));
    fs.symlinkSync(path.join(elsewhere, 'serial'), path.join(stories, 'serial'));
    fs.symlinkSync(path.join(elsewhere, 'gone.txt'), path.join(stories, 'gone.txt'));
    // A link to the folder itself is not a story made of every other story.
    fs.symlinkSync(stories, path.join(stories, 'everything'));
    // A story folder with a folder of pictures in it is still one story; one whose chapter is a broken
    // link fails, naming the chapter, and the others build.
    const torn = path.join(stories, 'torn');
    fs.mkdirSync(path.join(torn, 'art'), { recursive: true });
    fs.copyFileSync(THREE['gamma.txt'], path.join(torn, 'chapter-1.txt'));
    fs.symlinkSync(path.join(elsewhere, 'chapter-2.txt'), path.join(torn, 'chapter-2.txt'));
    const odd = path.join(stories, 'odd');
    fs.mkdirSync(path.join(odd, 'chapter-2.txt'), { recursive: true });
    fs.copyFileSync(THREE['gamma.txt'], path.join(odd, 'chapter-1.txt'));
    const r = ficbind(dir, 'build', '--format', 'epub', '--no-cover');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${path.join('stories', 'gone.txt')}: error [broken-link] is a link to a file that does not exist`,
    );
    expect(r.stderr).toContain(
      `${path.join('stories', 'torn', 'chapter-2.txt')}: error [unreadable] is a link to a file that does not exist`,
    );
    expect(r.stderr).toContain(
      `${path.join('stories', 'odd', 'chapter-2.txt')}: error [unreadable] is a folder, not a file`,
    );
    // Given on the command line, the broken link is named as such too.
    const alone = ficbind(
      dir,
      'build',
      path.join('stories', 'gone.txt'),
      '--format',
      'epub',
      '--out',
      'out-gone',
    );
    expect(alone.stderr).toContain(
      `${path.join('stories', 'gone.txt')}: error [not-found] is a link to a file that does not exist`,
    );
    expect(built(dir)).toEqual({
      books: ['alpha.epub', 'beta.epub', 'manifest.json', 'serial.epub'],
      stories: [
        ['alpha.txt', true],
        ['beta.txt', true],
        ['odd', false],
        ['serial', true],
        ['torn', false],
      ],
    });
  });

  it('prints a --json report that parses, equals manifest.json and matches the files on disk', () => {
    const dir = project(THREE);
    const r = ficbind(dir, 'build', '--format', 'epub', '--no-cover', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Manifest;
    expect(report).toEqual(manifest(dir));
    expect(report.ok).toBe(true);
    expect(report.stories).toHaveLength(3);
    const onDisk = fs.readdirSync(path.join(dir, 'out')).filter((n) => n !== 'manifest.json');
    expect(report.stories.flatMap((s) => s.outputs.map((o) => path.basename(o.path))).sort()).toEqual(
      onDisk.sort(),
    );
    for (const story of report.stories) {
      expect(story.words).toBeGreaterThan(0);
      expect(story.chapters).toBeGreaterThan(0);
      expect(story.ms).toBeGreaterThanOrEqual(0);
      for (const o of story.outputs) {
        const file = path.join(dir, o.path);
        expect(fs.statSync(file).size).toBe(o.bytes);
        expect(sha256(file)).toBe(o.sha256);
      }
    }
    expect(report.stories.find((s) => s.source.endsWith('beta.txt'))?.notes).toBe(3);
  });

  it('skips every unchanged story on a second run, rebuilds a changed one, and rebuilds all with --force', () => {
    const dir = project(THREE);
    const args = ['build', '--format', 'epub', '--no-cover', '--json'];
    const first = JSON.parse(ficbind(dir, ...args).stdout) as Manifest;
    expect(first.stories.every((s) => s.ok && !s.skipped)).toBe(true);
    const mtimes = () =>
      fs
        .readdirSync(path.join(dir, 'out'))
        .filter((n) => n.endsWith('.epub'))
        .map((n) => [n, fs.statSync(path.join(dir, 'out', n)).mtimeMs]);
    const before = mtimes();

    const second = JSON.parse(ficbind(dir, ...args).stdout) as Manifest;
    expect(second.stories.map((s) => s.skipped)).toEqual([true, true, true]);
    expect(second.stories.map((s) => s.outputs)).toEqual(first.stories.map((s) => s.outputs));
    expect(mtimes()).toEqual(before);

    fs.appendFileSync(path.join(dir, 'stories', 'beta.txt'), '\nOne more line at the end.\n');
    const third = JSON.parse(ficbind(dir, ...args).stdout) as Manifest;
    expect(third.stories.map((s) => [path.basename(s.source), s.skipped])).toEqual([
      ['alpha.txt', true],
      ['beta.txt', false],
      ['gamma.txt', true],
    ]);

    // A book changed on disk is not trusted: it is made again.
    fs.writeFileSync(path.join(dir, 'out', 'alpha.epub'), 'tampered');
    const fourth = JSON.parse(ficbind(dir, ...args).stdout) as Manifest;
    expect(fourth.stories.map((s) => s.skipped)).toEqual([false, true, true]);
    expect(sha256(path.join(dir, 'out', 'alpha.epub'))).toBe(first.stories[0]?.outputs[0]?.sha256);

    // Other options make other books.
    const typed = JSON.parse(ficbind(dir, ...args, '--no-typography').stdout) as Manifest;
    expect(typed.stories.map((s) => s.skipped)).toEqual([false, false, false]);

    const forced = JSON.parse(ficbind(dir, ...args, '--no-typography', '--force').stdout) as Manifest;
    expect(forced.stories.map((s) => s.skipped)).toEqual([false, false, false]);
    expect(forced.stories.map((s) => s.outputs)).toEqual(typed.stories.map((s) => s.outputs));
  });

  it('rebuilds a story when an author cover image appears beside it, with covers on', async () => {
    const dir = project({ 'alpha.txt': THREE['alpha.txt'] });
    const args = ['build', '--format', 'epub', '--json'];
    expect(JSON.parse(ficbind(dir, ...args).stdout).stories[0].skipped).toBe(false);
    expect(JSON.parse(ficbind(dir, ...args).stdout).stories[0].skipped).toBe(true);
    // A JPEG named like the story (any case) becomes its cover: the book must be made again.
    await sharp({ create: { width: 400, height: 640, channels: 3, background: '#7a1f2b' } })
      .jpeg()
      .toFile(path.join(dir, 'stories', 'Alpha.JPG'));
    const third = JSON.parse(ficbind(dir, ...args).stdout) as Manifest;
    expect(third.stories[0]?.skipped).toBe(false);
    expect(JSON.parse(ficbind(dir, ...args).stdout).stories[0].skipped).toBe(true);
  });

  it('rebuilds a story whose front matter names a cover that changed, when the file starts with a BOM', async () => {
    const dir = project({});
    const art = path.join(dir, 'stories', 'art.png');
    const paint = (background: string) =>
      sharp({ create: { width: 400, height: 640, channels: 3, background } })
        .png()
        .toFile(art);
    await paint('#1f7a2b');
    // A UTF-8 byte-order mark, CRLF line ends and front matter naming the image: the parser reads all three.
    fs.writeFileSync(
      path.join(dir, 'stories', 'boxed.txt'),
      '\uFEFF---\r\ncover: art.png\r\ntitle: Boxed\r\n---\r\n\r\nThe lid stayed shut.\r\n',
    );
    const args = ['build', '--format', 'epub', '--json'];
    expect(JSON.parse(ficbind(dir, ...args).stdout).stories[0].skipped).toBe(false);
    expect(JSON.parse(ficbind(dir, ...args).stdout).stories[0].skipped).toBe(true);
    await paint('#7a1f2b');
    expect(JSON.parse(ficbind(dir, ...args).stdout).stories[0].skipped).toBe(false);
  });

  it('warns about characters a book cannot hold in a PDF-only build too', () => {
    const dir = project({});
    fs.writeFileSync(
      path.join(dir, 'stories', 'bell.txt'),
      'Title: Bell\nAuthor: Ada\n\nThe bell rang\u0007 twice.\n',
    );
    const report = JSON.parse(
      ficbind(dir, 'build', '--format', 'pdf', '--no-cover', '--json').stdout,
    ) as Manifest;
    expect(report.stories[0]?.ok).toBe(true);
    expect(report.stories[0]?.warnings.map((w) => w.code)).toContain('invalid-character');
  });

  it('--shard I/N slices cover every story exactly once', () => {
    const dir = project({
      ...THREE,
      'delta.txt': fixture('header-dash'),
      'epsilon.txt': fixture('no-chapter-markers'),
    });
    const all = ['alpha', 'beta', 'delta', 'epsilon', 'gamma'].map((n) => path.join('stories', `${n}.txt`));
    const built: string[] = [];
    for (const i of [1, 2, 3]) {
      const out = `out-${i}`;
      const r = ficbind(
        dir,
        'build',
        '--format',
        'epub',
        '--no-cover',
        '--shard',
        `${i}/3`,
        '--out',
        out,
        '--json',
      );
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Manifest & { options: { shard: unknown } };
      expect(report.options.shard).toEqual({ index: i, count: 3 });
      built.push(...report.stories.map((s) => s.source));
      const books = fs.readdirSync(path.join(dir, out)).filter((n) => n.endsWith('.epub'));
      expect(manifest(dir, out)).toEqual(report);
      expect(books.sort()).toEqual(
        report.stories.map((s) => `${path.basename(s.source, '.txt')}.epub`).sort(),
      );
    }
    expect(built.sort()).toEqual(all);
  });

  it('makes byte-identical books and reports on the main thread (one or two at a time) and on two workers', () => {
    const dir = project(THREE);
    // --jobs 1: one story at a time on the main thread; no --jobs (little text): two at a time on the main
    // thread; --jobs 2: two worker threads.
    const run = (jobs: string | null) => {
      const out = `out-${jobs ?? 'default'}`;
      const r = ficbind(
        dir,
        'build',
        '--format',
        'epub,pdf',
        '--no-cover',
        ...(jobs ? ['--jobs', jobs] : []),
        '--out',
        out,
        '--json',
      );
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Manifest;
      const books = Object.fromEntries(
        fs
          .readdirSync(path.join(dir, out))
          .filter((n) => n !== 'manifest.json')
          .map((n) => [n, sha256(path.join(dir, out, n))]),
      );
      const stories = report.stories.map(({ ms: _ms, outputs, ...s }) => ({
        ...s,
        outputs: outputs.map((o) => ({ ...o, path: path.basename(o.path) })),
      }));
      return { books, stories };
    };
    const one = run('1');
    const shared = run(null);
    const two = run('2');
    expect(Object.keys(one.books)).toHaveLength(6);
    expect(two.books).toEqual(one.books);
    expect(two.stories).toEqual(one.stories);
    expect(shared.books).toEqual(one.books);
    expect(shared.stories).toEqual(one.stories);
  });

  it('refuses two stories that would write the same book before writing anything', () => {
    const dir = project({ 'same.txt': fixture('header-colon') });
    fs.mkdirSync(path.join(dir, 'stories', 'same'));
    fs.copyFileSync(fixture('header-dash'), path.join(dir, 'stories', 'same', 'chapter-1.txt'));
    const r = ficbind(dir, 'build', '--format', 'epub', '--no-cover');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[output-clash]');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('takes its options from ficbind.config.yaml, and flags override them', () => {
    const dir = project({ 'alpha.txt': fixture('header-colon') });
    fs.writeFileSync(path.join(dir, 'ficbind.config.yaml'), 'format: epub\ncover: false\nout: books\n');
    expect(ficbind(dir, 'build').code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'books')).sort()).toEqual(['alpha.epub', 'manifest.json']);
    expect(ficbind(dir, 'build', '--out', 'other', '--format', 'pdf').code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'other')).sort()).toEqual(['alpha.pdf', 'manifest.json']);
    fs.writeFileSync(path.join(dir, 'ficbind.config.yaml'), 'colour: blue\n');
    const bad = ficbind(dir, 'build');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ficbind.config.yaml');
  });

  it('explains every build option in --help', () => {
    const help = ficbind(ROOT, 'build', '--help').stdout;
    for (const flag of [
      '--out',
      '--format',
      '--jobs',
      '--page-size',
      '--templates',
      '--cover',
      '--typography',
      '--strict',
      '--force',
      '--json',
      '--shard',
      '--watch',
      '--config',
      '--quiet',
      '--verbose',
    ])
      expect(help).toContain(flag);
    expect(help).toContain('Examples');
  });
});

describe('typography in the books', () => {
  /** The text of the book's chapter documents, as stored in the EPUB. */
  async function chapterText(file: string): Promise<string> {
    const zip = await JSZip.loadAsync(fs.readFileSync(file));
    const names = Object.keys(zip.files).filter((n) => /ch-\d+\.xhtml$/.test(n));
    expect(names.length).toBeGreaterThan(0);
    return (await Promise.all(names.map((n) => zip.file(n)?.async('string') ?? ''))).join('\n');
  }

  it('curls quotes by default, keeps them straight with --no-typography, and never touches a word', async () => {
    const dir = project({ 'typos.txt': fixture('typos-preserved') });
    expect(ficbind(dir, 'build', '--format', 'epub', '--no-cover').code).toBe(0);
    const smart = await chapterText(path.join(dir, 'out', 'typos.epub'));
    expect(smart).toContain('\u201CYour welcome to come too,\u201D she told her brother. He wasnt.');
    expect(smart).toContain('anyway.. and it was definately just a house.');
    expect(ficbind(dir, 'build', '--format', 'epub', '--no-cover', '--no-typography').code).toBe(0);
    const plain = await chapterText(path.join(dir, 'out', 'typos.epub'));
    expect(plain).toMatch(/(&quot;|")Your welcome to come too,(&quot;|") she told her brother\. He wasnt\./);
    expect(plain).not.toContain('\u201C');
  });
});

describe('build() as a library', () => {
  it('reads the templates folder afresh for each build in the same process (as --watch does)', async () => {
    const { build } = await import('../src/index.js');
    const dir = project({ 'alpha.txt': THREE['alpha.txt'] });
    const templates = path.join(dir, 'templates');
    fs.cpSync(path.join(ROOT, 'templates'), templates, { recursive: true });
    const labelsFile = path.join(templates, 'labels.json');
    const out = path.join(dir, 'out');
    // Small enough to be built on this thread, where the templates stay loaded between builds.
    const once = (contents: string) =>
      build({ paths: [path.join(dir, 'stories')], out, formats: 'epub', cover: false, templates }).then(
        async (r) => {
          expect(r.ok).toBe(true);
          const epub = await openEpub(fs.readFileSync(path.join(out, 'alpha.epub')));
          expect(epub.spine.map((d) => d.xml).join('\n')).toContain(contents);
        },
      );
    await once('Contents');
    const labels = JSON.parse(fs.readFileSync(labelsFile, 'utf8')) as Record<string, string>;
    fs.writeFileSync(labelsFile, JSON.stringify({ ...labels, contents: 'Table of Tales' }));
    await once('Table of Tales');
  });

  it('fingerprints templates reached through links by the files they point at, so editing those rebuilds', async () => {
    const { hashFolder } = await import('../src/pipeline/fingerprint.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-templates-'));
    const templates = path.join(dir, 'templates');
    fs.mkdirSync(templates);
    fs.writeFileSync(path.join(templates, 'page.hbs'), '<p>{{text}}</p>');
    fs.writeFileSync(path.join(dir, 'style.css'), 'p { margin: 0 }');
    fs.symlinkSync(path.join(dir, 'style.css'), path.join(templates, 'style.css'));
    fs.mkdirSync(path.join(dir, 'shared'));
    fs.writeFileSync(path.join(dir, 'shared', 'note.hbs'), '<aside>{{text}}</aside>');
    fs.symlinkSync(path.join(dir, 'shared'), path.join(templates, 'partials'));
    // A link back up to the templates folder is listed once, not followed round for ever.
    fs.symlinkSync(templates, path.join(dir, 'shared', 'up'));
    const before = await hashFolder(templates);
    fs.writeFileSync(path.join(dir, 'style.css'), 'p { margin: 1em }');
    const afterStyle = await hashFolder(templates);
    expect(afterStyle).not.toBe(before);
    fs.writeFileSync(path.join(dir, 'shared', 'note.hbs'), '<aside class="note">{{text}}</aside>');
    expect(await hashFolder(templates)).not.toBe(afterStyle);
  });

  it('builds in worker threads, tells each stage, and returns the report it writes as manifest.json', async () => {
    const { build } = await import('../src/index.js');
    const dir = project({ ...THREE, 'broken.txt': fixture('empty-file') });
    const out = path.join(dir, 'out');
    const planned: string[] = [];
    const started: string[] = [];
    const finished: [string, number, number][] = [];
    const report = await build(
      { paths: [path.join(dir, 'stories')], out, formats: 'epub', cover: false, jobs: 2 },
      {
        onPlan: (sources) => planned.push(...sources),
        onStart: (source) => started.push(source),
        onStory: (story, done, total) => finished.push([story.source, done, total]),
      },
    );
    expect(planned.map((s) => path.basename(s))).toEqual([
      'alpha.txt',
      'beta.txt',
      'broken.txt',
      'gamma.txt',
    ]);
    expect([...started].sort()).toEqual(planned);
    expect(finished.map(([, done, total]) => [done, total])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(report.ok).toBe(false);
    expect(report.stories.map((s) => s.source)).toEqual(planned);
    expect(report.stories.find((s) => !s.ok)?.errors[0]?.code).toBe('empty-story');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(report)),
    );
  });

  it('has a worker build its next story while the books of the one before are being written', async () => {
    const { runStoryPool } = await import('../src/pipeline/pool.js');
    const dir = project(THREE);
    const settings = {
      formats: ['epub' as const],
      templatesDir: path.join(ROOT, 'templates'),
      pageSize: 'a5' as const,
      cover: false,
      typography: true,
      strict: false,
    };
    const tasks = Object.keys(THREE).map((name) => ({
      source: path.join(dir, 'stories', name),
      outDir: path.join(dir, 'out'),
      settings,
      inputs: null,
      previous: null,
    }));
    const events: string[] = [];
    // The first story's hand-over waits until the worker has been given the second: one that waited for
    // the hand-over first would never get it.
    let secondStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      secondStarted = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the worker waited for the books before taking the next story')),
        30_000,
      );
    });
    await runStoryPool(
      tasks,
      { jobs: 1, on: 'workers' },
      {
        onStart: (source) => {
          events.push(`start ${path.basename(source)}`);
          if (events.filter((e) => e.startsWith('start')).length === 2) secondStarted();
        },
        onDone: async (outcome) => {
          events.push(`done ${path.basename(outcome.source)} (${outcome.errors.length} errors)`);
          if (events.filter((e) => e.startsWith('done')).length === 1) await Promise.race([started, stuck]);
          events.push(`written ${path.basename(outcome.source)}`);
        },
      },
    );
    clearTimeout(timer);
    expect(events).toEqual([
      'start alpha.txt',
      'done alpha.txt (0 errors)',
      'start beta.txt',
      'written alpha.txt',
      'done beta.txt (0 errors)',
      'written beta.txt',
      'start gamma.txt',
      'done gamma.txt (0 errors)',
      'written gamma.txt',
    ]);
  });

  it.each(['workers', 'main-thread'] as const)(
    'stops at a book it cannot write, on %s, and leaves nothing running when it throws',
    async (on) => {
      const { runStoryPool } = await import('../src/pipeline/pool.js');
      const dir = project({ ...THREE, 'delta.txt': THREE['alpha.txt'], 'epsilon.txt': THREE['beta.txt'] });
      const names = ['alpha.txt', 'beta.txt', 'delta.txt', 'epsilon.txt', 'gamma.txt'];
      const tasks = names.map((name) => ({
        source: path.join(dir, 'stories', name),
        outDir: path.join(dir, 'out'),
        settings: {
          formats: ['epub' as const],
          templatesDir: path.join(ROOT, 'templates'),
          pageSize: 'a5' as const,
          cover: false,
          typography: true,
          strict: false,
        },
        inputs: null,
        previous: null,
      }));
      const events: string[] = [];
      let returned = false;
      const said = (event: string) => events.push(returned ? `${event} after the pool returned` : event);
      const run = runStoryPool(
        tasks,
        { jobs: 2, on },
        {
          onStart: (source) => said(`start ${path.basename(source)}`),
          onDone: async (outcome) => {
            said(`done ${path.basename(outcome.source)}`);
            if (events.filter((e) => e.startsWith('done')).length === 1)
              throw new Error('no space left on device');
            await new Promise((resolve) => setTimeout(resolve, 50));
            said(`written ${path.basename(outcome.source)}`);
          },
        },
      );
      await expect(run).rejects.toThrow('no space left on device');
      returned = true;
      // Anything a lane still had going would say so now.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(events.filter((e) => e.endsWith('after the pool returned'))).toEqual([]);
      const failed = events.findIndex((e) => e.startsWith('done'));
      expect(events.slice(failed).filter((e) => e.startsWith('start'))).toEqual([]);
    },
  );

  it('refuses wrong options with a UsageError before building', async () => {
    const { build, UsageError } = await import('../src/index.js');
    await expect(build({ formats: 'mobi' })).rejects.toThrow(UsageError);
  });
});

describe('a book in pieces', () => {
  it('is written as its pieces one after the other, and hashed the same as the joined file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-pieces-'));
    // Pieces as the PDF writer makes them (large ones, part-filled), and one from the shared small pool.
    const pieces = [
      Buffer.alloc(1 << 20, 1).subarray(0, 700_000),
      Buffer.from('small'),
      Buffer.alloc(3000, 7),
    ];
    const file = path.join(dir, 'book.pdf');
    await writeFileAtomic(file, pieces);
    const written = fs.readFileSync(file);
    expect(written.equals(Buffer.concat(pieces))).toBe(true);
    expect(sha256Of(pieces)).toBe(sha256Of(written));
    expect(fs.readdirSync(dir)).toEqual(['book.pdf']);
  });

  it("is moved from a worker without copies, except a piece that shares Node's small-buffer pool", () => {
    const large = Buffer.allocUnsafe(1 << 20)
      .fill(1)
      .subarray(0, 700_000);
    const exact = Buffer.alloc(3000, 2);
    const pooled = Buffer.from('small');
    const neighbour = Buffer.from('neighbour'); // cut from the same pool
    expect(pooled.buffer).toBe(neighbour.buffer);
    const ready = [large, exact, pooled].map(ownMemory);
    expect(ready[0]).toBe(large);
    expect(ready[1]).toBe(exact);
    expect(ready[2]).not.toBe(pooled);
    expect(Buffer.from(ready[2] as Uint8Array).toString()).toBe('small');
    // Transferring them, as the worker does, detaches their memory but leaves the pool alone.
    const moved = structuredClone(ready, {
      transfer: [...new Set(ready.map((p) => p.buffer as ArrayBuffer))],
    });
    expect(moved.map((p) => p.length)).toEqual([700_000, 3000, 5]);
    expect(large.byteLength).toBe(0);
    expect(neighbour.toString()).toBe('neighbour');
  });
});
