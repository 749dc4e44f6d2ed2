/**
 * The build pipeline as authors and CI use it: the command run in a child process, its books and
 * manifest read back from disk. Small EPUB-only builds without covers keep these fast.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'src', 'cli.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const fixture = (name: string) => path.join(ROOT, 'test', 'fixtures', 'parse', name, 'input.txt');

function ficbind(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function spawnFicbind(cwd: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A scratch project with a `stories/` folder holding copies of the given fixtures. */
function project(stories: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-pipeline-'));
  fs.mkdirSync(path.join(dir, 'stories'));
  for (const [name, from] of Object.entries(stories)) fs.copyFileSync(from, path.join(dir, 'stories', name));
  return dir;
}

const THREE = {
  'alpha.txt': fixture('header-colon'),
  'beta.txt': fixture('notes-chapter-end'),
  'gamma.txt': fixture('chapters-words'),
};

interface Manifest {
  ok: boolean;
  stories: {
    source: string;
    ok: boolean;
    skipped: boolean;
    outputs: { format: string; path: string; bytes: number; sha256: string }[];
    words: number;
    chapters: number;
    notes: number;
    warnings: unknown[];
    errors: { code: string; file: string }[];
    ms: number;
  }[];
  problems: { code: string }[];
}

const manifest = (dir: string, out = 'out'): Manifest =>
  JSON.parse(fs.readFileSync(path.join(dir, out, 'manifest.json'), 'utf8'));

/** Every file in a folder is a complete book: EPUBs open as zip archives, PDFs end with %%EOF. */
async function expectOnlyCompleteBooks(out: string): Promise<void> {
  for (const name of fs.readdirSync(out)) {
    const bytes = fs.readFileSync(path.join(out, name));
    if (name.endsWith('.epub')) await expect(JSZip.loadAsync(bytes), name).resolves.toBeTruthy();
    else if (name.endsWith('.pdf')) expect(bytes.subarray(-8).toString('latin1'), name).toMatch(/%%EOF\s*$/);
    else if (name === 'manifest.json') expect(() => JSON.parse(bytes.toString('utf8'))).not.toThrow();
    else if (!name.endsWith('.tmp')) throw new Error(`unexpected file ${name}`);
  }
}

/** A long story of pseudo-random words (so its EPUB does not compress to nothing). */
function bigStory(words: number, seed: number): string {
  const vocabulary =
    'lamp harbour keeper rain quiet wall salt iron bell window river stone letter winter tide lantern door key ring night morning bridge'.split(
      ' ',
    );
  let x = seed;
  const lines = ['Title: A Long Night', 'Author: Test Writer', ''];
  let paragraph: string[] = [];
  for (let i = 0; i < words; i += 1) {
    if (i % 25_000 === 0) lines.push(`Chapter ${i / 25_000 + 1}`, '');
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    paragraph.push(`${vocabulary[x % vocabulary.length]}${x % 7}`);
    if (paragraph.length === 90) {
      lines.push(`${paragraph.join(' ')}.`, '');
      paragraph = [];
    }
  }
  lines.push(`${paragraph.join(' ')}.`);
  return lines.join('\n');
}

