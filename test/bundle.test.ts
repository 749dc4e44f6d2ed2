/**
 * The command users run is the bundle (`dist/cli.js`, `dist/worker.js` and their chunks, made by
 * scripts/bundle.mjs), not the sources the other tests run. Here it is bundled afresh into a scratch
 * package and must make the same books as the sources, on the main thread and on worker threads.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ficbind, type Manifest, ROOT, sha256 } from './helpers/pipeline.js';

const ENV = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
let pkg = '';
const scratch: string[] = [];
const scratchDir = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ficbind-${name}-`));
  scratch.push(dir);
  return dir;
};

afterAll(() => {
  // The links first, so that removing the package never reaches through them.
  for (const link of ['templates', 'node_modules']) fs.rmSync(path.join(pkg, link), { force: true });
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => {
  pkg = scratchDir('bundle');
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  // Junctions: folder links that Windows allows without special rights (ignored elsewhere).
  fs.symlinkSync(path.join(ROOT, 'templates'), path.join(pkg, 'templates'), 'junction');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'junction');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle.mjs'), path.join(pkg, 'dist')], {
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 60_000);

function bundled(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(pkg, 'dist', 'cli.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: ENV,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The books of a build (by name, their hashes) and its report without timings. */
function outcome(out: string, stdout: string) {
  const report = JSON.parse(stdout) as Manifest;
  const books = Object.fromEntries(
    fs
      .readdirSync(out)
      .filter((n) => n !== 'manifest.json')
      .map((n) => [n, sha256(path.join(out, n))]),
  );
  const stories = report.stories.map(({ ms: _ms, ...s }) => s);
  return { books, stories };
}

describe('the bundled command', () => {
  it('makes the same books as the sources, on the main thread and on two workers', () => {
    const dir = scratchDir('bundle-build');
    const stories = path.join(ROOT, 'stories');
    vi.stubEnv('SOURCE_DATE_EPOCH', ENV.SOURCE_DATE_EPOCH);
    const sources = ficbind(dir, 'build', stories, '--out', 'sources', '--jobs', '1', '--json');
    vi.unstubAllEnvs();
    expect(sources.code, sources.stderr).toBe(0);
    const fromSources = outcome(path.join(dir, 'sources'), sources.stdout);
    expect(Object.keys(fromSources.books).length).toBeGreaterThanOrEqual(12);

    for (const jobs of ['1', '2']) {
      const out = `bundle-${jobs}`;
      const r = bundled(dir, 'build', stories, '--out', out, '--jobs', jobs, '--json');
      expect(r.code, r.stderr).toBe(0);
      const got = outcome(path.join(dir, out), r.stdout);
      expect(got.books).toEqual(fromSources.books);
      expect(
        got.stories.map((s) => ({ ...s, outputs: s.outputs.map((o) => path.basename(o.path)) })),
      ).toEqual(
        fromSources.stories.map((s) => ({ ...s, outputs: s.outputs.map((o) => path.basename(o.path)) })),
      );
    }
  }, 120_000);

  it("carries ficbind's own templates compiled, and still uses a template the user has edited", () => {
    // Every template's text, by its hash, is in the bundle (src/render/precompiled-templates.ts).
    const bundle = fs
      .readdirSync(path.join(pkg, 'dist'))
      .filter((n) => n.endsWith('.js'))
      .map((n) => fs.readFileSync(path.join(pkg, 'dist', n), 'utf8'))
      .join('\n');
    const templates = path.join(ROOT, 'templates');
    for (const folder of [templates, path.join(templates, 'partials')]) {
      for (const name of fs.readdirSync(folder).filter((n) => n.endsWith('.hbs'))) {
        const hash = createHash('sha256')
          .update(fs.readFileSync(path.join(folder, name), 'utf8'))
          .digest('hex');
        expect(bundle, name).toContain(`"${hash}"`);
      }
    }
    // An edited copy is compiled from its own text, not taken from the bundle.
    const dir = scratchDir('bundle-templates');
    const mine = path.join(dir, 'templates');
    fs.cpSync(templates, mine, { recursive: true });
    const title = path.join(mine, 'title.hbs');
    fs.writeFileSync(
      title,
      fs
        .readFileSync(title, 'utf8')
        .replace('<h1 class="book-title">', '<p>Edited by hand</p><h1 class="book-title">'),
    );
    const story = path.join(ROOT, 'stories', 'the-lamp-room.txt');
    const r = bundled(
      dir,
      'build',
      story,
      '--templates',
      mine,
      '--format',
      'epub',
      '--no-cover',
      '--out',
      'out',
    );
    expect(r.code, r.stderr).toBe(0);
    const epub = fs.readFileSync(path.join(dir, 'out', 'the-lamp-room.epub'));
    return JSZip.loadAsync(epub).then(async (zip) => {
      expect(await zip.file('OEBPS/title.xhtml')?.async('string')).toContain('<p>Edited by hand</p>');
    });
  });

  it('fails a story whose partial names a value the view lacks, as the sources do', () => {
    const dir = scratchDir('bundle-partial');
    const mine = path.join(dir, 'templates');
    fs.cpSync(path.join(ROOT, 'templates'), mine, { recursive: true });
    const partial = path.join(mine, 'partials', 'noteref.hbs');
    fs.writeFileSync(partial, fs.readFileSync(partial, 'utf8').replace('{{number}}', '{{numbr}}'));
    const args = ['build', path.join(ROOT, 'stories', 'what-the-margin-said.txt'), '--templates', mine];
    const r = bundled(dir, ...args, '--format', 'epub', '--no-cover', '--out', 'out');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/numbr/);
  });

  it('knows its version and shows its help wherever it runs', () => {
    const elsewhere = os.tmpdir();
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(bundled(elsewhere, '--version').stdout.trim()).toBe(version);
    const help = bundled(elsewhere, 'build', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('ficbind build [paths..]');
    expect(help.stdout).toContain('--page-size');
  });
});
