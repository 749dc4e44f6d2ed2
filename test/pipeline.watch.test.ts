import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const fixture = (name: string) => path.join(ROOT, 'test', 'fixtures', 'parse', name, 'input.txt');
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** `ficbind build --watch …` running in `dir`, with a way to wait for what it says on stderr. */
function watching(dir: string, ...args: string[]) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      TSX,
      path.join(ROOT, 'src', 'cli.ts'),
      'build',
      '--watch',
      '--format',
      'epub',
      '--no-cover',
      ...args,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const waitFor = (pattern: RegExp, after = 0) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${stderr}`)), 40_000);
      const check = () => {
        if (pattern.test(stderr.slice(after))) {
          clearTimeout(timer);
          child.stderr?.off('data', check);
          resolve();
        }
      };
      child.stderr?.on('data', check);
      child.once('exit', () => reject(new Error(`ficbind exited early:\n${stderr}`)));
      check();
    });
  /** Edits a file until ficbind says it changed (Node's recursive watch on Linux adds its watches late). */
  const editUntilSeen = async (file: string, seen: RegExp) => {
    const mark = stderr.length;
    const edit = () => fs.appendFileSync(file, '\nA line written while watching.\n');
    edit();
    const again = setInterval(() => !/changed:/.test(stderr.slice(mark)) && edit(), 1500);
    await waitFor(seen, mark).finally(() => clearInterval(again));
    return stderr.slice(mark);
  };
  return {
    waitFor,
    editUntilSeen,
    async stop() {
      child.kill('SIGINT');
      await exited;
    },
  };
}

describe('ficbind build --watch', () => {
  it('builds, then rebuilds only the story that changed, until interrupted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-watch-'));
    fs.mkdirSync(path.join(dir, 'stories'));
    fs.copyFileSync(fixture('header-colon'), path.join(dir, 'stories', 'alpha.txt'));
    fs.copyFileSync(fixture('header-dash'), path.join(dir, 'stories', 'beta.txt'));
    const ficbind = watching(dir);
    try {
      await ficbind.waitFor(/watching/);
      const out = path.join(dir, 'out');
      const alpha = sha256(path.join(out, 'alpha.epub'));
      const beta = sha256(path.join(out, 'beta.epub'));
      const rebuilt = await ficbind.editUntilSeen(
        path.join(dir, 'stories', 'beta.txt'),
        /changed: .*beta\.txt[\s\S]*built[\s\S]*watching/,
      );
      expect(rebuilt).toMatch(/✓ stories\/beta\.txt/);
      expect(rebuilt).toMatch(/= stories\/alpha\.txt .*unchanged/);
      expect(sha256(path.join(out, 'alpha.epub'))).toBe(alpha);
      expect(sha256(path.join(out, 'beta.epub'))).not.toBe(beta);
    } finally {
      await ficbind.stop();
    }
    expect(fs.readdirSync(path.join(dir, 'out')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('rebuilds a story given as a link when the file it points at changes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-watch-link-'));
    fs.mkdirSync(path.join(dir, 'drafts'));
    fs.copyFileSync(fixture('header-colon'), path.join(dir, 'drafts', 'draft-7.txt'));
    fs.symlinkSync(path.join(dir, 'drafts', 'draft-7.txt'), path.join(dir, 'gamma.txt'));
    const ficbind = watching(dir, 'gamma.txt');
    try {
      await ficbind.waitFor(/watching/);
      const before = sha256(path.join(dir, 'out', 'gamma.epub'));
      const rebuilt = await ficbind.editUntilSeen(
        path.join(dir, 'drafts', 'draft-7.txt'),
        /changed: .*gamma\.txt[\s\S]*built[\s\S]*watching/,
      );
      expect(rebuilt).toMatch(/✓ gamma\.txt/);
      expect(sha256(path.join(dir, 'out', 'gamma.epub'))).not.toBe(before);
    } finally {
      await ficbind.stop();
    }
  });
});