describe('ficbind build', () => {
  it('builds every other story when one is broken, names the broken one, exits 1 and records both', () => {
    const dir = project({ ...THREE, 'broken.txt': fixture('binary-file') });
    const r = ficbind(dir, 'build', '--format', 'epub', '--no-cover', '--jobs', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path.join('stories', 'broken.txt'));
    expect(r.stderr).toContain('[binary-file]');
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual([
      'alpha.epub',
      'beta.epub',
      'gamma.epub',
      'manifest.json',
    ]);
    const m = manifest(dir);
    expect(m.ok).toBe(false);
    expect(m.stories.map((s) => [path.basename(s.source), s.ok])).toEqual([
      ['alpha.txt', true],
      ['beta.txt', true],
      ['broken.txt', false],
      ['gamma.txt', true],
    ]);
    expect(m.stories[2]?.errors[0]?.code).toBe('binary-file');
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
      const books = fs.existsSync(path.join(dir, out))
        ? fs.readdirSync(path.join(dir, out)).filter((n) => n.endsWith('.epub'))
        : [];
      expect(books.sort()).toEqual(
        report.stories.map((s) => `${path.basename(s.source, '.txt')}.epub`).sort(),
      );
    }
    expect(built.sort()).toEqual(all);
  });

  it('makes byte-identical books and reports with --jobs 1 and --jobs 2', () => {
    const dir = project(THREE);
    const run = (jobs: string) => {
      const out = `out-${jobs}`;
      const r = ficbind(
        dir,
        'build',
        '--format',
        'epub,pdf',
        '--no-cover',
        '--jobs',
        jobs,
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
    const two = run('2');
    expect(Object.keys(one.books)).toHaveLength(6);
    expect(two.books).toEqual(one.books);
    expect(two.stories).toEqual(one.stories);
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

describe('build() as a library', () => {
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

  it('refuses wrong options with a UsageError before building', async () => {
    const { build, UsageError } = await import('../src/index.js');
    await expect(build({ formats: 'mobi' })).rejects.toThrow(UsageError);
  });
});

describe('an interrupted build', () => {
  /** Starts a build of a big story and two small ones, and stops it with `signal` as its first book is being written. */
  async function interrupt(signal: NodeJS.Signals): Promise<{ dir: string; out: string; sawTemp: boolean }> {
    const dir = project({ 'b-small.txt': fixture('header-colon'), 'c-small.txt': fixture('header-dash') });
    fs.writeFileSync(path.join(dir, 'stories', 'a-big.txt'), bigStory(200_000, 7));
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const child = spawnFicbind(dir, 'build', '--format', 'epub', '--no-cover', '--jobs', '1');
    let sawTemp = false;
    const watcher = fs.watch(out, (_event, name) => {
      if (name?.endsWith('.tmp') && !sawTemp) {
        sawTemp = true;
        child.kill(signal);
      }
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // If the temporary file came and went unseen, stop the build once its first book is in place.
    const poll = setInterval(() => {
      if (fs.readdirSync(out).some((n) => n.endsWith('.epub'))) child.kill(signal);
    }, 5);
    const code = await exited;
    clearInterval(poll);
    watcher.close();
    expect(code).not.toBe(0);
    // Stopped mid-way: the manifest, written last, is not there.
    expect(fs.existsSync(path.join(out, 'manifest.json'))).toBe(false);
    if (process.env.FICBIND_DEBUG) console.log(`${signal}: stopped while writing a book: ${sawTemp}`);
    return { dir, out, sawTemp };
  }

  it('leaves no temporary file and no half-written book after Ctrl-C (SIGINT)', async () => {
    const { out } = await interrupt('SIGINT');
    expect(fs.readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await expectOnlyCompleteBooks(out);
  });

  it('leaves no half-written book after SIGKILL, and the next build clears its temporary files', async () => {
    const { dir, out } = await interrupt('SIGKILL');
    await expectOnlyCompleteBooks(out);
    const r = ficbind(dir, 'build', '--format', 'epub', '--no-cover');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([
      'a-big.epub',
      'b-small.epub',
      'c-small.epub',
      'manifest.json',
    ]);
    await expectOnlyCompleteBooks(out);
  });

  it('a later build removes temporary files of dead processes but not of running ones', () => {
    const dir = project({ 'alpha.txt': fixture('header-colon') });
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    fs.writeFileSync(path.join(out, `.alpha.epub.${dead}.0.tmp`), 'half a book');
    fs.writeFileSync(path.join(out, `.alpha.pdf.${process.pid}.0.tmp`), 'being written');
    expect(ficbind(dir, 'build', '--format', 'epub', '--no-cover').code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([
      `.alpha.pdf.${process.pid}.0.tmp`,
      'alpha.epub',
      'manifest.json',
    ]);
  });
});
