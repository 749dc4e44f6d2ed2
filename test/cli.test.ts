import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_STORIES_DIR, realStoryFiles } from './helpers/real-stories.js';

/** Runs the CLI from source, as a user would run the command. */
function ficbind(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fixture = (name: string) => path.join('test', 'fixtures', 'parse', name, 'input.txt');

describe('ficbind inspect', () => {
  it('prints what the parser understood as JSON with the documented keys', () => {
    const r = ficbind('inspect', fixture('header-spaced-colon'), '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    for (const key of [
      'title',
      'author',
      'pairing',
      'rating',
      'summary',
      'disclaimer',
      'language',
      'notes',
      'chapters',
      'diagnostics',
    ]) {
      expect(report).toHaveProperty(key);
    }
    expect(report.title).toBe('Salt and Iron');
    expect(report.notes[0]).toMatchObject({ label: 'Author Note', chapter: null });
    expect(report.chapters[0]).toMatchObject({ title: null, paragraphs: 2, sceneBreaks: 0 });
    expect(report.chapters[0].words).toBeGreaterThan(0);
  });

  it('prints a readable summary without --json', () => {
    const r = ficbind('inspect', fixture('notes-chapter-end'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Bell, Book and Bicycle');
    expect(r.stdout).toMatch(/notes \(3\)/);
  });

  it.each([
    ['empty-file', 'empty-story'],
    ['whitespace-only', 'empty-story'],
    ['binary-file', 'binary-file'],
    ['header-only-no-story', 'no-story-text'],
  ])('%s: exits 1 with one line naming the file and no stack trace', (name, code) => {
    const r = ficbind('inspect', fixture(name));
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(fixture(name));
    expect(lines[0]).toContain(`[${code}]`);
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
  });

  it('exits 2 on a wrong command line, and 1 on a missing file', () => {
    expect(ficbind('inspect').code).toBe(2);
    expect(ficbind('frobnicate').code).toBe(2);
    const missing = ficbind('inspect', 'no/such/story.txt');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no/such/story.txt');
  });

  it('explains every command in --help', () => {
    const r = ficbind('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('build');
    expect(r.stdout).toContain('inspect');
    expect(ficbind('build', '--help').stdout).toMatch(/--page-size[\s\S]*--templates[\s\S]*Examples/);
  });
});

describe.skipIf(REAL_STORIES_DIR === null)('ficbind inspect on the real stories', () => {
  it.each(realStoryFiles().map((f) => [path.basename(f), f]))('%s', (_name, file) => {
    const r = ficbind('inspect', file, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.chapters.length).toBeGreaterThan(0);
    expect(report.notes.length).toBeGreaterThan(0);
  });
});

describe('ficbind build', () => {
  it('builds the good stories, names the broken one, exits 1, and leaves no temporary files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-cli-'));
    const stories = path.join(dir, 'stories');
    fs.mkdirSync(stories);
    fs.copyFileSync(fixture('header-colon'), path.join(stories, 'good.txt'));
    fs.copyFileSync(fixture('binary-file'), path.join(stories, 'broken.txt'));
    const out = path.join(dir, 'out');
    const r = ficbind('build', stories, '--out', out, '--format', 'epub', '--no-cover');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('broken.txt');
    expect(r.stderr).toContain('[binary-file]');
    expect(fs.readdirSync(out).sort()).toEqual(['good.epub', 'manifest.json']);
    expect(fs.statSync(path.join(out, 'good.epub')).size).toBeGreaterThan(1000);
  });

  it('refuses a bad --format as a usage error', () => {
    const r = ficbind('build', 'stories', '--format', 'mobi');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format');
  });
});

describe("yargs' own words", () => {
  it('are English like the rest, whatever language the system is set to', () => {
    const env = { ...process.env, LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', LC_MESSAGES: 'de_DE.UTF-8' };
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', env });
    const help = run('build', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Options:');
    expect(help.stdout).not.toContain('Optionen:');
    expect(run('inspect').stderr).toContain('Not enough non-option arguments');
  });
});
