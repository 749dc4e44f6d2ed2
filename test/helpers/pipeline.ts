/** Running ficbind as a user would, in scratch projects, and reading its books and manifest back. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import JSZip from 'jszip';
import { expect } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CLI = path.join(ROOT, 'src', 'cli.ts');
export const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
export const fixture = (name: string) => path.join(ROOT, 'test', 'fixtures', 'parse', name, 'input.txt');

export function ficbind(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function spawnFicbind(cwd: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

export const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A scratch project with a `stories/` folder holding copies of the given fixtures. */
export function project(stories: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-pipeline-'));
  fs.mkdirSync(path.join(dir, 'stories'));
  for (const [name, from] of Object.entries(stories)) fs.copyFileSync(from, path.join(dir, 'stories', name));
  return dir;
}

export const THREE = {
  'alpha.txt': fixture('header-colon'),
  'beta.txt': fixture('notes-chapter-end'),
  'gamma.txt': fixture('chapters-words'),
};

export interface Manifest {
  ok: boolean;
  stories: {
    source: string;
    ok: boolean;
    skipped: boolean;
    outputs: { format: string; path: string; bytes: number; sha256: string }[];
    words: number;
    chapters: number;
    notes: number;
    warnings: { code: string; file: string }[];
    errors: { code: string; file: string }[];
    ms: number;
  }[];
  problems: { code: string }[];
}

export const manifest = (dir: string, out = 'out'): Manifest =>
  JSON.parse(fs.readFileSync(path.join(dir, out, 'manifest.json'), 'utf8'));

/** Every file in a folder is a complete book: EPUBs open as zip archives, PDFs end with %%EOF. */
export async function expectOnlyCompleteBooks(out: string): Promise<void> {
  for (const name of fs.readdirSync(out)) {
    const bytes = fs.readFileSync(path.join(out, name));
    if (name.endsWith('.epub')) await expect(JSZip.loadAsync(bytes), name).resolves.toBeTruthy();
    else if (name.endsWith('.pdf')) expect(bytes.subarray(-8).toString('latin1'), name).toMatch(/%%EOF\s*$/);
    else if (name === 'manifest.json') expect(() => JSON.parse(bytes.toString('utf8'))).not.toThrow();
    else if (!name.endsWith('.tmp')) throw new Error(`unexpected file ${name}`);
  }
}

/** A long story of pseudo-random words (so its EPUB does not compress to nothing). */
export function bigStory(words: number, seed: number): string {
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
